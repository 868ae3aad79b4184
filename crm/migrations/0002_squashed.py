"""crm's migrations written after release e5ba993, squashed before the next release.

Contact.user becomes a foreign key: one login for the contact of several organisations (a DGA
with a holding and an operating company), a contact of each organisation once. Safe for the
data there: under the one-to-one field every user had at most one contact. The rest are the
fields' Dutch names and the legal form's choices as a function (no schema change).
"""

import django.db.models.deletion
import kvk.taxonomy
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [
        ("crm", "0002_contact_user_of_several_organisations"),
        ("crm", "0003_captions_and_field_names"),
    ]

    dependencies = [
        ("crm", "0001_squashed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="accountancyenvironment",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="aangemaakt op"),
        ),
        migrations.AlterField(
            model_name="contact",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="contacts",
                to="crm.organisation",
                verbose_name="organisatie",
            ),
        ),
        migrations.AlterField(
            model_name="contact",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="client_contacts",
                to=settings.AUTH_USER_MODEL,
                verbose_name="gebruiker",
            ),
        ),
        migrations.AlterField(
            model_name="identification",
            name="environment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                to="crm.accountancyenvironment",
                verbose_name="accountantsomgeving",
            ),
        ),
        migrations.AlterField(
            model_name="identification",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="identifications",
                to="crm.organisation",
                verbose_name="organisatie",
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="aangemaakt op"),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="legal_form",
            field=models.CharField(
                choices=kvk.taxonomy.legal_form_choices,
                default="Besloten vennootschap met beperkte aansprakelijkheid",
                max_length=100,
                verbose_name="rechtsvorm",
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="status_sequence",
            field=models.BigIntegerField(
                default=0, editable=False, verbose_name="volgnummer statuswijzigingen"
            ),
        ),
        migrations.AlterField(
            model_name="staffmember",
            name="environment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="staff",
                to="crm.accountancyenvironment",
                verbose_name="accountantsomgeving",
            ),
        ),
        migrations.AlterField(
            model_name="staffmember",
            name="user",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="staff_member",
                to=settings.AUTH_USER_MODEL,
                verbose_name="gebruiker",
            ),
        ),
        migrations.AddConstraint(
            model_name="contact",
            constraint=models.UniqueConstraint(
                fields=("user", "organisation"), name="contact_user_once_per_organisation"
            ),
        ),
    ]
