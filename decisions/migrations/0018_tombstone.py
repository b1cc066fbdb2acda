"""Tombstones: a withdrawn paragraph's address answers 410 after its row is
gone, and the database refuses its (board, date, number) as public again
(decisions.models.Tombstone)."""

import django.db.models.deletion
from django.db import migrations, models


def backfill(apps, schema_editor):
    """A tombstone for each paragraph withdrawn before tombstones existed;
    its record is taken from the row if the row is ever deleted
    (decisions.services.withdrawal.keep_tombstones)."""
    Paragraf = apps.get_model("decisions", "Paragraf")
    Tombstone = apps.get_model("decisions", "Tombstone")
    withdrawn = Paragraf.objects.filter(withdrawn_at__isnull=False).select_related(
        "meeting"
    )
    Tombstone.objects.bulk_create(
        [
            Tombstone(
                namnd_id=p.meeting.namnd_id,
                meeting_date=p.meeting.date,
                meeting_slug=p.meeting.slug,
                number=p.number,
                withdrawn_at=p.withdrawn_at,
                reason=p.withdrawal_reason,
                versions=[],
            )
            for p in withdrawn.iterator()
        ],
        ignore_conflicts=True,
    )


TRIGGERS = """
CREATE FUNCTION paragraf_withdrawn_forever() RETURNS trigger
LANGUAGE plpgsql AS $$
-- A withdrawn paragraph has a tombstone (written here if paragraf_withdraw
-- did not), and no row is public where a tombstone stands: not an insert
-- (the admin's add, ingest, raw SQL), not an update (confidential unticked).
DECLARE
    board bigint;
    day date;
    address text;
    gone timestamptz;
BEGIN
    SELECT namnd_id, date, slug INTO board, day, address
      FROM decisions_meeting WHERE id = NEW.meeting_id;
    IF NEW.withdrawn_at IS NOT NULL THEN
        INSERT INTO decisions_tombstone
            (namnd_id, meeting_date, meeting_slug, number, withdrawn_at,
             reason, versions)
        VALUES (board, day, address, NEW.number, NEW.withdrawn_at,
                NEW.withdrawal_reason, '[]'::jsonb)
        ON CONFLICT DO NOTHING;
        IF NEW.confidential THEN
            RETURN NEW;
        END IF;
    END IF;
    SELECT withdrawn_at INTO gone FROM decisions_tombstone
     WHERE namnd_id = board AND number = NEW.number
       AND (meeting_slug = address OR meeting_date = day)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION
            'paragraf § % (sammanträde %) återkallades %: den blir aldrig publik igen',
            NEW.number, address, gone
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'paragraf_withdrawn_forever';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER paragraf_withdrawn_forever
    BEFORE INSERT OR UPDATE ON decisions_paragraf
    FOR EACH ROW EXECUTE FUNCTION paragraf_withdrawn_forever();

CREATE FUNCTION paragraf_tombstone_kept() RETURNS trigger
LANGUAGE plpgsql AS $$
-- A withdrawn row deleted, whatever deletes it (the admin, a re-ingest, a
-- cascade, raw SQL), leaves its tombstone, dated.
DECLARE
    board bigint;
    day date;
    address text;
BEGIN
    IF OLD.withdrawn_at IS NULL THEN
        RETURN OLD;
    END IF;
    SELECT namnd_id, date, slug INTO board, day, address
      FROM decisions_meeting WHERE id = OLD.meeting_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION
            'paragraf § % är återkallad: radera den före sitt sammanträde',
            OLD.number
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    INSERT INTO decisions_tombstone
        (namnd_id, meeting_date, meeting_slug, number, withdrawn_at, reason,
         versions)
    VALUES (board, day, address, OLD.number, OLD.withdrawn_at,
            OLD.withdrawal_reason, '[]'::jsonb)
    ON CONFLICT DO NOTHING;
    UPDATE decisions_tombstone SET deleted_at = now()
     WHERE namnd_id = board AND number = OLD.number
       AND (meeting_slug = address OR meeting_date = day);
    RETURN OLD;
END $$;

CREATE TRIGGER paragraf_tombstone_kept
    BEFORE DELETE ON decisions_paragraf
    FOR EACH ROW EXECUTE FUNCTION paragraf_tombstone_kept();

CREATE FUNCTION tombstone_kept_forever() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'en återkallelse tas inte bort (% § %)',
        OLD.meeting_slug, OLD.number
        USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER tombstone_kept_forever
    BEFORE DELETE ON decisions_tombstone
    FOR EACH ROW EXECUTE FUNCTION tombstone_kept_forever();
"""

DROP_TRIGGERS = """
DROP TRIGGER tombstone_kept_forever ON decisions_tombstone;
DROP FUNCTION tombstone_kept_forever();
DROP TRIGGER paragraf_tombstone_kept ON decisions_paragraf;
DROP FUNCTION paragraf_tombstone_kept();
DROP TRIGGER paragraf_withdrawn_forever ON decisions_paragraf;
DROP FUNCTION paragraf_withdrawn_forever();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0017_rate_limit"),
    ]

    operations = [
        migrations.CreateModel(
            name="Tombstone",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("meeting_date", models.DateField(blank=True, null=True)),
                ("meeting_slug", models.SlugField(max_length=100)),
                ("number", models.CharField(max_length=20)),
                ("withdrawn_at", models.DateTimeField()),
                ("reason", models.TextField(verbose_name="skäl för återkallelse")),
                ("record", models.JSONField(blank=True, null=True)),
                ("versions", models.JSONField(blank=True, default=list)),
                ("deleted_at", models.DateTimeField(blank=True, null=True)),
                (
                    "namnd",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tombstones",
                        to="decisions.namnd",
                    ),
                ),
            ],
            options={
                "verbose_name": "återkallad paragraf",
                "verbose_name_plural": "återkallade paragrafer",
                "indexes": [
                    models.Index(
                        models.OrderBy(models.F("withdrawn_at"), descending=True),
                        name="tombstone_withdrawn_at_desc",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("namnd", "meeting_date", "number"),
                        name="tombstone_unique_per_board_date_number",
                    ),
                    models.UniqueConstraint(
                        fields=("namnd", "meeting_slug", "number"),
                        name="tombstone_unique_per_address",
                    ),
                ],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
    ]
