from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Entries are inserted unchained with an insert seal (an HMAC of their content and a
    random nonce) and chained by the sealer after their transaction commits; the history
    is ordered by insertion (``id``), the sealer finds the unchained ones by a partial
    index. The entries already written are chained and keep no seal (docs/security.md,
    "Contention: the sealer")."""

    dependencies = [
        ('audit', '0003_keyed_chain'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='auditentry',
            options={'ordering': ['-id'], 'verbose_name': 'audit entry', 'verbose_name_plural': 'audit entries'},
        ),
        migrations.RemoveIndex(
            model_name='auditentry',
            name='audit_audit_target__10b4e8_idx',
        ),
        migrations.AddField(
            model_name='auditentry',
            name='insert_mac',
            field=models.CharField(max_length=64, null=True, unique=True, verbose_name='insert seal'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='nonce',
            field=models.CharField(blank=True, max_length=32, verbose_name='nonce'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['target_type', 'target_id', '-id'], name='audit_target_written'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(condition=models.Q(('seq__isnull', True)), fields=['id'], name='audit_unsealed'),
        ),
    ]
