"""Links appreciation puts in e-mails and QR codes: absolute, signed, one salt per purpose."""

from __future__ import annotations

from shared.magic_links import LoginLinks
from shared.tokens import LinkSigner

DAY = 24 * 3600
HOUR = 3600


class Links:
    def __init__(self, secret_keys: tuple[str, ...], base_url: str):
        self.base_url = base_url.rstrip("/")
        # The QR code carries the pass id with a SHA-256 HMAC of its own salt: unguessable, and it
        # stops working the moment the pass is replaced or revoked (checked on use, not in the link).
        self.qr = LinkSigner(secret_keys, "pass-qr", max_age=3 * 365 * DAY)
        # The holder's page shows the QR code, so its link is as good as the pass: valid as long.
        self.holder = LinkSigner(secret_keys, "pass-holder", max_age=3 * 365 * DAY)
        # Its own purpose: a recruitment login link must not log in here as well (each service keeps
        # its own record of used links).
        self.login = LoginLinks(
            secret_keys, "partner-login", lambda token: self.url(f"/waardering/inloggen/{token}")
        )
        # A personal invitation: sign up, decline, cancel, take an offered place; no password.
        self.signup = LinkSigner(secret_keys, "signup", max_age=365 * DAY)
        # Notifications' one-click preferences page, signed as its e-mails sign it (purpose and
        # payload are the shared link contract; the kind is one it knows): no import of that service.
        self.preferences = LinkSigner(secret_keys, "preferences", max_age=5 * 365 * DAY)
        # Notifications' preview of an event's invitation: the message's own payload, signed (and
        # compressed) into the link, so notifications renders it without asking appreciation.
        self.invitation_preview = LinkSigner(secret_keys, "invitation-preview", max_age=HOUR)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def qr_url(self, pass_id: str) -> str:
        return self.url(f"/waardering/p/{self.qr.sign(pass_id)}")

    def holder_page(self, holder_id: str, version: int) -> str:
        """Signed with the holder's link version: a reissue makes older links stop working."""
        return self.url(f"/waardering/pas/{self.holder.sign([holder_id, version])}")

    def invitation_page(self, invitation_id: str) -> str:
        return self.url(f"/waardering/uitnodiging/{self.signup.sign(invitation_id)}")

    def feedback_page(self, invitation_id: str) -> str:
        return self.url(f"/waardering/uitnodiging/{self.signup.sign(invitation_id)}/feedback")

    def preferences_page(self, email: str) -> str:
        """The person's e-mail preferences at notifications, opened at appreciation's invitations."""
        return self.url(f"/berichten/afmelden/{self.preferences.sign([email, 'invitations'])}")

    def invitation_preview_path(self, network_id: str, payload: dict) -> str:
        """Notifications' page showing the invitation e-mail `payload` (an invitations_sent.v1
        payload) would make; only a viewer of `network_id` may open it, within the hour. A path:
        the viewer is on this site already, whatever address e-mails use."""
        token = self.invitation_preview.sign({"network_id": network_id, "data": payload})
        return f"/berichten/voorbeeld/uitnodiging/{token}"

    def calendar_feed(self, holder_id: str, version: int) -> str:
        """A secret address per person: the events they signed up for, as an .ics feed (retired,
        like the pass page's link, when a pass is reissued)."""
        return self.url(f"/waardering/agenda/{self.holder.sign(['feed', holder_id, version])}.ics")
