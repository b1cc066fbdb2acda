"""The index of a case's diarienummer as search compares it (models.dnr_key):
"KS2024/112" finds the case printed "KS 2024/112"."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0024_meeting_source_file"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="arende",
            index=models.Index(
                models.Func(
                    models.Func(
                        models.Func(
                            django.db.models.functions.text.Upper(models.F("dnr")),
                            models.Value("[^[:alnum:]]+"),
                            models.Value(" "),
                            models.Value("g"),
                            function="regexp_replace",
                        ),
                        models.Value("([0-9]) (?=[0-9])"),
                        models.Value("\\1/"),
                        models.Value("g"),
                        function="regexp_replace",
                    ),
                    models.Value(" "),
                    models.Value(""),
                    function="replace",
                    output_field=models.CharField(),
                ),
                name="arende_dnr_key",
            ),
        ),
    ]
