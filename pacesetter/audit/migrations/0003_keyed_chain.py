from django.db import migrations, models


class Migration(migrations.Migration):
    """Entries get a hash version and a key id. The entries already written stay version 1
    (plain SHA-256: re-keying them would need the secret at migrate time, and would
    rewrite history); every new one is version 2 (HMAC-SHA256)."""

    dependencies = [("audit", "0002_chain_head")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="version",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="hash version"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="version",
            field=models.PositiveSmallIntegerField(default=2, verbose_name="hash version"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="key_id",
            field=models.CharField(blank=True, max_length=32, verbose_name="key"),
        ),
        # Chained when an audit_deferred() block ends, not when written (docs/security.md).
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(null=True, unique=True, verbose_name="sequence"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="previous hash"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="entry_hash",
            field=models.CharField(max_length=64, null=True, unique=True, verbose_name="hash"),
        ),
    ]
