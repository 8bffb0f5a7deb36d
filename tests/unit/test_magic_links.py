"""Login links: signed for one service's purpose, with a fresh nonce each, usable once."""

import pytest
from sqlalchemy.orm import Session

from shared.db import Database, make_base
from shared.identity import Principal, Role
from shared.magic_links import LinkAlreadyUsed, LoginLinks, UsedLoginLinkMixin, login_mail, redeem
from shared.tokens import InvalidToken

Base = make_base()


class UsedLoginLink(UsedLoginLinkMixin, Base):
    pass


KEYS = ("k" * 40,)
IDENTITY = {"role": Role.ORGANISATION, "network_id": "n1", "organisation_id": "o1"}


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_a_link_carries_its_identity_a_fresh_nonce_and_where_to_go_next():
    links = LoginLinks(KEYS, "login", lambda token: f"https://knoop.example/inloggen/{token}")
    first, second = links.link(IDENTITY, "/portaal"), links.link(IDENTITY)
    payload = links.verify(token_of(first))
    assert {k: payload[k] for k in IDENTITY} == IDENTITY and payload["next"] == "/portaal"
    assert payload["nonce"] != links.verify(token_of(second))["nonce"] and "next" not in links.verify(
        token_of(second)
    )


def test_a_link_of_one_service_does_not_log_in_at_another():
    recruitment = LoginLinks(KEYS, "login", str)
    appreciation = LoginLinks(KEYS, "partner-login", str)
    with pytest.raises(InvalidToken):
        appreciation.verify(recruitment.link(IDENTITY))


def test_the_mail_offers_one_link_per_identity_with_the_minutes_it_is_valid():
    mail = login_mail(
        {"name": "Anne", "email": "anne@example.org", "language": "nl"}, "Enkhuizen", [("A", "u")]
    )
    assert mail["links"] == [{"label": "A", "url": "u"}] and mail["minutes_valid"] == 15


def test_a_link_logs_in_once(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'links.db'}")
    Base.metadata.create_all(db.engine)
    payload = {**IDENTITY, "nonce": "abc"}
    with Session(db.engine) as session, session.begin():
        assert redeem(session, UsedLoginLink, payload) == Principal(Role.ORGANISATION, "n1", "o1")
    with pytest.raises(LinkAlreadyUsed), Session(db.engine) as session, session.begin():
        redeem(session, UsedLoginLink, payload)
    db.dispose()
