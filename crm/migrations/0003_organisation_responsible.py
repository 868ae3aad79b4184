"""The responsible staff member of an organisation ("Verantwoordelijk medewerker"): its
staff mail goes to them alone, and InSite's "Mijn cliënten" lists it for them.

A nullable column on the old table (``portal_organisation``), empty for every organisation
there: nobody is responsible yet, so every staff member keeps hearing everything until one
is chosen. On PostgreSQL a nullable column without a default rewrites no row; the index of
the foreign key is built over the organisations, a table of hundreds or thousands of rows.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0002_squashed"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="responsible",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="responsible_for",
                to="crm.staffmember",
                verbose_name="verantwoordelijk medewerker",
            ),
        ),
    ]
