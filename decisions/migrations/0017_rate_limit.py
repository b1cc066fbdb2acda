"""The rate limit counters (portal/ratelimit.py): UNLOGGED, so counting costs
no WAL and a replica never holds them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("decisions", "0016_archive_state")]

    operations = [
        migrations.RunSQL(
            "CREATE UNLOGGED TABLE rate_limit ("
            " client text NOT NULL,"
            " bucket text NOT NULL,"
            " window_start timestamptz NOT NULL,"
            " hits integer NOT NULL,"
            " PRIMARY KEY (client, bucket, window_start))",
            "DROP TABLE rate_limit",
        )
    ]
