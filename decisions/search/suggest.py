"""Menade du: a word that finds nothing, replaced by the archive's nearest
word (pg_trgm's trigram similarity over `Word`) that finds a published
paragraph.

`Word` is filled from public text (ingest, a clerk's save), and a withdrawal
drops the words only it held (decisions.services.withdrawal); but a
paragraph made confidential after it was published keeps its words there.
So a suggestion is also checked against the published paragraphs: none that
would find nothing is made, and none gives away a word of what is not
published.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, TrigramSimilarity

from ..models import SEARCH_CONFIG, Paragraf, Word

# How many of the nearest words a suggestion tries, nearest first.
CANDIDATES = 3


def nearest_words(word: str, limit: int = 3) -> list[str]:
    """Return the archive's words most like `word` (trigram similarity)."""
    return list(
        Word.objects.annotate(similarity=TrigramSimilarity("word", word))
        .filter(word__trigram_similar=word)
        .exclude(word=word)
        .order_by("-similarity", "word")
        .values_list("word", flat=True)[:limit]
    )


def finds_published(word: str) -> bool:
    """Whether a published paragraph holds the word, as search reads it."""
    query = SearchQuery(word, config=SEARCH_CONFIG)
    return Paragraf.objects.published().filter(lexemes=query).exists()


def suggest(query: str) -> str | None:
    """Propose the query with each word the archive lacks replaced by its nearest
    word ("Menade du: ..."); None when there is nothing better to propose."""
    words = query.split()
    changed = False
    for index, word in enumerate(words[:6]):
        bare = word.strip('"-').lower()
        if len(bare) < 3 or bare == "or" or Word.objects.filter(word=bare).exists():
            continue
        nearest = next(filter(finds_published, nearest_words(bare, CANDIDATES)), None)
        if nearest:
            words[index] = word.replace(word.strip('"-'), nearest)
            changed = True
    return " ".join(words) if changed else None
