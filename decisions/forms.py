"""Form fields the public pages share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator

from .models import Namnd, current_slugs


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
    """A board by its slugs, "kommun/nämnd" as in its address (what the
    form's options and the facets send), by the slugs it had before a
    rename, or by id, as links written before slugs send it. Labelled with
    its municipality: board names repeat."""

    iterator = NamndChoices

    def label_from_instance(self, obj: Namnd) -> str:
        return f"{obj.name} ({obj.municipality.name})"

    def prepare_value(self, value: Any) -> Any:
        """An option's value, and the chosen one: the board's slugs, also
        when a link chose it by id (so the select shows it chosen)."""
        if isinstance(value, Namnd):
            return value.slug_path
        chosen = getattr(self, "_chosen", None)
        if chosen is not None and value == chosen[0]:
            return chosen[1].slug_path
        return super().prepare_value(value)

    def to_python(self, value: Any) -> Namnd | None:
        found: Namnd | None
        if isinstance(value, str) and "/" in value:
            found = self._by_slugs(value)
        else:
            found = super().to_python(value)
        if found is not None:
            # This form's own copy of the field: prepare_value() shows it.
            self._chosen = (value, found)
        return found

    def _by_slugs(self, value: str) -> Namnd:
        if "\x00" in value:
            # PostgreSQL text cannot hold NUL: no board is named so.
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        kommun, _, slug = value.strip().strip("/").partition("/")
        namnder = self.queryset if self.queryset is not None else Namnd.objects
        found = namnder.filter(municipality__slug=kommun, slug=slug).first()
        if found is None:
            # An address from before a rename names the board by its old
            # slugs, as its page's old address still does (a 301 there).
            moved = current_slugs(kommun, slug)
            if moved is not None:
                found = namnder.filter(
                    municipality__slug=moved[0], slug=moved[1]
                ).first()
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return found
