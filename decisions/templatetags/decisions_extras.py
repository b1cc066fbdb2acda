"""Template helpers for the public pages: snippets, badges, citations, sections."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, ResolverMatch, reverse
from django.utils import translation
from django.utils.html import escape, format_html, format_html_join, json_script
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_lazy

from decisions.charts import Scale, bars
from decisions.models import Paragraf, Reservation, Vote
from decisions.outcome import Outcome, decision_line, outcome
from decisions.parties import full_name
from decisions.search.query import SNIPPET_START, SNIPPET_STOP
from decisions.site import absolute

register = template.Library()

# Headings for sections the minutes left unheaded, by the parser's kind.
SECTION_LABELS = {
    "decision": gettext_lazy("Beslut"),
    "background": gettext_lazy("Ärendet"),
    "documents": gettext_lazy("Handlingar i ärendet"),
    "proposals": gettext_lazy("Förslag till beslut"),
    "procedure": gettext_lazy("Beslutsgång"),
    "reservation": gettext_lazy("Reservation"),
    "special_statement": gettext_lazy("Särskilt uttalande"),
    "protocol_note": gettext_lazy("Protokollsanteckning"),
    "jav": gettext_lazy("Jäv"),
    "recipients": gettext_lazy("Beslutet skickas till"),
    "other": gettext_lazy("Övrigt"),
}


@register.filter(is_safe=True)
def snippet(value: str | None) -> SafeString:
    """Escape a search snippet, then turn its match marks into <mark> elements.

    The marks come from decisions.search.query.snippet(); everything else in
    the snippet is the paragraph's raw text and is escaped. A stray mark in the
    source cannot unbalance the output: a stop without a start is dropped and an
    open <mark> is closed at the end.
    """
    start, stop = SNIPPET_START, SNIPPET_STOP
    out: list[str] = []
    open_mark = False
    for token in re.split(f"({start}|{stop})", escape(value or "")):
        if token == start and not open_mark:
            out.append("<mark>")
            open_mark = True
        elif token == stop and open_mark:
            out.append("</mark>")
            open_mark = False
        elif token not in (start, stop):
            out.append(token)
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))


def _path_in(request: HttpRequest, code: str) -> str | None:
    """This page's path in the language `code`, without its query string;
    None where no pattern matched (a 404's address stays as it is).

    What translate_url() does, from the match the request was routed by
    rather than by resolving its path again (resolving cost more than
    reversing), and once a request: the language links and the canonical
    address both ask."""
    paths = request.__dict__.setdefault("_paths_by_language", {})
    if code not in paths:
        paths[code] = _reversed_in(request.resolver_match, code)
    return paths[code]


def _reversed_in(match: ResolverMatch | None, code: str) -> str | None:
    if match is None:
        return None
    with translation.override(code):
        try:
            return reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return None


@register.simple_tag(takes_context=True)
def canonical_url(context: template.Context) -> str:
    """This page's permanent address: absolute, without its query string, and
    Swedish (no language prefix), the one address cited in every language.
    base.html asks once, as `permalink`."""
    request: HttpRequest | None = context.get("request")
    if request is None:
        return ""
    return absolute(_path_in(request, settings.LANGUAGE_CODE) or request.path)


# The language the minutes are written in, whatever the page's language.
MINUTES_LANGUAGE = "sv"


@register.simple_tag
def minutes_lang() -> SafeString:
    """` lang="sv"` for an element that holds the minutes' own words, on a page
    in another language (WCAG 3.1.2, language of parts); nothing on a Swedish
    page, whose <html lang> says it already."""
    if get_language() == MINUTES_LANGUAGE:
        return SafeString("")
    return format_html(' lang="{}"', MINUTES_LANGUAGE)


@dataclass(frozen=True)
class LanguageVersion:
    code: str
    name: str
    url: str
    absolute_url: str
    current: bool


@register.simple_tag(takes_context=True)
def language_versions(context: template.Context) -> list[LanguageVersion]:
    """This page in each language, query string kept: the language switch and
    the hreflang links. A page no pattern matches (404) keeps its address."""
    request: HttpRequest | None = context.get("request")
    if request is None:
        return []
    current = get_language()
    full_path = request.get_full_path()
    _, mark, query = full_path.partition("?")
    versions = []
    for code, name in settings.LANGUAGES:
        path = _path_in(request, code)
        url = full_path if path is None else path + mark + query
        versions.append(
            LanguageVersion(code, name, url, absolute(url), code == current)
        )
    return versions


@register.simple_tag
def citation_label(paragraf: Paragraf) -> str:
    """What a journalist cites a paragraph by: board, municipality, date, §, dnr
    (the page's address follows it, in includes/cite.html)."""
    meeting = paragraf.meeting
    # The names on the meeting's date, as the minutes say.
    parts = [
        meeting.namnd_name,
        meeting.municipality_name,
        gettext("sammanträde %(date)s") % {"date": meeting.date_label},
        f"§ {paragraf.number}",
    ]
    if paragraf.arende:
        parts.append(f"Dnr {paragraf.arende.dnr}")
    return ", ".join(parts)


@dataclass
class Section:
    heading: str
    text: str
    kind: str = "other"
    # The heading is the minutes' own (Swedish, whatever the page's language),
    # not one of SECTION_LABELS.
    from_minutes: bool = False


@dataclass
class Layout:
    """A paragraph's text arranged for its page: decision first, then the rest."""

    decision: list[Section] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    # Reservations whose text no section already shows.


def _section(raw: Any) -> Section | None:
    # The parser writes {"kind", "heading", "text"}; anything else is shown as text
    # rather than dropped.
    if isinstance(raw, dict):
        kind = str(raw.get("kind") or "other")
        text = str(raw.get("text") or "")
        heading = str(raw.get("heading") or "").strip()
        if heading:
            return Section(heading=heading, text=text, kind=kind, from_minutes=True)
        label = SECTION_LABELS.get(kind, SECTION_LABELS["other"])
        return Section(heading=str(label), text=text, kind=kind)
    if raw:
        return Section(heading=str(SECTION_LABELS["other"]), text=str(raw))
    return None


@register.simple_tag
def paragraf_layout(paragraf: Paragraf, statements: list[Reservation]) -> Layout:
    """Arrange a paragraph's sections: the decision set apart, the rest in order.

    Reservation and special statement sections are left out where the paragraph
    has those rows (statements, Paragraf.statements()): the page shows them
    once, with members, parties and the proposal they stand on.
    """
    kinds = {r.kind for r in statements}
    return _layout(paragraf.sections, kinds, paragraf.decision)


@register.simple_tag
def record_layout(record: dict[str, Any]) -> Layout:
    """paragraf_layout() for a paragraph's record (decisions.records), as an
    earlier version (decisions.services.versions) keeps it."""
    kinds = {r.get("kind") for r in record.get("reservations") or []}
    return _layout(record.get("sections"), kinds, record.get("decision") or "")


def _layout(sections: Any, statement_kinds: set[Any], decision: str) -> Layout:
    layout = Layout()
    boxed = {SECTION_KIND_OF[k] for k in statement_kinds if k in SECTION_KIND_OF}
    raw_sections = sections if isinstance(sections, list) else []
    for raw in raw_sections:
        section = _section(raw)
        if section is None or section.kind in boxed:
            continue
        if section.kind == "decision":
            layout.decision.append(section)
        else:
            layout.sections.append(section)
    if not layout.decision and decision:
        layout.decision.append(
            Section(heading=str(SECTION_LABELS["decision"]), text=decision)
        )
    return layout


@register.simple_tag
def paragraf_outcome(
    paragraf: Paragraf, statements: list[Reservation], votes: list[Vote]
) -> Outcome:
    """What the § page's outcome strip says (decisions.outcome)."""
    return outcome(paragraf.decision, paragraf.sections, statements, votes)


@register.simple_tag
def field_with_id(field: Any, prefix: str) -> SafeString:
    """A form field's input with the id `<prefix>-<name>`, for a form the
    page writes twice (includes/search_refine.html), tied to its errors.
    Rendered once per field and given each id after: a select of every
    board is most of the form's rendering time."""
    rendered = getattr(field, "_rendered_with_placeholder", None)
    if rendered is None:
        attrs = {"id": f"{_ID_PLACEHOLDER}-{field.name}"}
        if field.errors:
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{_ID_PLACEHOLDER}-{field.name}-error"
        rendered = str(field.as_widget(attrs=attrs))
        field._rendered_with_placeholder = rendered
    return mark_safe(rendered.replace(_ID_PLACEHOLDER, escape(prefix)))


# What field_with_id() writes where the id's prefix goes: no form's own
# markup holds it.
_ID_PLACEHOLDER = "__field_prefix__"


class CaptureNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str) -> None:
        self.nodelist = nodelist
        self.name = name

    def render(self, context: template.Context) -> str:
        context[self.name] = mark_safe(self.nodelist.render(context))
        return ""


@register.tag
def capture(parser: template.base.Parser, token: template.base.Token) -> CaptureNode:
    """{% capture name %}...{% endcapture %}: render once, print as {{ name }}
    as often as needed (the search's facets, beside the results and folded)."""
    try:
        _, name = token.split_contents()
    except ValueError as error:
        raise template.TemplateSyntaxError("{% capture name %}") from error
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, name)


@register.filter
def decision_summary(decision: str) -> str:
    """A decision in one line (decisions.outcome.decision_line), for lists;
    "…" says more points follow on the paragraph's page."""
    line, more = decision_line(decision or "")
    return f"{line} …" if more and not line.endswith("…") else line


@register.filter
def party_name(code: str) -> str:
    """A party's full name ("Sverigedemokraterna" for "SD"), or its code."""
    return full_name(code)


# The glossary's entry (templates/decisions/glossary.html) for each section
# kind and statement kind whose heading uses a word of the minutes.
GLOSSARY_ANCHORS = {
    "proposals": "yrkande",
    "procedure": "propositionsordning",
    "vote": "omrostning",
    "reservation": "reservation",
    "special_statement": "sarskilt-uttalande",
    "protocol_note": "protokollsanteckning",
    "sarskilt_uttalande": "sarskilt-uttalande",
    "protokollsanteckning": "protokollsanteckning",
    "jav": "jav",
    "recipients": "expedieras",
}


@register.simple_tag
def glossary_link(kind: str) -> SafeString:
    """A small "what does it mean?" link after a heading whose word the
    glossary explains; nothing for other kinds."""
    anchor = GLOSSARY_ANCHORS.get(kind)
    if anchor is None:
        return SafeString("")
    return format_html(
        ' <a class="term-help" href="{}#{}">{}</a>',
        reverse("decisions:glossary"),
        anchor,
        gettext("Vad betyder det?"),
    )


@register.filter
def kind_label(kind: str) -> str:
    """A statement kind's name ("Särskilt uttalande"), or the kind as stored."""
    try:
        return str(Reservation.Kind(kind).label)
    except ValueError:
        return kind


# The section kind (see Paragraf.sections) that each Reservation kind comes from.
SECTION_KIND_OF = {
    Reservation.Kind.RESERVATION: "reservation",
    Reservation.Kind.SPECIAL_STATEMENT: "special_statement",
    Reservation.Kind.PROTOCOL_NOTE: "protocol_note",
    Reservation.Kind.JAV: "jav",
}


@register.simple_tag
def chart(
    counts: dict[int, int], title: str, unit: str, scale: Scale | None = None
) -> SafeString:
    """A bar chart of counts per year, with its numbers as a table after it;
    `scale` shared by charts to be compared (decisions.charts.Scale)."""
    if not counts:
        return SafeString("")
    rows = format_html_join(
        "",
        '<tr><th scope="row">{}</th><td>{}</td></tr>',
        ((year, counts[year]) for year in sorted(counts)),
    )
    return format_html(
        '<figure class="chart-figure">{}<details><summary>{}'
        '</summary><table class="chart-table"><thead><tr><th scope="col">{}</th>'
        '<th scope="col">{}</th></tr></thead><tbody>{}</tbody></table></details>'
        "</figure>",
        bars(counts, title=title, unit=unit, scale=scale),
        gettext("%(unit)s per år som tabell") % {"unit": unit},
        gettext("År"),
        unit,
        rows,
    )


@register.simple_tag
def paragraf_jsonld(paragraf: Paragraf) -> SafeString:
    """schema.org metadata for a paragraph: a Legislation (the nearest type for
    a public body's decision) passed by its board, a GovernmentOrganization."""
    meeting = paragraf.meeting
    namnd = meeting.namnd
    # The permanent (Swedish) addresses, whatever the page's language.
    with translation.override(settings.LANGUAGE_CODE):
        paragraf_url, namnd_url, municipality_url = (
            absolute(owner.get_absolute_url())
            for owner in (paragraf, namnd, namnd.municipality)
        )
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "name": f"§ {paragraf.number} {paragraf.title}",
        "url": paragraf_url,
        "inLanguage": MINUTES_LANGUAGE,
        "legislationIdentifier": (
            f"{meeting.namnd_name} {meeting.date_label} § {paragraf.number}"
        ),
        "legislationPassedBy": {
            "@type": "GovernmentOrganization",
            "name": meeting.namnd_name,
            "url": namnd_url,
            "parentOrganization": {
                "@type": "GovernmentOrganization",
                "name": meeting.municipality_name,
                "url": municipality_url,
            },
        },
    }
    if meeting.date:
        data["legislationDate"] = meeting.date.isoformat()
    if paragraf.arende and not paragraf.confidential:
        data["identifier"] = f"Dnr {paragraf.arende.dnr}"
    if paragraf.decision and not paragraf.confidential:
        data["abstract"] = paragraf.decision
    # json_script escapes <, > and & inside the JSON; only the type changes.
    script = json_script(data, element_id="paragraf-metadata")
    return mark_safe(script.replace('"application/json"', '"application/ld+json"', 1))
