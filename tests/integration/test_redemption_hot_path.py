"""Redemption at the counter runs as plain SQL, not through the ORM (redemptions/statements.py): what
the ORM's tenancy criteria and the outbox's usual path used to guarantee must still hold."""

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError

from services.appreciation.api.schemas import RedemptionResultSchema
from services.appreciation.domain import passes as domain
from services.appreciation.models import (
    ApiToken,
    DiscountPartner,
    NetworkReplica,
    Offer,
    OutboxMessage,
    Pass,
    PassHolder,
    Redemption,
    RedemptionAttempt,
)
from shared import contracts
from tests.support.appreciation import pass_network

pytestmark = pytest.mark.integration


@pytest.fixture
def pn(stack):
    pn = pass_network(stack)
    pn.admit_partner("Theater De Drommedaris")
    return pn


def other_network(app) -> dict:
    """A second network with a partner, an offer and a pass, written straight to the database."""
    network_id = str(uuid.uuid4())
    number = "12345678903"
    number += domain.luhn_check_digit(number)
    with app.extensions["knoop"].db.transaction() as session:
        session.add(NetworkReplica(id=network_id, name="Elders", slug="elders"))
        partner = DiscountPartner(id=str(uuid.uuid4()), network_id=network_id, name="Bioscoop")
        holder = PassHolder(id=str(uuid.uuid4()), network_id=network_id, name="Els Bakker", email="els@x.org")
        session.add_all([partner, holder])
        session.flush()
        offer = Offer(network_id=network_id, partner_id=partner.id, title="Gratis", discount_kind="free")
        card = Pass(
            network_id=network_id,
            holder_id=holder.id,
            number=number,
            status="active",
            valid_from=date(2000, 1, 1),
            valid_until=date(2999, 12, 31),
        )
        session.add_all([offer, card])
        session.flush()
        return {"offer": offer.id, "number": number}


def test_a_pass_of_another_network_is_unknown_at_the_counter(pn):
    elsewhere = other_network(pn.app)
    offer = pn.offer("Theater De Drommedaris", "Twee voor één")

    answer = pn.redeem("Theater De Drommedaris", offer, number=elsewhere["number"])

    assert answer.status_code == 404 and answer.get_json()["outcome"] == "unknown"


def test_an_offer_of_another_network_cannot_be_redeemed(pn):
    elsewhere = other_network(pn.app)
    number = pn.nominate("Humanitas", "Joop Visser")["number"]

    assert pn.redeem("Theater De Drommedaris", elsewhere["offer"], number=number).status_code == 404


def test_the_redeemed_event_satisfies_its_contract_and_is_audited(pn):
    offer = pn.offer("Theater De Drommedaris", "Twee voor één", usage="once")
    number = pn.nominate("Humanitas", "Joop Visser")["number"]

    done = pn.redeem("Theater De Drommedaris", offer, number=number).get_json()

    with pn.app.extensions["knoop"].db.reader() as session:
        row = session.execute(
            select(OutboxMessage.message, OutboxMessage.network_id).where(
                OutboxMessage.type == "appreciation.pass_redeemed.v1"
            )
        ).one()
        outcomes = list(session.scalars(select(RedemptionAttempt.outcome)))
        attempted = RedemptionAttempt.network_id, RedemptionAttempt.partner_id, RedemptionAttempt.at
        attempt = session.execute(select(*attempted)).one()
        redeemed = Redemption.network_id, Redemption.partner_id, Redemption.redeemed_at
        slot = session.execute(select(*redeemed)).one()
    message = row.message
    envelope, data = contracts.read(message)  # what every consumer does on receipt
    # Network, partner and moment are one parameter each for the three rows: each in its place.
    partner_id = pn.partners["Theater De Drommedaris"]["id"]
    assert tuple(attempt) == tuple(slot) and tuple(slot)[:2] == (row.network_id, partner_id)
    assert data["partner_id"] == partner_id and envelope["network_id"] == row.network_id
    # Written as given (contracts.check), it is already what the contract's dump makes of it.
    assert contracts.build("appreciation.pass_redeemed.v1", message["data"]) == message["data"]
    assert data["redemption_id"] == done["redemption_id"] and data["holder"]["name"] == "Joop Visser"
    assert data["network_name"] and data["redeemed_at"].tzinfo is not None
    assert envelope["network_id"] and outcomes == ["redeemed"]


def test_every_answer_is_what_the_documented_result_schema_gives(pn):
    """The endpoint writes its answer without dumping it through RedemptionResultSchema (it would
    only copy it): each kind of answer must still be exactly what the schema documents."""
    offer = pn.offer("Theater De Drommedaris", "Twee voor één", usage="once")
    number = pn.nominate("Humanitas", "Joop Visser")["number"]
    typo = number.replace(" ", "")[:-1] + str((int(number[-1]) + 1) % 10)
    answers = [pn.redeem("Theater De Drommedaris", offer, number=code) for code in (number, number, typo)]

    assert [a.status_code for a in answers] == [201, 409, 404]
    schema = RedemptionResultSchema()
    for answer in answers:
        body = answer.get_json()
        assert answer.mimetype == "application/json"
        assert set(body) == set(schema.fields) and schema.dump(body) == body
        assert all(value is None or isinstance(value, str) for value in body.values())


def test_a_token_revoked_after_it_was_remembered_cannot_redeem(pn):
    offer = pn.offer("Theater De Drommedaris", "Twee voor één")
    first, second = pn.nominate("Humanitas", "Joop Visser"), pn.nominate("Humanitas", "Fatima El Amrani")
    assert pn.redeem("Theater De Drommedaris", offer, number=first["number"]).status_code == 201
    with pn.app.extensions["knoop"].db.transaction() as session:
        session.execute(update(ApiToken).values(revoked_at=datetime.now(UTC)))

    # Still remembered by this process (TOKEN_SECONDS), but the redemption's own query refuses it.
    assert pn.redeem("Theater De Drommedaris", offer, number=second["number"]).status_code == 401


def test_every_attempt_is_audited_once_and_only_a_redemption_writes_an_event(pn):
    # On PostgreSQL slot, event and audit row are one statement (writable CTEs); on SQLite three.
    twice = pn.offer("Theater De Drommedaris", "Twee keer", usage="per_period", per_period=2, period="month")
    capped = pn.offer("Theater De Drommedaris", "Première", total_quantity=1)
    joop, fatima = pn.nominate("Humanitas", "Joop Visser"), pn.nominate("Humanitas", "Fatima El Amrani")

    outcomes = [pn.redeem("Theater De Drommedaris", twice, number=joop["number"]) for _ in range(3)]
    outcomes += [pn.redeem("Theater De Drommedaris", capped, number=p["number"]) for p in (joop, fatima)]
    outcomes.append(pn.redeem("Theater De Drommedaris", capped, number="00000000000"))

    with pn.app.extensions["knoop"].db.reader() as session:
        audited = list(session.scalars(select(RedemptionAttempt.outcome).order_by(RedemptionAttempt.id)))
        events = list(
            session.scalars(
                select(OutboxMessage.message).where(OutboxMessage.type == "appreciation.pass_redeemed.v1")
            )
        )
    answered = [answer.get_json()["outcome"] for answer in outcomes]
    assert answered == ["redeemed", "redeemed", "limit_reached", "redeemed", "sold_out", "unknown"]
    assert audited == answered
    redeemed = {a.get_json()["redemption_id"] for a in outcomes if a.status_code == 201}
    assert {contracts.read(m)[1]["redemption_id"] for m in events} == redeemed and len(events) == 3


def test_a_redemption_without_an_attempt_writes_its_event_and_no_audit_row(pn):
    # Both the counter page and the tills' API redeem with an attempt (redemptions.counter); without
    # one, `redeem` writes the slot and its event only.
    from services.appreciation.usecases.redemptions import redeem as redemptions
    from shared.identity import Principal, Role

    offer = pn.offer("Theater De Drommedaris", "Twee voor één", usage="once")
    pass_id = pn.nominate("Humanitas", "Joop Visser")["id"]
    db = pn.app.extensions["knoop"].db
    with db.reader() as session:
        network_id = session.scalar(select(Offer.network_id).where(Offer.id == offer))
    partner = Principal(
        Role.DISCOUNT_PARTNER, network_id, partner_id=pn.partners["Theater De Drommedaris"]["id"]
    )

    with db.transaction(network_id=network_id) as session:
        first = redemptions.redeem(session, partner, offer, pass_id=pass_id)
        again = redemptions.redeem(session, partner, offer, pass_id=pass_id)

    with db.reader() as session:
        audited = session.scalar(select(func.count()).select_from(RedemptionAttempt))
        redeemed = OutboxMessage.type == "appreciation.pass_redeemed.v1"
        events = list(session.scalars(select(OutboxMessage.message).where(redeemed)))
    assert first.redeemed and again.outcome == "already_used" and audited == 0
    assert [contracts.read(m)[1]["redemption_id"] for m in events] == [first.redemption_id]


@pytest.mark.parametrize("key", [None, "kassa-1"], ids=["plain", "idempotency-key"])
def test_a_capped_offer_gives_back_the_unit_a_pass_could_not_use(pn, key):
    """Counting down the offer and taking the slot commit together: a pass that already used the
    offer leaves the count as it was, so the last unit is still there for someone else."""
    offer = pn.offer("Theater De Drommedaris", "Première", usage="once", total_quantity=2)
    joop = pn.nominate("Humanitas", "Joop Visser")["number"]
    fatima = pn.nominate("Zonnebloem", "Fatima El Amrani")["number"]
    keys = iter([f"{key}-{n}" for n in range(3)] if key else [None] * 3)

    first = pn.redeem("Theater De Drommedaris", offer, number=joop, key=next(keys))
    again = pn.redeem("Theater De Drommedaris", offer, number=joop, key=next(keys))
    other = pn.redeem("Theater De Drommedaris", offer, number=fatima, key=next(keys))

    outcomes = [r.get_json()["outcome"] for r in (first, again, other)]
    assert outcomes == ["redeemed", "already_used", "redeemed"]
    with pn.app.extensions["knoop"].db.reader() as session:
        assert session.scalar(select(Offer.redeemed).where(Offer.id == offer)) == 2


def test_the_database_refuses_to_delete_an_offer_a_partner_or_a_pass_a_redemption_refers_to(pn):
    """Redemptions refer to their offer, partner and pass without foreign keys (see
    models.Redemption): the database keeps all three for ever instead."""
    offer = pn.offer("Theater De Drommedaris", "Twee voor één")
    pn.redeem("Theater De Drommedaris", offer, number=pn.nominate("Humanitas", "Joop Visser")["number"])
    db = pn.app.extensions["knoop"].db
    for table in (Offer, DiscountPartner, Pass):
        with pytest.raises(DBAPIError, match="never deleted"), db.transaction() as session:
            session.execute(delete(table))
    with db.reader() as session:
        assert session.scalar(select(func.count()).select_from(Offer)) == 1
        assert session.scalar(select(func.count()).select_from(Pass)) == 1
