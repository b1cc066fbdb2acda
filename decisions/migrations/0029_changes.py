"""The change log a mirror syncs from (decisions.models.Change) and the
change stamps of the other listed rows (ChangeStamped), both written by
triggers: every path that changes what is public is logged alike.

A paragraph's address is logged when the paragraph is inserted, deleted,
moved (number, meeting), made public or confidential, withdrawn or
corrected (corrected_at is stamped by every change of its record:
decisions.services.versions), and when what its record says of its
meeting, board, municipality, case or members changes; an address a row
left (a rename, a deleted paragraph) is logged without a paragraph.
"""

import django.db.models.deletion
import django.db.models.functions.datetime
from django.db import migrations, models

SQL = """
CREATE SEQUENCE decisions_change_seq OWNED BY decisions_change.seq;

-- Log addresses: one row per address, moved to the end of the order.
-- An address named twice in one call is logged once, with its paragraph.
CREATE FUNCTION change_note(
    kommun text[], namnd text[], meeting text[], number text[], paragraf bigint[]
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO decisions_change (seq, at, kommun, namnd, meeting, number, paragraf_id)
    SELECT nextval('decisions_change_seq'), clock_timestamp(), k, n, m, nr, p
    FROM (
        SELECT DISTINCT ON (k, n, m, nr) k, n, m, nr, p
        FROM unnest(kommun, namnd, meeting, number, paragraf) AS a (k, n, m, nr, p)
        ORDER BY k, n, m, nr, p NULLS LAST
    ) AS addresses
    ON CONFLICT (kommun, namnd, meeting, number) DO UPDATE
    SET seq = EXCLUDED.seq, at = EXCLUDED.at, paragraf_id = EXCLUDED.paragraf_id
$$;

-- Log the current addresses of paragraphs.
CREATE FUNCTION change_note_paragrafer(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    SELECT change_note(
        array_agg(mu.slug::text), array_agg(n.slug::text), array_agg(m.slug::text),
        array_agg(p.number::text), array_agg(p.id)
    )
    FROM decisions_paragraf AS p
    JOIN decisions_meeting AS m ON m.id = p.meeting_id
    JOIN decisions_namnd AS n ON n.id = m.namnd_id
    JOIN decisions_municipality AS mu ON mu.id = n.municipality_id
    WHERE p.id = ANY (ids)
$$;

CREATE FUNCTION change_paragraf_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM change_note_paragrafer(ARRAY(SELECT id FROM new_rows));
    RETURN NULL;
END $$;

CREATE FUNCTION change_paragraf_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- The addresses rows left.
    PERFORM change_note(
        array_agg(mu.slug::text), array_agg(n.slug::text), array_agg(m.slug::text),
        array_agg(o.number::text), array_agg(NULL::bigint)
    )
    FROM old_rows AS o
    JOIN new_rows AS p ON p.id = o.id
    JOIN decisions_meeting AS m ON m.id = o.meeting_id
    JOIN decisions_namnd AS n ON n.id = m.namnd_id
    JOIN decisions_municipality AS mu ON mu.id = n.municipality_id
    WHERE (o.number, o.meeting_id) IS DISTINCT FROM (p.number, p.meeting_id);
    -- The rows whose public state or record changed.
    PERFORM change_note_paragrafer(ARRAY(
        SELECT p.id FROM old_rows AS o JOIN new_rows AS p ON p.id = o.id
        WHERE (o.number, o.meeting_id, o.confidential, o.withdrawn_at,
               o.corrected_at, o.arende_id)
           IS DISTINCT FROM (p.number, p.meeting_id, p.confidential,
               p.withdrawn_at, p.corrected_at, p.arende_id)
    ));
    RETURN NULL;
END $$;

CREATE FUNCTION change_paragraf_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM change_note(
        array_agg(mu.slug::text), array_agg(n.slug::text), array_agg(m.slug::text),
        array_agg(o.number::text), array_agg(NULL::bigint)
    )
    FROM old_rows AS o
    JOIN decisions_meeting AS m ON m.id = o.meeting_id
    JOIN decisions_namnd AS n ON n.id = m.namnd_id
    JOIN decisions_municipality AS mu ON mu.id = n.municipality_id;
    RETURN NULL;
END $$;

CREATE TRIGGER change_paragraf_inserted AFTER INSERT ON decisions_paragraf
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION change_paragraf_inserted();
CREATE TRIGGER change_paragraf_updated AFTER UPDATE ON decisions_paragraf
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION change_paragraf_updated();
CREATE TRIGGER change_paragraf_deleted AFTER DELETE ON decisions_paragraf
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION change_paragraf_deleted();

-- A meeting's address or what the records say of it.
CREATE FUNCTION change_meeting_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM change_note(
        array_agg(mu.slug::text), array_agg(n.slug::text), array_agg(o.slug::text),
        array_agg(p.number::text), array_agg(NULL::bigint)
    )
    FROM old_rows AS o
    JOIN new_rows AS nw ON nw.id = o.id
    JOIN decisions_paragraf AS p ON p.meeting_id = o.id
    JOIN decisions_namnd AS n ON n.id = o.namnd_id
    JOIN decisions_municipality AS mu ON mu.id = n.municipality_id
    WHERE (o.slug, o.namnd_id) IS DISTINCT FROM (nw.slug, nw.namnd_id);
    PERFORM change_note_paragrafer(ARRAY(
        SELECT p.id FROM old_rows AS o
        JOIN new_rows AS nw ON nw.id = o.id
        JOIN decisions_paragraf AS p ON p.meeting_id = o.id
        WHERE (o.slug, o.namnd_id, o.date, o.protocol_number, o.posting_date,
               o.namnd_name, o.municipality_name)
           IS DISTINCT FROM (nw.slug, nw.namnd_id, nw.date, nw.protocol_number,
               nw.posting_date, nw.namnd_name, nw.municipality_name)
    ));
    RETURN NULL;
END $$;

CREATE TRIGGER change_meeting_updated AFTER UPDATE ON decisions_meeting
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION change_meeting_updated();

-- A board's address or name (a rename).
CREATE FUNCTION change_namnd_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM change_note(
        array_agg(mu.slug::text), array_agg(o.slug::text), array_agg(m.slug::text),
        array_agg(p.number::text), array_agg(NULL::bigint)
    )
    FROM old_rows AS o
    JOIN new_rows AS nw ON nw.id = o.id
    JOIN decisions_meeting AS m ON m.namnd_id = o.id
    JOIN decisions_paragraf AS p ON p.meeting_id = m.id
    JOIN decisions_municipality AS mu ON mu.id = o.municipality_id
    WHERE (o.slug, o.municipality_id) IS DISTINCT FROM (nw.slug, nw.municipality_id);
    PERFORM change_note_paragrafer(ARRAY(
        SELECT p.id FROM old_rows AS o
        JOIN new_rows AS nw ON nw.id = o.id
        JOIN decisions_meeting AS m ON m.namnd_id = o.id
        JOIN decisions_paragraf AS p ON p.meeting_id = m.id
        WHERE (o.slug, o.municipality_id, o.name)
           IS DISTINCT FROM (nw.slug, nw.municipality_id, nw.name)
    ));
    RETURN NULL;
END $$;

CREATE TRIGGER change_namnd_updated AFTER UPDATE ON decisions_namnd
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION change_namnd_updated();

-- A municipality's address or name.
CREATE FUNCTION change_municipality_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM change_note(
        array_agg(o.slug::text), array_agg(n.slug::text), array_agg(m.slug::text),
        array_agg(p.number::text), array_agg(NULL::bigint)
    )
    FROM old_rows AS o
    JOIN new_rows AS nw ON nw.id = o.id
    JOIN decisions_namnd AS n ON n.municipality_id = o.id
    JOIN decisions_meeting AS m ON m.namnd_id = n.id
    JOIN decisions_paragraf AS p ON p.meeting_id = m.id
    WHERE o.slug IS DISTINCT FROM nw.slug;
    PERFORM change_note_paragrafer(ARRAY(
        SELECT p.id FROM old_rows AS o
        JOIN new_rows AS nw ON nw.id = o.id
        JOIN decisions_namnd AS n ON n.municipality_id = o.id
        JOIN decisions_meeting AS m ON m.namnd_id = n.id
        JOIN decisions_paragraf AS p ON p.meeting_id = m.id
        WHERE (o.slug, o.name) IS DISTINCT FROM (nw.slug, nw.name)
    ));
    RETURN NULL;
END $$;

CREATE TRIGGER change_municipality_updated AFTER UPDATE ON decisions_municipality
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION change_municipality_updated();

-- A case's number, or a member's name or party, as records print them.
CREATE FUNCTION change_arende_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM change_note_paragrafer(ARRAY(
        SELECT p.id FROM old_rows AS o
        JOIN new_rows AS nw ON nw.id = o.id
        JOIN decisions_paragraf AS p ON p.arende_id = o.id
        WHERE o.dnr IS DISTINCT FROM nw.dnr
    ));
    RETURN NULL;
END $$;

CREATE TRIGGER change_arende_updated AFTER UPDATE ON decisions_arende
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION change_arende_updated();

CREATE FUNCTION change_member_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM change_note_paragrafer(ARRAY(
        SELECT named.paragraf_id
        FROM old_rows AS o
        JOIN new_rows AS nw ON nw.id = o.id
        JOIN (
            SELECT r.paragraf_id, rm.member_id
            FROM decisions_reservationmember AS rm
            JOIN decisions_reservation AS r ON r.id = rm.reservation_id
            UNION
            SELECT pr.paragraf_id, pm.member_id
            FROM decisions_proposalmember AS pm
            JOIN decisions_proposal AS pr ON pr.id = pm.proposal_id
            UNION
            SELECT v.paragraf_id, c.member_id
            FROM decisions_votecast AS c
            JOIN decisions_vote AS v ON v.id = c.vote_id
        ) AS named ON named.member_id = o.id
        WHERE (o.name, o.party) IS DISTINCT FROM (nw.name, nw.party)
    ));
    RETURN NULL;
END $$;

CREATE TRIGGER change_member_updated AFTER UPDATE ON decisions_member
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION change_member_updated();

-- The listed rows' own change stamps: when an update changed a column
-- other than those named (a meeting's save stamps ingested_at).
CREATE FUNCTION stamp_changed_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- TG_ARGV is null, not empty, for a trigger given no arguments.
    IF to_jsonb(NEW) - coalesce(TG_ARGV, '{}') - 'changed_at'
       IS DISTINCT FROM to_jsonb(OLD) - coalesce(TG_ARGV, '{}') - 'changed_at' THEN
        NEW.changed_at := clock_timestamp();
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER stamp_changed_at BEFORE UPDATE ON decisions_municipality
FOR EACH ROW EXECUTE FUNCTION stamp_changed_at();
CREATE TRIGGER stamp_changed_at BEFORE UPDATE ON decisions_namnd
FOR EACH ROW EXECUTE FUNCTION stamp_changed_at();
CREATE TRIGGER stamp_changed_at BEFORE UPDATE ON decisions_meeting
FOR EACH ROW EXECUTE FUNCTION stamp_changed_at('ingested_at');
CREATE TRIGGER stamp_changed_at BEFORE UPDATE ON decisions_member
FOR EACH ROW EXECUTE FUNCTION stamp_changed_at();
CREATE TRIGGER stamp_changed_at BEFORE UPDATE ON decisions_arende
FOR EACH ROW EXECUTE FUNCTION stamp_changed_at();

-- What is in the archive already, oldest change first.
INSERT INTO decisions_change (seq, at, kommun, namnd, meeting, number, paragraf_id)
SELECT nextval('decisions_change_seq'), at, kommun, namnd, meeting, number, id
FROM (
    SELECT GREATEST(p.withdrawn_at, p.corrected_at, m.ingested_at) AS at,
           mu.slug AS kommun, n.slug AS namnd, m.slug AS meeting, p.number, p.id
    FROM decisions_paragraf AS p
    JOIN decisions_meeting AS m ON m.id = p.meeting_id
    JOIN decisions_namnd AS n ON n.id = m.namnd_id
    JOIN decisions_municipality AS mu ON mu.id = n.municipality_id
    UNION ALL
    SELECT t.withdrawn_at, mu.slug, n.slug, t.meeting_slug, t.number, NULL
    FROM decisions_tombstone AS t
    JOIN decisions_namnd AS n ON n.id = t.namnd_id
    JOIN decisions_municipality AS mu ON mu.id = n.municipality_id
    ORDER BY 1, 6
) AS known
ON CONFLICT (kommun, namnd, meeting, number) DO NOTHING;
"""

DROP_SQL = """
DROP TRIGGER stamp_changed_at ON decisions_municipality;
DROP TRIGGER stamp_changed_at ON decisions_namnd;
DROP TRIGGER stamp_changed_at ON decisions_meeting;
DROP TRIGGER stamp_changed_at ON decisions_member;
DROP TRIGGER stamp_changed_at ON decisions_arende;
DROP FUNCTION stamp_changed_at();
DROP TRIGGER change_member_updated ON decisions_member;
DROP FUNCTION change_member_updated();
DROP TRIGGER change_arende_updated ON decisions_arende;
DROP FUNCTION change_arende_updated();
DROP TRIGGER change_municipality_updated ON decisions_municipality;
DROP FUNCTION change_municipality_updated();
DROP TRIGGER change_namnd_updated ON decisions_namnd;
DROP FUNCTION change_namnd_updated();
DROP TRIGGER change_meeting_updated ON decisions_meeting;
DROP FUNCTION change_meeting_updated();
DROP TRIGGER change_paragraf_inserted ON decisions_paragraf;
DROP TRIGGER change_paragraf_updated ON decisions_paragraf;
DROP TRIGGER change_paragraf_deleted ON decisions_paragraf;
DROP FUNCTION change_paragraf_inserted();
DROP FUNCTION change_paragraf_updated();
DROP FUNCTION change_paragraf_deleted();
DROP FUNCTION change_note_paragrafer(bigint[]);
DROP FUNCTION change_note(text[], text[], text[], text[], bigint[]);
DROP SEQUENCE decisions_change_seq;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0028_paragraf_attachments"),
    ]

    operations = [
        migrations.AddField(
            model_name="arende",
            name="changed_at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(),
                editable=False,
                verbose_name="ändrad",
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="changed_at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(),
                editable=False,
                verbose_name="ändrad",
            ),
        ),
        migrations.AddField(
            model_name="member",
            name="changed_at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(),
                editable=False,
                verbose_name="ändrad",
            ),
        ),
        migrations.AddField(
            model_name="municipality",
            name="changed_at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(),
                editable=False,
                verbose_name="ändrad",
            ),
        ),
        migrations.AddField(
            model_name="namnd",
            name="changed_at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(),
                editable=False,
                verbose_name="ändrad",
            ),
        ),
        migrations.CreateModel(
            name="Change",
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
                ("seq", models.BigIntegerField(unique=True)),
                ("at", models.DateTimeField(db_index=True)),
                ("kommun", models.SlugField(db_index=False, max_length=200)),
                ("namnd", models.SlugField(db_index=False, max_length=200)),
                ("meeting", models.SlugField(db_index=False, max_length=100)),
                ("number", models.CharField(max_length=20)),
                (
                    "paragraf",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="changes",
                        to="decisions.paragraf",
                    ),
                ),
            ],
            options={
                "verbose_name": "ändring",
                "verbose_name_plural": "ändringar",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kommun", "namnd", "meeting", "number"),
                        name="change_unique_per_address",
                    )
                ],
            },
        ),
        migrations.RunSQL(SQL, DROP_SQL),
    ]
