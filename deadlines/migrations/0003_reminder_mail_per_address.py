"""The e-mails of the reminder job, one per address (ReminderMail): what became of each
(sent, failed and tried again, interrupted), so a staff digest that reached one member and
not another says so and is sent again to that member only, and a person's reminders are
claimed together by one run.

A new table and its join table only: no existing row is read or rewritten (safe on a live
PostgreSQL database); going back drops them.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0003_organisation_responsible"),
        ("deadlines", "0002_reminder_overdue_kind"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReminderMail",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("client_review", "Herinnering cliënt: bericht wacht op beoordeling"),
                            ("staff_escalation", "Escalatie medewerkers: deponeertermijn nadert"),
                            ("staff_overdue", "Escalatie medewerkers: deponeertermijn verstreken"),
                        ],
                        max_length=20,
                        verbose_name="soort",
                    ),
                ),
                ("address", models.EmailField(max_length=254, verbose_name="e-mailadres")),
                ("language", models.CharField(blank=True, max_length=10)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "klaar om te verzenden"),
                            ("sending", "wordt verzonden"),
                            ("sent", "verzonden"),
                            ("retry", "mislukt, wordt opnieuw geprobeerd"),
                            ("failed", "mislukt, niet opnieuw geprobeerd"),
                            ("unknown", "onderbroken tijdens verzenden, niet opnieuw verzonden"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="stand",
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="pogingen")),
                ("error", models.TextField(blank=True, verbose_name="fout")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("claimed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "sent_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="verzonden op"),
                ),
                (
                    "entries",
                    models.ManyToManyField(related_name="mails", to="deadlines.reminderlog"),
                ),
                (
                    "environment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminder_mails",
                        to="crm.accountancyenvironment",
                    ),
                ),
            ],
            options={
                "verbose_name": "herinneringsmail",
                "verbose_name_plural": "herinneringsmails",
                "ordering": ["created_at", "pk"],
                "indexes": [models.Index(fields=["state", "kind"], name="reminder_mail_state")],
            },
        ),
    ]
