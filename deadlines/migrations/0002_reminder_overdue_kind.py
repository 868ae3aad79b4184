"""A new kind of reminder: the staff escalation that a filing deadline has passed.

Only the field's choices change: Django runs no SQL for it (safe on a live PostgreSQL
database, no lock, no rewrite) and going back is as empty.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0001_squashed"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reminderlog",
            name="kind",
            field=models.CharField(
                choices=[
                    ("client_review", "Herinnering cliënt: bericht wacht op beoordeling"),
                    ("staff_escalation", "Escalatie medewerkers: deponeertermijn nadert"),
                    ("staff_overdue", "Escalatie medewerkers: deponeertermijn verstreken"),
                ],
                max_length=20,
                verbose_name="soort",
            ),
        ),
    ]
