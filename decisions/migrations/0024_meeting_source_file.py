from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0023_secrecy_ground"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="source_file",
            field=models.FileField(
                blank=True,
                max_length=300,
                upload_to="original/",
                verbose_name="originalfil",
            ),
        ),
    ]
