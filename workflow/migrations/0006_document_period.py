"""The period of the accounts a message's document states, kept by processing with its
financial year (the deadlines count from it); 0007 fills it for the messages there are."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workflow', '0005_squashed'),
    ]

    operations = [
        migrations.AddField(
            model_name='approvalmessage',
            name='period_end',
            field=models.DateField(blank=True, null=True, verbose_name='einde periode document'),
        ),
        migrations.AddField(
            model_name='approvalmessage',
            name='period_start',
            field=models.DateField(blank=True, null=True, verbose_name='begin periode document'),
        ),
    ]
