"""Secret ballots.

Who voted (:class:`Entitlement`) is stored apart from what was voted (:class:`Ballot`,
:class:`BallotChoice`). A ballot row holds no voter, no time, and a random id. The rows
exist before anyone votes: opening the poll writes one empty ballot per voter on the roll
(with a blank mark row per option) in random order, and a cast fills one empty ballot of
its weight chosen at random; closing drops the empty rows and re-writes the ballots in
random order. So neither id nor storage order reveals when, or by whom, a ballot was cast.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pacesetter.core.shares import (
    denominator_field,
    numerator_field,
    share_constraint,
    share_property,
)
from pacesetter.core.versions import version_field


class PollKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no / abstain on each candidate")
    APPROVAL = "approval", _("Approval: choose up to K of N")


class Majority(models.TextChoices):
    SIMPLE = "simple", _("Simple: more yes than no")
    ABSOLUTE = "absolute", _("Absolute: more than half of the base")
    TWO_THIRDS = "two_thirds", _("Two-thirds of the base")
    THREE_QUARTERS = "three_quarters", _("Three-quarters of the base")


class Base(models.TextChoices):
    VALID = "valid", _("Valid votes (yes and no)")
    CAST = "cast", _("Ballots cast (abstentions included)")
    ENTITLED = "entitled", _("Everyone entitled to vote")


class PollState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Published")


class Verification(models.TextChoices):
    """What a voter can check, and so what they can be made to show (docs/ballots.md)."""

    INDIVIDUAL = (
        "individual",
        _(
            "Individual: each voter gets a receipt to check their ballot, and could show it "
            "to whoever presses them"
        ),
    )
    RECEIPT_FREE = (
        "receipt_free",
        _("Receipt-free: no receipts, so nobody can be made to prove their vote, nor check it"),
    )


class Vote(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    ABSTAIN = "abstain", _("Abstain")


class Poll(models.Model):
    """A vote of a cluster (one vote per member unit) or of a body (one per member)."""

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=PollKind.choices)
    owner_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("organized by"),
        on_delete=models.PROTECT,
        related_name="polls",
    )
    cluster = models.ForeignKey(
        "clusters.Cluster",
        verbose_name=_("voting cluster"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="polls",
    )
    body = models.ForeignKey(
        "bodies.Body",
        verbose_name=_("voting body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="polls",
    )
    max_choices = models.PositiveSmallIntegerField(_("choose up to"), default=1)
    # The quorum, an exact share of the entitled weight (``core.shares``): ``poll.quorum``.
    quorum_numerator = numerator_field(_("quorum (numerator)"))
    quorum_denominator = denominator_field(_("quorum (denominator)"))
    majority = models.CharField(
        _("majority"), max_length=20, choices=Majority.choices, default=Majority.SIMPLE
    )
    base = models.CharField(_("base"), max_length=10, choices=Base.choices, default=Base.VALID)
    state = models.CharField(
        _("state"), max_length=10, choices=PollState.choices, default=PollState.DRAFT
    )
    verification = models.CharField(
        _("verification"),
        max_length=20,
        choices=Verification.choices,
        default=Verification.INDIVIDUAL,
        help_text=_(
            "With receipts each voter can check that their ballot was counted as cast, but "
            "can also prove their vote to someone pressing them; without receipts nobody "
            "can prove it, and nobody can check their own."
        ),
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    digest = models.CharField(_("digest"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    #: Raised by each change of the draft's settings; no ballot or state move touches it.
    version = version_field()

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(cluster__isnull=False) & Q(body__isnull=True))
                | (Q(cluster__isnull=True) & Q(body__isnull=False)),
                name="poll_one_voting_body",
                violation_error_code="voting_body",
                violation_error_message=_("Choose either a cluster or a body to vote, not both."),
            ),
            share_constraint("quorum", "poll_quorum_share"),
            models.CheckConstraint(
                condition=Q(max_choices__gte=1),
                name="poll_max_choices",
                violation_error_code="max_choices",
                violation_error_message=_("Allow at least one choice."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    quorum = share_property("quorum")

    @property
    def receipt_free(self) -> bool:
        return self.verification == Verification.RECEIPT_FREE


class Option(models.Model):
    """A candidate or a motion of the poll."""

    poll = models.ForeignKey(
        Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="options"
    )
    label = models.CharField(_("label"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["poll", "position", "pk"]

    def __str__(self) -> str:
        return self.label


class Entitlement(models.Model):
    """Who may vote, with what weight, and whether they have: never what they voted."""

    poll = models.ForeignKey(
        Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="entitlements"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voter"),
        on_delete=models.PROTECT,
        related_name="entitlements",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("for unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    voted = models.BooleanField(_("has voted"), default=False)

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "voter"],
                name="entitlement_one_per_voter",
                violation_error_code="already_entitled",
                violation_error_message=_("This voter is already entitled to vote in this poll."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="entitlement_weight_positive",
                violation_error_code="weight_not_positive",
                violation_error_message=_("The weight must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voter} @ {self.poll}"


class CastBallots(models.Manager["Ballot"]):
    """The ballots that were cast: never the empty rows made when the poll opened."""

    def get_queryset(self) -> models.QuerySet["Ballot"]:
        return super().get_queryset().filter(filled=True)


class Ballot(models.Model):
    """What was voted, with the voter's random receipt. No voter, no time, random id.

    A ballot of a receipt-free poll has no receipt (NULL): there is nothing the voter
    could be shown, nor anything stored that a voter could later be asked to match.

    While the poll is open the poll also has empty ballots (``filled`` False), one per
    voter who has not voted, made in random order when it opened; a cast fills one of
    them. ``Ballot.objects`` is the cast ballots only; ``Ballot.rows`` every row (the
    default manager, so dumps and deletions see them all).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(
        Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="ballots"
    )
    # NULL rather than "": several receipt-free ballots must pass the unique constraint.
    receipt = models.CharField(_("receipt"), max_length=32, unique=True, null=True, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    filled = models.BooleanField(_("cast"), default=False)

    rows = models.Manager()
    objects = CastBallots()

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["receipt"]
        default_manager_name = "rows"

    def __str__(self) -> str:
        return self.receipt or str(self.pk)


class Marks(models.Manager["BallotChoice"]):
    """The marks on the ballots: never the blank rows (``vote`` empty) made with them."""

    def get_queryset(self) -> models.QuerySet["BallotChoice"]:
        return super().get_queryset().exclude(vote="")


class BallotChoice(models.Model):
    """One mark on a ballot: a vote on an option (for approval polls, only "yes").

    An empty ballot has one row per option with no vote (``vote`` empty); filling it sets
    the votes of the options marked, and closing drops the rows left blank.
    ``BallotChoice.objects`` is the marks only; ``BallotChoice.rows`` every row.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(
        Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="choices"
    )
    option = models.ForeignKey(
        Option, verbose_name=_("option"), on_delete=models.PROTECT, related_name="+"
    )
    vote = models.CharField(_("vote"), max_length=10, choices=Vote.choices, blank=True)

    rows = models.Manager()
    objects = Marks()

    class Meta:
        verbose_name = _("ballot choice")
        verbose_name_plural = _("ballot choices")
        default_manager_name = "rows"
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "option"],
                name="ballot_choice_once",
                violation_error_code="option_twice",
                violation_error_message=_("A ballot can choose an option only once."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.option}: {self.vote}"


class PaperTally(models.Model):
    """Totals of paper ballots for one option, entered by hand (who entered them is kept)."""

    poll = models.ForeignKey(
        Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="paper_tallies"
    )
    option = models.ForeignKey(
        Option, verbose_name=_("option"), on_delete=models.CASCADE, related_name="paper_tallies"
    )
    yes = models.PositiveIntegerField(_("yes"), default=0)
    no = models.PositiveIntegerField(_("no"), default=0)
    abstain = models.PositiveIntegerField(_("abstain"), default=0)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        verbose_name = _("paper tally")
        verbose_name_plural = _("paper tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "option"],
                name="paper_tally_once",
                violation_error_code="tally_exists",
                violation_error_message=_("The paper ballots for this option are already entered."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.option}: {self.yes}/{self.no}/{self.abstain}"


class PaperBallots(models.Model):
    """How many paper ballots were cast (for quorum and the "cast" base)."""

    poll = models.OneToOneField(
        Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="paper_ballots"
    )
    count = models.PositiveIntegerField(_("paper ballots cast"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("paper ballots")
        verbose_name_plural = _("paper ballots")

    def __str__(self) -> str:
        return f"{self.poll}: {self.count}"
