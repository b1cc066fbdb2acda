"""Match on the vector's lexemes alone, kept in the row; rank on `search`.

A common word matches most of the archive, and its newest matches are found by
walking the newest-first index and checking each row. `search` (positions and
weights, about 3 kB compressed) lives out of line, so each check was a TOAST
lookup and a decompression; `lexemes` (about 1.7 kB, seldom compressible) is
kept in the row with storage MAIN, which PostgreSQL moves out only when nothing
else makes the row fit a page, and has a GIN index of its own. Phrases, which
need positions, go on matching `search` and its index.

SET STORAGE applies to rows written after it, so the existing rows are written
once more (an archive of a million paragraphs: minutes, not hours).
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0006_order_by_column"),
    ]

    operations = [
        migrations.AddField(
            model_name="paragraf",
            name="lexemes",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.CombinedSearchVector(
                            django.contrib.postgres.search.CombinedSearchVector(
                                django.contrib.postgres.search.SearchVector(
                                    "title", config="swedish_unaccent", weight="A"
                                ),
                                "||",
                                django.contrib.postgres.search.SearchVector(
                                    "decision", config="swedish_unaccent", weight="B"
                                ),
                                django.contrib.postgres.search.SearchConfig(
                                    "swedish_unaccent"
                                ),
                            ),
                            "||",
                            django.contrib.postgres.search.SearchVector(
                                "reservation_text",
                                config="swedish_unaccent",
                                weight="C",
                            ),
                            django.contrib.postgres.search.SearchConfig(
                                "swedish_unaccent"
                            ),
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            "text",
                            "search_terms",
                            config="swedish_unaccent",
                            weight="D",
                        ),
                        django.contrib.postgres.search.SearchConfig("swedish_unaccent"),
                    ),
                    function="strip",
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.RunSQL(
            "ALTER TABLE decisions_paragraf ALTER COLUMN lexemes SET STORAGE MAIN;"
            # The rewrite queues the deferred foreign key checks, which must
            # run before the index below can be built in this transaction.
            "SET CONSTRAINTS ALL IMMEDIATE;"
            "UPDATE decisions_paragraf SET lexemes = DEFAULT;",
            "ALTER TABLE decisions_paragraf ALTER COLUMN lexemes SET STORAGE EXTENDED;",
        ),
        migrations.AddIndex(
            model_name="paragraf",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["lexemes"], name="paragraf_lexemes_gin"
            ),
        ),
    ]
