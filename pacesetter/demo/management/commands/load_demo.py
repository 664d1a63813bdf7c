from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pacesetter.demo.data import DEMO_PASSWORD
from pacesetter.demo.selectors import (
    DemoAwards,
    DemoCampaign,
    DemoGroup,
    DemoMeeting,
    DemoPlan,
    demo_awards,
    demo_campaigns,
    demo_key_work,
    demo_logins,
)
from pacesetter.demo.services import demo_load


class Command(BaseCommand):
    help = (
        "Load the five real cases of the product brief as demo organizations, with role "
        "accounts, then print how to sign in. Does nothing if the demo is already loaded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port", type=int, default=8000, help="The port the server will listen on."
        )

    def handle(self, *args: Any, port: int, **options: Any) -> None:
        try:
            created = demo_load()
        except ValidationError as exc:
            raise CommandError(f"The demo could not be loaded: {exc}") from exc
        base = f"http://127.0.0.1:{port}"
        # What was loaded first, then how to sign in: the logins end the output, where
        # the terminal leaves them in sight (make demo prints only the server's banner
        # after them).
        self.stdout.write(self.campaigns(demo_campaigns()))
        self.stdout.write("")
        self.stdout.write(self.awards(demo_awards()))
        self.stdout.write("")
        self.stdout.write(self.key_work(*demo_key_work()))
        self.stdout.write("")
        if created:
            self.stdout.write(self.style.SUCCESS("Pacesetter demo is ready."))
        else:
            self.stdout.write(
                self.style.SUCCESS("Pacesetter demo is ready (already loaded; nothing changed).")
            )
        self.stdout.write(f"  Open:   {base}/")
        self.stdout.write(
            f"  API:    POST {base}/api/v1/auth/token  (OpenAPI: /api/v1/openapi.json)"
        )
        self.stdout.write(f"  Every demo password: {DEMO_PASSWORD}")
        self.stdout.write("")
        self.stdout.write(self.table(demo_logins()))

    def table(self, groups: list[DemoGroup]) -> str:
        """One line per role; a blank line and the case's title before each case."""
        sections = [
            (
                group.title,
                [
                    (login.username if i == 0 else "", role, scope)
                    for login in group.logins
                    for i, (role, scope) in enumerate(login.roles or (("(no role)", ""),))
                ],
            )
            for group in groups
        ]
        header = ("username", "role", "scope")
        every = [header, *(row for _, rows in sections for row in rows)]
        user_width = max(len(row[0]) for row in every) + 2
        role_width = max(len(row[1]) for row in every) + 2

        def line(username: str, role: str, scope: str) -> str:
            return f"  {username:<{user_width}}{role:<{role_width}}{scope}".rstrip()

        out = [self.style.MIGRATE_HEADING(line(*header))]
        for title, rows in sections:
            out += ["", self.style.MIGRATE_LABEL(f"  {title}")]
            out += [line(*row) for row in rows]
        return "\n".join(out)

    def campaigns(self, campaigns: list[DemoCampaign]) -> str:
        """One line per campaign: its name, its state and its review points' states."""
        width = max((len(c.name) for c in campaigns), default=0) + 2
        state_width = max((len(c.state) for c in campaigns), default=0) + 2
        out = [self.style.MIGRATE_HEADING("  Campaigns")]
        for campaign in campaigns:
            points = "; ".join(f"{name}: {state}" for name, state in campaign.review_points)
            out.append(
                f"  {campaign.name:<{width}}{campaign.state:<{state_width}}{points}".rstrip()
            )
        return "\n".join(out)

    def awards(self, awards: DemoAwards) -> str:
        """One line: grants, proposals by state, polls."""
        states = ", ".join(f"{count} {state.lower()}" for state, count in awards.proposals)
        return (
            self.style.MIGRATE_HEADING("  Awards")
            + f"\n  {awards.grants} granted; {sum(n for _, n in awards.proposals)} proposals "
            f"({states or 'none'}); {awards.polls} polls, {awards.published_polls} published"
        )

    def key_work(self, meetings: list[DemoMeeting], plans: list[DemoPlan]) -> str:
        """One line per meeting (date, place, present of invited) and per work plan."""
        out = [self.style.MIGRATE_HEADING("  Meetings")]
        out += [
            f"  {m.date}  {m.title} — {m.place}; {m.present} present of {m.expected} invited"
            for m in meetings
        ]
        out += ["", self.style.MIGRATE_HEADING("  Work plans")]
        out += [
            f"  {p.name}: {p.tasks} key tasks, {p.progress} done{' (closed)' if p.closed else ''}"
            for p in plans
        ]
        return "\n".join(out)
