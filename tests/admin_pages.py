"""The admin's pages as tests reach them: a row's or a model's address, and a
change page's forms posted back as a browser would."""

from __future__ import annotations

from typing import Any

from django.forms import MultiWidget
from django.urls import reverse

# The admin views whose address names a row; the others name a model.
_OF_A_ROW = ("change", "delete", "history")


def admin_url(obj: Any, view: str = "change") -> str:
    """The admin's address of view for a row (change, delete, history) or for
    a model or row's model (changelist, add)."""
    meta = obj._meta
    args = [obj.pk] if view in _OF_A_ROW else []
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def posted(response: Any, *, with_inlines: bool = True) -> dict[str, Any]:
    """An admin change page's forms as a browser posts them back unchanged:
    its inlines too, or none of their rows (to post it as an add)."""
    data: dict[str, Any] = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        if with_inlines:
            forms += formset.forms
        else:
            data[management.add_prefix("TOTAL_FORMS")] = 0
            data[management.add_prefix("INITIAL_FORMS")] = 0
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field.widget, MultiWidget):
                parts = (
                    value if isinstance(value, list) else field.widget.decompress(value)
                )
                for suffix, part in zip(field.widget.widgets_names, parts, strict=True):
                    if part is not None:
                        data[f"{key}{suffix}"] = part
            elif value is True:
                data[key] = "on"
            elif value is not None and value is not False:
                data[key] = value
    return data


def preview_corrections(client: Any, upload: Any) -> tuple[list, dict[str, Any]]:
    """A draft's correction forms in its preview, and a POST of them unchanged
    with the preview's save button."""
    page = client.get(admin_url(upload))
    forms = [block.form for block in page.context["preview"] if block.form]
    post = {"_save": "1"}
    for form in forms:
        for name in form.fields:
            post[form.add_prefix(name)] = form.initial.get(name, "")
    return forms, post
