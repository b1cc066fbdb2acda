"""Form fields the public pages share."""

from __future__ import annotations

from django import forms

from .models import Namnd


class NamndChoiceField(forms.ModelChoiceField):
    """A board by id, labelled with its municipality: board names repeat."""

    def label_from_instance(self, obj: Namnd) -> str:
        return f"{obj.name} ({obj.municipality.name})"
