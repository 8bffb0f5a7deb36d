"""Links that go out in e-mails: absolute, and signed where they act without a login."""

from __future__ import annotations

from shared.magic_links import LoginLinks, single_use
from shared.tokens import LinkSigner

DAY = 24 * 3600
PRIVACY_CONFIRM_DAYS = 7  # a request nobody confirmed expires with its link
PRIVACY_DOWNLOAD_DAYS = 14  # what an access request assembled is kept this long, then deleted


class Links:
    """Builds and verifies the links recruitment puts in its messages."""

    def __init__(self, secret_keys: tuple[str, ...], base_url: str):
        self.base_url = base_url.rstrip("/")
        self.confirm = LinkSigner(secret_keys, "alert-confirm", max_age=7 * DAY)
        self.unsubscribe = LinkSigner(secret_keys, "unsubscribe", max_age=5 * 365 * DAY)
        self.match = LinkSigner(secret_keys, "match-answer", max_age=90 * DAY)
        self.login = LoginLinks(secret_keys, "login", lambda token: self.url(f"/inloggen/{token}"))
        self.registration = LinkSigner(secret_keys, "registration", max_age=7 * DAY)
        # Its own salt: an invitation (which asks for consent) never passes as a bare confirmation.
        self.invitation = LinkSigner(secret_keys, "invitation", max_age=7 * DAY)
        self.privacy_request = LinkSigner(secret_keys, "privacy-request", max_age=PRIVACY_CONFIRM_DAYS * DAY)
        self.privacy_download = LinkSigner(
            secret_keys, "privacy-download", max_age=PRIVACY_DOWNLOAD_DAYS * DAY
        )

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def alert_confirmation(self, subscription_id: str) -> str:
        return self.url(f"/alerts/bevestigen/{self.confirm.sign(subscription_id)}")

    def alert_unsubscribe(self, subscription_id: str) -> tuple[str, str]:
        """(page a person opens, URL a mail client POSTs to for one-click unsubscribe, RFC 8058)."""
        token = self.unsubscribe.sign(subscription_id)
        return (
            self.url(f"/alerts/afmelden/{token}"),
            self.url(f"/api/recruitment/alerts/unsubscribe/{token}"),
        )

    def match_answer(self, response_id: str, who: str, answer: bool) -> str:
        """The answer is signed into the link, so nobody can change it by editing the URL."""
        return self.url(f"/match/{self.match.sign([response_id, who, answer])}")

    def registration_page(self, cohort_token: str) -> str:
        return self.url(f"/inschrijven/{cohort_token}")

    def registration_verification(self, identity: dict) -> str:
        """Confirms a student's address and logs them in, once (the nonce is recorded on use)."""
        token = self.registration.sign(single_use(identity))
        return self.url(f"/inschrijven/bevestigen/{token}")

    def student_invitation(self, identity: dict) -> str:
        """An imported student's own link: confirm the address and rank placements, once."""
        token = self.invitation.sign(single_use(identity))
        return self.url(f"/inschrijven/uitnodiging/{token}")

    def privacy_confirmation(self, request_id: str) -> str:
        return self.url(f"/privacy/bevestigen/{self.privacy_request.sign(request_id)}")

    def privacy_download_page(self, request_id: str) -> str:
        return self.url(f"/privacy/gegevens/{self.privacy_download.sign(request_id)}")
