"""Signed, expiring tokens for links (magic login, sign-up, unsubscribe), one salt per purpose.

SHA-256 is set explicitly (itsdangerous defaults to HMAC-SHA1). Keys rotate: the newest signs, all
verify. A token signed for one purpose is never accepted for another.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

PURPOSES = (
    "login",
    "unsubscribe",
    "signup",
    "pass-qr",
    "pass-holder",
    "partner-login",
    "registration",
    "invitation",
    "alert-confirm",
    "match-answer",
    "preferences",
    "invitation-preview",
    "privacy-request",
    "privacy-download",
)


class InvalidToken(ValueError):
    """The token is forged, for another purpose, or expired."""


def _signer_on(clock: Callable[[], float]) -> type[TimestampSigner]:
    """A timestamp signer that reads the given clock, so a test can move time instead of waiting."""

    class ClockedSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock())

    return ClockedSigner


class LinkSigner:
    def __init__(
        self,
        secret_keys: tuple[str, ...],
        purpose: str,
        max_age: int,
        clock: Callable[[], float] = time.time,
    ):
        if purpose not in PURPOSES:
            raise ValueError(f"unknown token purpose {purpose!r}")
        self.max_age = max_age
        self._serializer = URLSafeTimedSerializer(
            list(secret_keys),
            salt=f"knoop.{purpose}",
            signer=_signer_on(clock),
            signer_kwargs={"digest_method": hashlib.sha256},
        )

    def sign(self, payload: Any) -> str:
        return self._serializer.dumps(payload)

    def verify(self, token: str) -> Any:
        try:
            return self._serializer.loads(token, max_age=self.max_age)
        except SignatureExpired as exc:
            raise InvalidToken("expired") from exc
        except BadSignature as exc:
            raise InvalidToken("invalid") from exc
