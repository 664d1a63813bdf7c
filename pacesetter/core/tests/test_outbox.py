"""The claim on a background job's mail outlasts any send bounded by EMAIL_TIMEOUT."""

import datetime as dt

from pacesetter.core import outbox


def test_a_claim_outlasts_ten_waits_on_the_mail_server(settings):
    settings.EMAIL_TIMEOUT = 60
    assert outbox.claim_timeout() == dt.timedelta(minutes=10)
    settings.EMAIL_TIMEOUT = 300  # a slow relay: the claim grows with it
    assert outbox.claim_timeout() == dt.timedelta(minutes=50)
    settings.EMAIL_TIMEOUT = None  # Django's default: our 60 seconds
    assert outbox.email_timeout() == 60
