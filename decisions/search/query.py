"""The search box's language: what a person typed, as PostgreSQL reads it.

A `Query` is the words (websearch syntax, base forms, the last word as a
beginning), a `Reference` a diarienummer or "§ 13" typed into the same box.
Either is what `ParagrafQuerySet.search()` takes: the door asks the parsed
search to filter and order the rows (see decisions.search).
"""

from __future__ import annotations

import datetime
import re
from functools import cached_property

from django.contrib.postgres.search import (
    CombinedSearchQuery,
    SearchHeadline,
    SearchQuery,
    SearchQueryField,
    SearchRank,
)
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value

from ..lookups import Ids
from ..models import (
    NEWEST,
    SEARCH_CONFIG,
    Arende,
    Namnd,
    NamndName,
    Paragraf,
    ParagrafQuerySet,
    dnr_key,
)
from .lexicon import base_form, initials, known_word

# How many of the newest matches a search ranks by relevance.
RANKED = 1000
# Marks ts_headline puts around matches: code points from Unicode's private
# use area, which minutes do not contain, so the snippet can be HTML-escaped
# whole and the marks turned into <mark> afterwards (the `snippet` template
# filter; ts_headline passes HTML in the text through untouched).
SNIPPET_START = "\ue000"
SNIPPET_STOP = "\ue001"

# A diarienummer as typed: letters, digits and separators, with a digit and a
# separator ("1.1/2152/2016", "KS 2016/123", "KS.2019.14", "22/17").
_DNR_SHAPE = re.compile(r"(?=.*\d)(?=.*[/.:-])[A-Za-zÅÄÖåäö0-9][\w ./:-]*")
# A paragraph as minutes cite it: "§ 13", "KS § 39", "KS 2024-03-11 § 39",
# "kommunfullmäktige 2021-11-22, § 98", "KS § 187, 2016-12-06"; the board by
# initials or name (letters, spaces and hyphens), the meeting's date before or
# after the number.
_PARAGRAF_REFERENCE = re.compile(
    r"(?:(?P<namnd>[^\W\d_][^\W\d_ -]*(?:[ -]+[^\W\d_]+)*)[ ,]*)?"
    r"(?:(?P<date>\d{4}-\d{2}-\d{2})[ ,]*)?"
    r"§+ ?(?P<number>\d{1,4})"
    r"(?:[ ,]+(?P<later>\d{4}-\d{2}-\d{2}))?"
)
# What websearch_to_tsquery may turn into a phrase: quotes, and words with
# inner punctuation ("e-post", "gång-"); a leading minus is negation.
_NEEDS_POSITIONS = re.compile(r"[^\w\s-]|\w-")
# A negated phrase or negated word with inner punctuation: -"a b", -e-post.
_NEGATED_PHRASE = re.compile(r'(?<!\S)-(?:"[^"]*(?:"|$)|\S*[^\w\s]\S*)')
# The last word of a query, when plain, also matches as a prefix.
_LAST_WORD = re.compile(r"^(?P<rest>.*?)\s*(?<![-\"\w])(?P<last>\w{2,})$")


def search_query(q: str) -> SearchQuery:
    """Turn what a person typed into a tsquery, in websearch syntax.

    Plain words go to their base form ("beslutet" -> "beslut"), which the
    index holds for every inflected form; a last word that is no word yet
    ("bygglo") also matches as the start of one.
    """
    tokens = " ".join(q.split()).split(" ")
    quoted = False
    for index, token in enumerate(tokens):
        plain = not quoted and token.isalpha() and token != "OR"
        quoted ^= token.count('"') % 2 == 1
        if plain:
            tokens[index] = base_form(token.lower()) or token
    q = " ".join(tokens)
    match = _LAST_WORD.match(q)
    last = match["last"] if match else ""
    if match is None or not last or quoted or last == "OR" or known_word(last.lower()):
        return SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
    prefix = SearchQuery(f"{last}:*", config=SEARCH_CONFIG, search_type="raw")
    rest = match["rest"]
    if not rest:
        return prefix
    if rest.endswith(" OR") or rest == "OR":
        # "a OR b": keep websearch's meaning rather than bind b as a prefix.
        return SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
    return SearchQuery(rest, config=SEARCH_CONFIG, search_type="websearch") & prefix


def needs_positions(q: str) -> bool:
    """Whether q holds a phrase, which only `search`'s word positions answer."""
    return bool(_NEEDS_POSITIONS.search(q))


class AllWords(SearchQuery):
    """A tsquery with its phrases loosened to "all these words" ('a <-> b' to
    'a & b'): what a vector without positions (Paragraf.lexemes) can answer.

    Loosening a phrase inside a negation would narrow, not widen, the query:
    Query.with_all_words() leaves negated phrases out before this.
    """

    def __init__(self, query: SearchQuery | CombinedSearchQuery) -> None:
        Func.__init__(self, query, output_field=SearchQueryField())

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"regexp_replace(({sql})::text, '<[0-9]+>|<->', '&', 'g')::tsquery",
            params,
        )


def _row_by_row(query: SearchQuery) -> Func:
    """`lexemes @@ query` as the function, which, unlike the operator, no
    index answers: PostgreSQL checks it on each row it walks."""
    return Func(
        F("lexemes"), query, function="ts_match_vq", output_field=BooleanField()
    )


def snippet(query: SearchQuery) -> SearchHeadline:
    """Highlight where query matched in the text, with SNIPPET marks to escape."""
    return SearchHeadline(
        "text",
        query,
        config=SEARCH_CONFIG,
        start_sel=SNIPPET_START,
        stop_sel=SNIPPET_STOP,
        max_fragments=2,
        max_words=30,
        min_words=12,
    )


class Query:
    """Words as a person typed them into the search box.

    Words must all match, "quoted phrases" in order, OR either, -word not;
    case and accents do not matter, and the last word also matches as the
    start of a longer one ("bygglo" finds "bygglov"). `newest_first` orders
    every match by date instead of ranking the newest RANKED by relevance.
    """

    def __init__(self, text: str, *, newest_first: bool = False) -> None:
        self.text = text
        self.newest_first = newest_first

    def __repr__(self) -> str:
        return f"Query({self.text!r}, newest_first={self.newest_first})"

    @cached_property
    def tsquery(self) -> SearchQuery:
        return search_query(self.text)

    @property
    def phrase(self) -> bool:
        """Whether a phrase (quoted, or a word the parser splits, like
        "e-post") needs the word positions only `search` holds."""
        return needs_positions(self.text)

    def apply(self, rows: ParagrafQuerySet) -> ParagrafQuerySet:
        """What ParagrafQuerySet.search() returns: the matches with snippets,
        the newest RANKED ranked best first, or every match newest first.

        Ranking reads every ranked row's vector, so a word found in half the
        archive is ranked among its newest matches only.
        """
        if self.newest_first:
            return self.matching(rows).annotate(snippet=snippet(self.tsquery)).newest()
        newest = self.matching(rows).order_by(*NEWEST).values("pk")[:RANKED]
        return self.ranked(rows.filter(pk__in=newest))

    def matching(
        self, rows: ParagrafQuerySet, *, walk_words: bool = False
    ) -> ParagrafQuerySet:
        """Keep the rows the words match (among published() ones: the
        search never asks of others).

        `walk_words`: check the words row by row, never through their GIN
        index. For a common word (plan.common()) among rows already limited to
        dates or a board, which an index walks: PostgreSQL would otherwise AND
        that index with the words' GIN bitmap, whose cost it underrates for
        common words (hundreds of thousands of entries; `hemtjänst` in one
        year: 110 ms against 54 ms walking the year).
        """
        if self.phrase:
            return rows.filter(search=self.tsquery)
        if walk_words:
            return rows.filter(_row_by_row(self.tsquery))
        return rows.filter(lexemes=self.tsquery)

    def with_all_words(
        self, rows: ParagrafQuerySet, *, walk: bool = False
    ) -> ParagrafQuerySet:
        """Keep the rows that hold every word the phrases need, in any order:
        all of matching()'s rows and more, found through `lexemes` alone.

        decisions.search.walk checks the phrase on these, newest first,
        reading `search` only for the rows it walks (newest_phrase_matches()).
        A negated phrase narrows nothing here; beside an OR it could widen
        the query past any prefilter, so then every row is a candidate.

        `walk`: check the words row by row, never through their GIN index, for
        words that a sample finds common together (plan.dense()).
        """
        q = self.text
        if _NEGATED_PHRASE.search(q) and "OR" in q.split():
            return rows
        loose = _NEGATED_PHRASE.sub(" ", q)
        if not loose.strip(' -"'):
            return rows
        words = AllWords(search_query(loose))
        return rows.filter(_row_by_row(words) if walk else Q(lexemes=words))

    def ranked(self, rows: ParagrafQuerySet) -> ParagrafQuerySet:
        """Order by relevance, with `rank` and a `snippet` of where it matched.

        The snippet holds SNIPPET_START/SNIPPET_STOP around matches: show it
        through the `snippet` template filter, which escapes it.
        """
        return rows.annotate(
            rank=SearchRank(F("search"), self.tsquery), snippet=snippet(self.tsquery)
        ).order_by("-rank", *NEWEST)

    def with_snippets(self, rows: ParagrafQuerySet) -> ParagrafQuerySet:
        """Annotate each row with a `snippet` of where the words matched."""
        return rows.annotate(snippet=snippet(self.tsquery))


class Reference:
    """A diarienummer ("1.1/2152/2016", "KS 2016/123", "KS2016/123") or a
    paragraph ("§ 13", "KS § 39", "KS 2024-03-11 § 39", "kommunfullmäktige
    2021-11-22, § 98") typed into the search box, which names paragraphs
    rather than words.

    A dnr is compared by its key (models.dnr_key()), so spaces, case and the
    separators between its numbers do not matter. A paragraph may be cited
    with its board, by name or by initials ("KS", "Kf", "BUN": lexicon.
    initials()), and its meeting's date; without a date, every meeting's
    paragraph of that number is a candidate, the newest first.
    """

    def __init__(
        self,
        *,
        number: str | None = None,
        dnr: str | None = None,
        namnd: str | None = None,
        date: datetime.date | None = None,
    ) -> None:
        self.number = number
        self.dnr = dnr
        self.namnd = namnd
        self.date = date

    def __repr__(self) -> str:
        return (
            f"Reference(number={self.number!r}, dnr={self.dnr!r}, "
            f"namnd={self.namnd!r}, date={self.date!r})"
        )

    @classmethod
    def parse(cls, q: str) -> Reference | None:
        """The reference q names, or None when q is no reference."""
        text = " ".join(q.split())
        paragraf = _PARAGRAF_REFERENCE.fullmatch(text)
        if paragraf:
            day = paragraf["date"] or paragraf["later"]
            try:
                date = datetime.date.fromisoformat(day) if day else None
            except ValueError:
                return None
            namnd = (paragraf["namnd"] or "").strip(" -") or None
            return cls(number=paragraf["number"], namnd=namnd, date=date)
        dnr = re.fullmatch(r"(?i:dnr\.?:?\s*)?(\S.{2,60})", text)
        if not dnr or not _DNR_SHAPE.fullmatch(dnr[1]):
            return None
        return cls(dnr=dnr[1])

    def cases(self) -> QuerySet[Arende]:
        """The cases whose dnr has the typed dnr's key, in any municipality
        (through the index arende_dnr_key); none for a paragraph."""
        if self.dnr is None:
            return Arende.objects.none()
        return Arende.objects.alias(key=dnr_key("dnr")).filter(
            key=dnr_key(Value(self.dnr))
        )

    def apply(self, rows: ParagrafQuerySet) -> ParagrafQuerySet:
        """Keep the rows that carry the reference (none when nothing does)."""
        if self.number is not None:
            rows = rows.filter(number=self.number)
            if self.date is not None:
                rows = rows.filter(meeting_date=self.date)
            if self.namnd is not None:
                rows = rows.filter(meeting__namnd__in=namnder_named(self.namnd))
            return rows
        # Index lookups, each on its own (an OR across them defeats both
        # indexes): the cases by their dnr's key (arende_dnr_key), then the
        # paragraphs filed under them, and those printing the dnr among others
        # (paragraf_case_numbers_gin), as typed or as a matching case prints it.
        cases = dict(self.cases().values_list("pk", "dnr"))
        printed = sorted({self.dnr or "", *cases.values()})
        ids = {
            *Paragraf.objects.filter(arende__in=list(cases)).values_list(
                "pk", flat=True
            ),
            *Paragraf.objects.filter(case_numbers__overlap=printed).values_list(
                "pk", flat=True
            ),
        }
        return rows.filter(pk__any=Ids(sorted(ids)))


def namnder_named(name: str) -> list[int]:
    """The boards a citation names: by name ("Kommunstyrelsen", also in the
    genitive, "Kommunstyrelsens"), earlier names included, or by initials
    ("KS"), in any case and any municipality."""
    wanted = name.casefold()
    # A name's initials begin with its first letter, as the name does.
    named = [
        *Namnd.objects.filter(name__istartswith=name[:1]).values_list("pk", "name"),
        *NamndName.objects.filter(name__istartswith=name[:1]).values_list(
            "namnd_id", "name"
        ),
    ]
    return sorted(
        {
            pk
            for pk, namnd_name in named
            if wanted
            in (
                namnd_name.casefold(),
                f"{namnd_name.casefold()}s",
                initials(namnd_name).casefold(),
            )
        }
    )
