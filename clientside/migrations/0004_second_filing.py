"""The tweede aanlevering: a year's adopted accounts after its accounts were filed as not
adopted (art. 2:394 lid 2 BW), a report of its own beside the year's report and its
heraanlevering; and whether the portal's message is adopted, mirrored with its status."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clientside", "0003_administration_year_end"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="annualreport",
            name="one_report_per_year",
        ),
        migrations.AddField(
            model_name="annualreport",
            name="second_filing",
            field=models.BooleanField(default=False, verbose_name="tweede aanlevering"),
        ),
        migrations.AddField(
            model_name="outboundmessage",
            name="adopted",
            field=models.BooleanField(blank=True, null=True, verbose_name="vastgesteld"),
        ),
        migrations.AddConstraint(
            model_name="annualreport",
            constraint=models.UniqueConstraint(
                fields=("administration", "financial_year", "resubmission", "second_filing"),
                name="one_report_per_year",
            ),
        ),
        migrations.AddConstraint(
            model_name="annualreport",
            constraint=models.CheckConstraint(
                condition=models.Q(("resubmission", True), ("second_filing", True), _negated=True),
                name="report_resubmission_or_second_filing",
            ),
        ),
    ]
