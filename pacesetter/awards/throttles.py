"""The limit on public comments (no login), one count per client address for both ways
of commenting: the public page's form (``views.public_proposal``) and
``POST /api/v1/proposals/{id}/comments``."""

from __future__ import annotations

from pacesetter.core.clients import ClientRateThrottle


class CommentThrottle(ClientRateThrottle):
    """Comments from the public page: no login, so a modest rate per address, counted
    apart from the token endpoint's attempts; the address is the trusted one
    (``core.clients``), not a header the client wrote. The count is in the shared cache,
    under one key for the page and the API."""

    scope = "proposal_comment"


COMMENT_RATE = "10/m"
