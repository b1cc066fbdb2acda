"""Menade du: a word that finds nothing, replaced by the archive's nearest
word that finds published paragraphs, the one that finds most among equally
near spellings ("bugdet" -> "budget", not the rarer "budet").

Near means few typing slips apart: a letter dropped, added or changed, or two
letters swapped (the edit distance of distance()). The candidates are the
archive's words one slip away, looked up exactly, and those pg_trgm's trigram
similarity finds over `Word`, which misses a swap in a short word ("bugdet"
and "budget" share too few trigrams).

`Word` is filled from public text (ingest, a clerk's save), and a withdrawal
drops the words only it held (decisions.services.withdrawal); but a
paragraph made confidential after it was published keeps its words there.
So each candidate's hits are counted among the published paragraphs: none
that would find nothing is proposed, and none gives away a word of what is
not published.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, TrigramSimilarity

from ..models import SEARCH_CONFIG, Paragraf, Word

# How many of the nearest words a suggestion weighs, nearest first: each
# costs a count of its hits.
CANDIDATES = 4
# How many of a candidate's hits are counted: enough to tell a word the
# archive uses often from one it holds once, and cheap for a common word.
HITS_COUNTED = 100
# The letters of the words in `Word` (decisions.search.lexicon.words()).
_LETTERS = "abcdefghijklmnopqrstuvwxyzåäöéü"


def one_slip(word: str) -> set[str]:
    """The spellings one typing slip from word: a letter dropped, swapped with
    the next, changed or added."""
    splits = [(word[:cut], word[cut:]) for cut in range(len(word) + 1)]
    return {
        *(head + tail[1:] for head, tail in splits if tail),
        *(head + tail[1] + tail[0] + tail[2:] for head, tail in splits if tail[1:]),
        *(head + c + tail[1:] for head, tail in splits if tail for c in _LETTERS),
        *(head + c + tail for head, tail in splits for c in _LETTERS),
    } - {word}


def distance(a: str, b: str) -> int:
    """How many slips (drop, add, change, swap of neighbours) turn a into b:
    the optimal string alignment distance."""
    previous: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        before, previous, row = previous, row, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], before[j - 2] + 1)
    return row[len(b)]


def nearest_words(word: str, limit: int = CANDIDATES) -> list[str]:
    """Return the archive's words most like `word`: the fewest slips away
    first, then the most alike by trigrams."""
    # Word holds words of 3 to 40 letters (lexicon.words()).
    slips = one_slip(word) if len(word) <= 41 else set()
    slipped = list(Word.objects.filter(word__in=slips).values_list("word"))
    alike = (
        Word.objects.annotate(similarity=TrigramSimilarity("word", word))
        .filter(word__trigram_similar=word)
        .exclude(word=word)
        .order_by("-similarity", "word")
        .values_list("word", "similarity")[: limit * 4]
    )
    similarity = {w: 0.0 for (w,) in slipped} | dict(alike)
    ranked = sorted(similarity, key=lambda w: (distance(word, w), -similarity[w], w))
    return ranked[:limit]


def hits(word: str) -> int:
    """How many published paragraphs hold the word as search reads it,
    counted to HITS_COUNTED."""
    query = SearchQuery(word, config=SEARCH_CONFIG)
    return Paragraf.objects.published().filter(lexemes=query)[:HITS_COUNTED].count()


def best_word(word: str) -> str | None:
    """The nearest word that finds something; among as near ones, the one
    that finds most. None when no near word finds anything."""
    found = [
        (distance(word, near), -count, rank, near)
        for rank, near in enumerate(nearest_words(word))
        if (count := hits(near))
    ]
    return min(found)[-1] if found else None


def suggest(query: str) -> str | None:
    """Propose the query with each word the archive lacks replaced by its nearest
    word ("Menade du: ..."); None when there is nothing better to propose."""
    words = query.split()
    changed = False
    for index, word in enumerate(words[:6]):
        bare = word.strip('"-').lower()
        if len(bare) < 3 or bare == "or" or Word.objects.filter(word=bare).exists():
            continue
        nearest = best_word(bare)
        if nearest:
            words[index] = word.replace(word.strip('"-'), nearest)
            changed = True
    return " ".join(words) if changed else None
