"""workflow's migrations written after release e5ba993's 0004, squashed before the next
release: the signing date, the notification log (each recipient at most once), the handled
attention point, and the fields' Dutch names (no schema change).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [
        ("workflow", "0005_signed_on"),
        ("workflow", "0006_dutch_field_names"),
        ("workflow", "0007_notification_log"),
        ("workflow", "0008_attention_acknowledged"),
    ]

    dependencies = [
        ("crm", "0002_squashed"),
        ("workflow", "0004_received_sha256_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="approvalmessage",
            name="signed_on",
            field=models.DateField(blank=True, null=True, verbose_name="datum ondertekening"),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="approved_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="goedgekeurd op"),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="approved_sha256",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="SHA-256 van het goedgekeurde document"
            ),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="attempts_base",
            field=models.PositiveSmallIntegerField(
                default=0, verbose_name="verzendpogingen vóór 'Opnieuw verzenden'"
            ),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="attention_code",
            field=models.CharField(blank=True, max_length=40, verbose_name="code aandachtspunt"),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="attention_detail",
            field=models.CharField(
                blank=True, max_length=500, verbose_name="details aandachtspunt"
            ),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="awaiting_accountant_review",
            field=models.BooleanField(
                default=False, verbose_name="wacht op beoordeling door de accountant"
            ),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="aangemaakt op"),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="delivery_reference",
            field=models.CharField(blank=True, max_length=64, verbose_name="afleverkenmerk"),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="delivery_started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="aflevering gestart op"),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="digipoort_kenmerk",
            field=models.CharField(blank=True, max_length=100, verbose_name="kenmerk Digipoort"),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="digipoort_statuses",
            field=models.JSONField(blank=True, default=list, verbose_name="statussen Digipoort"),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="document",
            field=models.BinaryField(verbose_name="document"),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="document_sha256",
            field=models.CharField(max_length=64, verbose_name="SHA-256 van het document"),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="next_attempt_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="volgende verzendpoging op"
            ),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="next_poll_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="volgende statusopvraging op"
            ),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="approval_messages",
                to="crm.organisation",
                verbose_name="organisatie",
            ),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="poll_attempts",
            field=models.PositiveIntegerField(default=0, verbose_name="statusopvragingen"),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="poll_failures",
            field=models.PositiveSmallIntegerField(
                default=0, verbose_name="mislukte statusopvragingen op rij"
            ),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="received_document",
            field=models.BinaryField(verbose_name="ontvangen document"),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="received_sha256",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                max_length=64,
                verbose_name="SHA-256 van het ontvangen document",
            ),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="resend_checked",
            field=models.BooleanField(
                default=False, verbose_name="niet-aankomst gecontroleerd bij Digipoort"
            ),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="status_changed_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="status gewijzigd op"),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="submit_attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="verzendpogingen"),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="gewijzigd op"),
        ),
        migrations.AlterField(
            model_name="approvalmessage",
            name="workflow",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to="workflow.workflowdefinition",
                verbose_name="workflow",
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="author",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                to=settings.AUTH_USER_MODEL,
                verbose_name="auteur",
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="author_kind",
            field=models.CharField(max_length=20, verbose_name="soort auteur"),
        ),
        migrations.AlterField(
            model_name="comment",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="aangemaakt op"),
        ),
        migrations.AlterField(
            model_name="comment",
            name="message",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="comments",
                to="workflow.approvalmessage",
                verbose_name="bericht",
            ),
        ),
        migrations.AlterField(
            model_name="statusevent",
            name="actor_kind",
            field=models.CharField(max_length=20, verbose_name="soort uitvoerder"),
        ),
        migrations.AlterField(
            model_name="statusevent",
            name="actor_label",
            field=models.CharField(blank=True, max_length=200, verbose_name="uitvoerder"),
        ),
        migrations.AlterField(
            model_name="statusevent",
            name="actor_user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to=settings.AUTH_USER_MODEL,
                verbose_name="gebruiker",
            ),
        ),
        migrations.AlterField(
            model_name="statusevent",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="aangemaakt op"),
        ),
        migrations.AlterField(
            model_name="statusevent",
            name="document_sha256",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="SHA-256 van het document"
            ),
        ),
        migrations.AlterField(
            model_name="statusevent",
            name="from_status",
            field=models.PositiveSmallIntegerField(
                blank=True,
                choices=[
                    (0, "Klaargezet voor verzending naar portal"),
                    (5, "Fout bij verzenden naar portal"),
                    (10, "Verzonden naar portal"),
                    (20, "Bezig met verwerken in portal"),
                    (25, "Fout bij verwerken in portal"),
                    (30, "Aangeboden ter beoordeling door cliënt"),
                    (40, "Afgekeurd door cliënt"),
                    (50, "Goedgekeurd door cliënt en klaargezet voor verzending naar KvK"),
                    (60, "Goedgekeurd door cliënt en verzonden naar KvK"),
                    (70, "Fout bij verzenden naar KvK"),
                    (80, "Gedeponeerd bij KvK"),
                    (90, "Afgekeurd door KvK"),
                ],
                null=True,
                verbose_name="van status",
            ),
        ),
        migrations.AlterField(
            model_name="statusevent",
            name="ip_address",
            field=models.GenericIPAddressField(blank=True, null=True, verbose_name="IP-adres"),
        ),
        migrations.AlterField(
            model_name="statusevent",
            name="message",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="workflow.approvalmessage",
                verbose_name="bericht",
            ),
        ),
        migrations.AlterField(
            model_name="statusevent",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="crm.organisation",
                verbose_name="organisatie",
            ),
        ),
        migrations.AlterField(
            model_name="statusevent",
            name="reasons",
            field=models.JSONField(blank=True, default=list, verbose_name="redenen"),
        ),
        migrations.AlterField(
            model_name="statusevent",
            name="sequence",
            field=models.BigIntegerField(verbose_name="volgnummer"),
        ),
        migrations.AlterField(
            model_name="statusevent",
            name="to_status",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (0, "Klaargezet voor verzending naar portal"),
                    (5, "Fout bij verzenden naar portal"),
                    (10, "Verzonden naar portal"),
                    (20, "Bezig met verwerken in portal"),
                    (25, "Fout bij verwerken in portal"),
                    (30, "Aangeboden ter beoordeling door cliënt"),
                    (40, "Afgekeurd door cliënt"),
                    (50, "Goedgekeurd door cliënt en klaargezet voor verzending naar KvK"),
                    (60, "Goedgekeurd door cliënt en verzonden naar KvK"),
                    (70, "Fout bij verzenden naar KvK"),
                    (80, "Gedeponeerd bij KvK"),
                    (90, "Afgekeurd door KvK"),
                ],
                verbose_name="naar status",
            ),
        ),
        migrations.AlterField(
            model_name="workflowdefinition",
            name="environment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="workflows",
                to="crm.accountancyenvironment",
                verbose_name="accountantsomgeving",
            ),
        ),
        migrations.AlterField(
            model_name="workflowtask",
            name="definition",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="tasks",
                to="workflow.workflowdefinition",
                verbose_name="workflow",
            ),
        ),
        migrations.CreateModel(
            name="NotificationLog",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("event", models.CharField(max_length=64)),
                ("kind", models.CharField(max_length=40)),
                ("recipient", models.EmailField(max_length=254)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("sending", "wordt verzonden"),
                            ("sent", "verzonden"),
                            ("refused", "geweigerd, niet opnieuw geprobeerd"),
                            ("retry", "mislukt, wordt opnieuw geprobeerd"),
                        ],
                        default="sending",
                        max_length=10,
                    ),
                ),
                ("error", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("claimed_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                (
                    "message",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_logs",
                        to="workflow.approvalmessage",
                    ),
                ),
            ],
            options={
                "verbose_name": "verstuurde melding",
                "verbose_name_plural": "verstuurde meldingen",
                "ordering": ["-created_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("event", "message", "recipient"),
                        name="notification_once_per_recipient",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="approvalmessage",
            name="attention_acknowledged_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="aandachtspunt afgehandeld op"
            ),
        ),
    ]
