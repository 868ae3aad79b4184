"""One login for the contact of several organisations (a DGA with a holding and an operating
company): Contact.user becomes a foreign key, and a user is a contact of one organisation at
most once. Safe for the data already there: under the one-to-one field every user had at
most one contact, so no existing row breaks the new constraint."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0001_squashed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="contact",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="client_contacts",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="contact",
            constraint=models.UniqueConstraint(
                fields=("user", "organisation"), name="contact_user_once_per_organisation"
            ),
        ),
    ]
