"""A staff member's handling of a message at 60 that asks attention
(ApprovalMessage.attention_acknowledged_at).

Safe on a live PostgreSQL database: a nullable column without a default is a change of the
catalogue only (no table rewrite, a brief lock). Reversible: RemoveField drops the column.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workflow', '0007_notification_log'),
    ]

    operations = [
        migrations.AddField(
            model_name='approvalmessage',
            name='attention_acknowledged_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='aandachtspunt afgehandeld op'),
        ),
    ]
