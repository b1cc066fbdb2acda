"""Form fields the public pages share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator

from .models import Namnd


class NamndChoices(ModelChoiceIterator):
    """The boards in one query. Django reads a choice list through a
    server-side cursor to spare memory (DECLARE, FETCH, CLOSE: three round
    trips a page), which a list of boards does not need."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for namnd in self.queryset:
            yield self.choice(namnd)


class NamndChoiceField(forms.ModelChoiceField):
    """A board by id, labelled with its municipality: board names repeat."""

    iterator = NamndChoices

    def label_from_instance(self, obj: Namnd) -> str:
        return f"{obj.name} ({obj.municipality.name})"

    def to_python(self, value: Any) -> Namnd | None:
        """A board by its addresses' slugs, "sjobacka-kommun/kommunstyrelsen"
        (as every other filter names things by slug), or by id, as the
        form's select and older links send it."""
        if isinstance(value, str) and "/" in value:
            kommun, _, slug = value.strip().strip("/").partition("/")
            namnder = self.queryset if self.queryset is not None else Namnd.objects
            found = namnder.filter(municipality__slug=kommun, slug=slug).first()
            if found is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                )
            return found
        return super().to_python(value)
