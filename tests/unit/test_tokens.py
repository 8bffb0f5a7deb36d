"""Signed links and API tokens."""

import pytest

from shared.api_tokens import TOKEN_PREFIX, generate_api_token, hash_token
from shared.tokens import InvalidToken, LinkSigner

KEYS = ("a" * 40,)


def test_signed_link_round_trips_for_its_own_purpose():
    signer = LinkSigner(KEYS, "login", max_age=60)
    assert signer.verify(signer.sign({"person": "p1"})) == {"person": "p1"}


def test_token_for_one_purpose_is_refused_for_another():
    qr = LinkSigner(KEYS, "pass-qr", max_age=60).sign({"pass": "x"})
    with pytest.raises(InvalidToken):
        LinkSigner(KEYS, "login", max_age=60).verify(qr)


class Clock:
    """Time that moves only when the test says so."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_link_is_accepted_up_to_its_max_age():
    clock = Clock()
    signer = LinkSigner(KEYS, "login", max_age=60, clock=clock)
    token = signer.sign("p1")
    clock.now += 60
    assert signer.verify(token) == "p1"


def test_expired_link_is_refused():
    clock = Clock()
    signer = LinkSigner(KEYS, "login", max_age=60, clock=clock)
    token = signer.sign("p1")
    clock.now += 61
    with pytest.raises(InvalidToken, match="expired"):
        signer.verify(token)


def test_link_signed_in_the_future_is_refused():
    clock = Clock()
    token = LinkSigner(KEYS, "login", max_age=60, clock=clock).sign("p1")
    clock.now -= 1
    with pytest.raises(InvalidToken):
        LinkSigner(KEYS, "login", max_age=60, clock=clock).verify(token)


def test_tampered_link_is_refused():
    signer = LinkSigner(KEYS, "unsubscribe", max_age=60)
    token = signer.sign("p1")
    with pytest.raises(InvalidToken):
        signer.verify(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))


def test_rotated_keys_still_verify_links_signed_with_the_old_key():
    old = LinkSigner(("old" * 14,), "login", max_age=60).sign("p1")
    rotated = LinkSigner(("old" * 14, "new" * 14), "login", max_age=60)
    assert rotated.verify(old) == "p1"
    with pytest.raises(InvalidToken):
        LinkSigner(("new" * 14,), "login", max_age=60).verify(old)


def test_api_tokens_are_long_random_and_stored_only_as_sha256():
    first, second = generate_api_token(), generate_api_token()
    assert first != second and first.startswith(TOKEN_PREFIX) and len(first) >= 40
    assert len(hash_token(first)) == 64 and first not in hash_token(first)
