"""The quorum becomes an exact fraction (``core.shares``): two integer columns instead of
a four-decimal number. 0.6667 and 0.3333 were the forms' two-thirds and one-third and
become 2/3 and 1/3; any other value is exactly what it said (0.5 is 1/2)."""

from decimal import Decimal
from fractions import Fraction

from django.db import migrations, models

from pacesetter.core.shares import share_from_decimal


def to_fractions(apps, schema_editor):
    Model = apps.get_model("ballots", "Poll")
    rows = list(Model.objects.only("pk", "quorum"))
    for row in rows:
        share = share_from_decimal(Decimal(row.quorum or 0))
        row.quorum_numerator, row.quorum_denominator = share.numerator, share.denominator
    Model.objects.bulk_update(rows, ["quorum_numerator", "quorum_denominator"], batch_size=500)


def to_decimals(apps, schema_editor):
    Model = apps.get_model("ballots", "Poll")
    rows = list(Model.objects.only("pk", "quorum_numerator", "quorum_denominator"))
    for row in rows:
        share = Fraction(row.quorum_numerator, row.quorum_denominator or 1)
        row.quorum = (Decimal(share.numerator) / Decimal(share.denominator)).quantize(
            Decimal("0.0001")
        )
    Model.objects.bulk_update(rows, ["quorum"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0002_constraint_messages"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="poll",
            name="poll_quorum_share",
        ),
        migrations.AddField(
            model_name="poll",
            name="quorum_numerator",
            field=models.PositiveIntegerField(default=0, verbose_name="quorum (numerator)"),
        ),
        migrations.AddField(
            model_name="poll",
            name="quorum_denominator",
            field=models.PositiveIntegerField(default=1, verbose_name="quorum (denominator)"),
        ),
        migrations.RunPython(to_fractions, to_decimals, elidable=False),
        migrations.RemoveField(
            model_name="poll",
            name="quorum",
        ),
        migrations.AddConstraint(
            model_name="poll",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("quorum_numerator__gte", 0),
                    ("quorum_numerator__lte", models.F("quorum_denominator")),
                    ("quorum_denominator__gt", 0),
                ),
                name="poll_quorum_share",
                violation_error_code="share_range",
                violation_error_message="A share is between 0 and 1.",
            ),
        ),
    ]
