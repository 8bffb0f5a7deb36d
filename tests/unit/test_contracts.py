"""Every event type has a contract; samples round-trip; bad events are refused."""

import uuid

import pytest

from services.notifications.samples import SAMPLES
from shared import contracts
from shared.contracts.subscriptions import SUBSCRIPTIONS


@pytest.mark.parametrize("event_type", sorted(contracts.CONTRACTS))
def test_sample_of_every_contract_round_trips_through_an_envelope(event_type):
    data = contracts.build(event_type, SAMPLES[event_type])
    message = contracts.envelope(str(uuid.uuid4()), event_type, event_type.split(".")[0], "n1", data)
    envelope, received = contracts.read(message)
    assert envelope["type"] == event_type
    assert contracts.schema_for(event_type).dump(received) == data


@pytest.mark.parametrize("event_type", sorted(contracts.CONTRACTS))
def test_payload_missing_a_required_field_is_rejected(event_type):
    schema = contracts.schema_for(event_type)
    required = next(name for name, field in schema.fields.items() if field.required)
    bad = {k: v for k, v in SAMPLES[event_type].items() if k != required}
    with pytest.raises(contracts.ContractViolation) as caught:
        contracts.build(event_type, bad)
    assert required in caught.value.errors


def test_every_contract_has_a_sample_and_every_subscribed_type_a_contract():
    assert set(SAMPLES) == set(contracts.CONTRACTS)
    assert set(SUBSCRIPTIONS) <= set(contracts.CONTRACTS)


def test_event_type_names_read_producer_subject_verb_version():
    for event_type in contracts.CONTRACTS:
        producer, subject_verb, version = event_type.split(".")
        assert producer in ("recruitment", "appreciation", "notifications")
        assert "_" in subject_verb and version.startswith("v")


def test_consumer_ignores_unknown_fields_in_envelope_and_payload():
    event_type = "recruitment.organisation_admitted.v1"
    data = {**SAMPLES[event_type], "added_in_a_later_minor_change": True}
    message = {
        **contracts.envelope(str(uuid.uuid4()), event_type, "recruitment", "n1", data),
        "traceparent": "00-abc",
    }
    _, received = contracts.read(message)
    assert "added_in_a_later_minor_change" not in received


def test_envelope_with_unknown_type_or_bad_id_is_rejected():
    good = contracts.envelope(
        str(uuid.uuid4()),
        "recruitment.network_created.v1",
        "recruitment",
        None,
        SAMPLES["recruitment.network_created.v1"],
    )
    with pytest.raises(contracts.ContractViolation):
        contracts.read({**good, "type": "recruitment.unknown_thing.v1"})
    with pytest.raises(contracts.ContractViolation):
        contracts.read({**good, "id": "not-a-uuid"})


def test_producer_cannot_publish_a_payload_that_breaks_its_contract():
    sample = SAMPLES["recruitment.vacancy_published.v1"]
    with pytest.raises(contracts.ContractViolation) as caught:
        contracts.build("recruitment.vacancy_published.v1", {**sample, "contact_email": "nope"})
    assert "contact_email" in caught.value.errors


def test_check_refuses_what_build_refuses_and_passes_dumped_data_on_unchanged():
    event_type = "appreciation.pass_redeemed.v1"
    dumped = contracts.build(event_type, SAMPLES[event_type])
    assert contracts.check(event_type, dumped) is dumped
    bad = {**dumped, "holder": {**dumped["holder"], "email": "not an address"}}
    with pytest.raises(contracts.ContractViolation) as caught:
        contracts.check(event_type, bad)
    assert "holder" in caught.value.errors
