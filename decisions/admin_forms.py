"""The forms of a clerk's upload and of the draft's preview (decisions.admin)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from .forms import NamndChoiceField
from .guard import ALL, Finding, PersonalDataError, guard
from .models import Namnd
from .parser import ParsedMember, ParsedParagraf
from .parser.control import without_control
from .parser.members import parse_members
from .services.publishing import Correction, correction_texts, paragraf_texts


class UploadForm(forms.Form):
    namnd = NamndChoiceField(queryset=Namnd.objects.none(), label="Nämnd")
    meeting_date = forms.DateField(
        label="Sammanträdesdatum",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Som ÅÅÅÅ-MM-DD.",
    )
    # An empty file is refused by decisions.extract, in words that name it.
    file = forms.FileField(
        label="Protokollfil",
        allow_empty_file=True,
        help_text="PDF, Word (.docx) eller UTF-8-text.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.txt,application/pdf,text/plain"}
        ),
    )

    def __init__(self, *args: Any, namnder: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["namnd"]
        assert isinstance(field, NamndChoiceField)
        field.queryset = namnder.select_related("municipality").order_by(
            "municipality__name", "name"
        )
        limit = filesizeformat(settings.UPLOAD_MAX_BYTES)
        self.fields["file"].help_text += f" Högst {limit}."

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        if file.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"{file.name} är {filesizeformat(file.size)}; högst "
                f"{filesizeformat(settings.UPLOAD_MAX_BYTES)} tas emot"
            )
        return file


class CorrectionForm(forms.Form):
    """One paragraph of a draft: what the clerk may correct in it."""

    title = forms.CharField(label="Rubrik", max_length=2000)
    dnr = forms.CharField(label="Dnr", max_length=100, required=False)
    # Which of the paragraph's texts is the decision ("" as parsed).
    decision = forms.ChoiceField(label="Beslutstext", required=False)
    reservations = forms.CharField(
        label="Reservanter",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="En rad per reservation: Namn (parti), Namn (parti).",
    )

    def __init__(self, *args: Any, paragraf: ParsedParagraf, **kwargs: Any) -> None:
        self.paragraf = paragraf
        texts = [s.text for s in paragraf.sections if s.text]
        choices = [(str(i), _label(text)) for i, text in enumerate(texts)]
        current = next(
            (str(i) for i, text in enumerate(texts) if text == paragraf.decision), ""
        )
        if not current:
            choices.insert(0, ("", f"Som tolkat: {_label(paragraf.decision)}"))
        kwargs.setdefault(
            "initial",
            {
                "title": paragraf.title,
                "dnr": paragraf.dnr or "",
                "decision": current,
                "reservations": "\n".join(
                    ", ".join(_member_text(m) for m in r.members)
                    for r in paragraf.reservations
                ),
            },
        )
        super().__init__(*args, **kwargs)
        decision = self.fields["decision"]
        assert isinstance(decision, forms.ChoiceField)
        decision.choices = choices
        self.texts = texts
        if not paragraf.reservations:
            del self.fields["reservations"]

    def clean_title(self) -> str:
        return without_control(self.cleaned_data["title"])

    def clean_dnr(self) -> str:
        dnr = " ".join(without_control(self.cleaned_data["dnr"]).split())
        if dnr and not re.search(r"\d", dnr):
            raise forms.ValidationError(f"{dnr!r} är inget diarienummer (inga siffror)")
        return dnr

    def clean_reservations(self) -> list[list[ParsedMember]]:
        typed = without_control(self.cleaned_data["reservations"])
        lines = [line for line in typed.splitlines() if line]
        wanted = len(self.paragraf.reservations)
        if len(lines) != wanted:
            raise forms.ValidationError(
                f"{len(lines)} rader; {wanted} väntas, en per reservation"
            )
        out = []
        for number, line in enumerate(lines, start=1):
            # Read as the parser reads the minutes' own "A (S) och B (M)".
            members = parse_members(line)
            if not members:
                raise forms.ValidationError(
                    f"rad {number}: {line.strip()!r} är inte Namn (parti)"
                )
            out.append(members)
        return out

    def clean(self) -> dict[str, Any]:
        """No identity number typed in: refused at its field (the guard,
        decisions.guard; publishing.correct() refuses the same)."""
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        try:
            guard(
                correction_texts(self.paragraf, self.correction()),
                stored=paragraf_texts(self.paragraf),
            )
        except PersonalDataError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return data

    def correction(self) -> Correction:
        data = self.cleaned_data
        chosen = data["decision"]
        return Correction(
            title=data["title"],
            dnr=data["dnr"],
            decision=self.texts[int(chosen)] if chosen else self.paragraf.decision,
            reservations=data.get("reservations", []),
        )


def _label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 90 else f"{text[:90]}…"


def _member_text(member: ParsedMember) -> str:
    return f"{member.name} ({member.party})" if member.party else member.name


def clean_text(value: Any) -> Any:
    """A form field's cleaned value without control characters (tab and
    newline kept): a text, or each text of a list (an array field)."""
    if isinstance(value, str):
        return without_control(value)
    if isinstance(value, list):
        return [clean_text(item) for item in value]
    return value


class CleanTextForm(forms.ModelForm):
    """The admin's form of a row: every text field's value goes through
    clean_text() before it reaches the row (and the model's own checks)."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name, value in data.items():
            data[name] = clean_text(value)
        return data


class ConfirmsPersonalData(CleanTextForm):
    """An admin form of a row the public reads, where the clerk may confirm
    that what the guard found (a name on a board with individual cases, an
    identity number) is no personal data: the model refuses it at its field
    (decisions.models.GuardsPersonalData) until masked or confirmed here.
    The confirmation covers the rows edited inline on the same page, and is
    in the audit log (decisions.admin.CorrectsPublished)."""

    confirm_personal_data = forms.BooleanField(
        label="Bekräfta personuppgifter",
        required=False,
        help_text=(
            "Kryssa i för att bekräfta att det som markerats som möjliga "
            "personuppgifter inte är det (till exempel en organisations namn). "
            "Bekräftelsen loggas."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("confirm_personal_data"):
            self.instance.confirmed_personal_data = ALL
        return data


def confirmed_personal_data(form: Any, formsets: Any) -> list[Finding]:
    """What the clerk confirmed on an admin page: in its form and inlines."""
    instances = [form.instance]
    for formset in formsets or []:
        instances += [f.instance for f in formset.forms]
    return [
        found
        for instance in instances
        for found in getattr(instance, "personal_data_confirmations", [])
    ]
