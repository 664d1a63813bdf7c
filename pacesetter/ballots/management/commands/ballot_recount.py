from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pacesetter.ballots import tally
from pacesetter.ballots.models import Poll, PollState


class Command(BaseCommand):
    help = "Recount a published poll from its ballots and compare with the published tally."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("poll_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        poll = Poll.objects.filter(pk=options["poll_id"]).first()
        if poll is None:
            raise CommandError(f"There is no poll {options['poll_id']}.")
        if poll.state != PollState.PUBLISHED:
            raise CommandError("Only a published poll can be recounted.")
        result = tally.count(poll)
        digest = tally.poll_digest(poll)
        if digest != poll.digest:
            raise CommandError(
                f"The ballots do not match the published digest ({poll.digest[:12]}… "
                f"published, {digest[:12]}… recounted)."
            )
        if result != poll.result:
            raise CommandError("The recount differs from the published result.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Recount matches the published tally: {result['voted']} voted of "
                f"{result['entitled']}, digest {digest}."
            )
        )
