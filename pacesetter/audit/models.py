from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One change made by a service. Entries form a hash chain ordered by ``seq``.

    A service only inserts its entry, unchained, with an insert seal (``insert_mac``: an
    HMAC of its content and ``nonce`` with the chain's key); the sealer
    (``audit.services.audit_seal``) gives committed entries their place in the chain
    after their transaction commits, so no write waits for another's transaction. The
    screens' history is ordered by insertion (``id``), which exists before sealing.

    ``entry_hash`` covers the previous entry's hash and this entry's canonical content
    (version 2: HMAC-SHA256 keyed with the secret ``key_id`` names, which is not in the
    database; version 1, entries from before the key: SHA-256), so editing, deleting or
    reordering a row breaks the chain from that row on, and the anchors written outside
    the database catch a cut tail (``manage.py audit_verify``; docs/security.md).
    """

    #: The entry's place in the chain; empty from its insert until the sealer chains it
    #: (just after its transaction commits, or the sealer job's next run after a crash).
    seq = models.PositiveBigIntegerField(_("sequence"), unique=True, null=True)
    created_at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_repr = models.CharField(_("who (as recorded)"), max_length=200, blank=True)
    action = models.CharField(_("what"), max_length=100, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100)
    target_id = models.CharField(_("target id"), max_length=64)
    target_repr = models.CharField(_("target"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    # NULL, not "", while unchained: several such rows may exist inside one transaction.
    entry_hash = models.CharField(_("hash"), max_length=64, unique=True, null=True)  # noqa: DJ001
    version = models.PositiveSmallIntegerField(_("hash version"), default=2)
    key_id = models.CharField(_("key"), max_length=32, blank=True)
    #: Random, covered by the insert seal: two genuine entries never share a seal.
    nonce = models.CharField(_("nonce"), max_length=32, blank=True)
    #: HMAC of the content and nonce at insert (audit.chain.insert_mac_of); NULL on the
    #: entries written before it, which were chained by their own transaction.
    insert_mac = models.CharField(  # noqa: DJ001
        _("insert seal"), max_length=64, unique=True, null=True
    )

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-id"], name="audit_target_written"),
            # What the sealer looks for after every commit: small, however long the chain.
            models.Index(
                fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed"
            ),
        ]

    def __str__(self) -> str:
        place = f"#{self.seq}" if self.seq is not None else _("(not chained yet)")
        return f"{place} {self.action} {self.target_repr}"


class AuditChainHead(models.Model):
    """A single row holding the chain's last hash; locking it serializes appends."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.last_seq}"
