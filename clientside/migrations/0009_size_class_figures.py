# The figures of the size-class check (art. 2:395a and 2:396 BW) that the filed instance
# does not carry: the average number of employees and, where the profit and loss has no
# NetRevenue, the net turnover; per report, for the current and the previous year.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clientside', '0008_remove_reportsignature_signed'),
    ]

    operations = [
        migrations.AddField(
            model_name='annualreport',
            name='employees_current',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=9, null=True, verbose_name='gemiddeld aantal werknemers (huidig boekjaar)'),
        ),
        migrations.AddField(
            model_name='annualreport',
            name='employees_previous',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=9, null=True, verbose_name='gemiddeld aantal werknemers (vorig boekjaar)'),
        ),
        migrations.AddField(
            model_name='annualreport',
            name='net_turnover_current',
            field=models.DecimalField(blank=True, decimal_places=0, max_digits=20, null=True, verbose_name='netto-omzet (huidig boekjaar)'),
        ),
        migrations.AddField(
            model_name='annualreport',
            name='net_turnover_previous',
            field=models.DecimalField(blank=True, decimal_places=0, max_digits=20, null=True, verbose_name='netto-omzet (vorig boekjaar)'),
        ),
    ]
