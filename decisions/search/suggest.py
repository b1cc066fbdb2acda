""" "Menade du: ...": a word that finds nothing, replaced by the archive's
nearest word (pg_trgm's trigram similarity over `Word`).

`Word` holds only words of public text: ingest adds words of published
paragraphs, and a withdrawal drops the words only it held
(decisions.services.withdrawal), so no suggestion gives away what is secret.
"""

from __future__ import annotations

from django.contrib.postgres.search import TrigramSimilarity

from ..models import Word


def nearest_words(word: str, limit: int = 3) -> list[str]:
    """Return the archive's words most like `word` (trigram similarity)."""
    return list(
        Word.objects.annotate(similarity=TrigramSimilarity("word", word))
        .filter(word__trigram_similar=word)
        .exclude(word=word)
        .order_by("-similarity", "word")
        .values_list("word", flat=True)[:limit]
    )


def suggest(query: str) -> str | None:
    """Propose the query with each word the archive lacks replaced by its nearest
    word ("Menade du: ..."); None when there is nothing better to propose."""
    words = query.split()
    changed = False
    for index, word in enumerate(words[:6]):
        bare = word.strip('"-').lower()
        if len(bare) < 3 or bare == "or" or Word.objects.filter(word=bare).exists():
            continue
        nearest = nearest_words(bare, limit=1)
        if nearest:
            words[index] = word.replace(word.strip('"-'), nearest[0])
            changed = True
    return " ".join(words) if changed else None
