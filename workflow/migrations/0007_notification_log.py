"""The log of e-mail notifications per recipient (portal.notifications sends each at most
once across retries).

Safe on a live PostgreSQL database: it only creates a new, empty table (and its indexes and
the foreign key to the messages, checked against no rows); no existing table is rewritten.
Reversible: going back drops the table.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0006_dutch_field_names"),
    ]

    operations = [
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
    ]
