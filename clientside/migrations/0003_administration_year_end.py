"""The administration's financial year end (day and month; 31 December unless its statutes
name another, art. 2:10a BW): a new annual report's period follows it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clientside", "0002_squashed"),
    ]

    operations = [
        migrations.AddField(
            model_name="administration",
            name="year_end_day",
            field=models.PositiveSmallIntegerField(default=31, verbose_name="einde boekjaar: dag"),
        ),
        migrations.AddField(
            model_name="administration",
            name="year_end_month",
            field=models.PositiveSmallIntegerField(
                default=12, verbose_name="einde boekjaar: maand"
            ),
        ),
    ]
