"""The event contracts: one marshmallow schema per event type and version, owned by its producer."""

from __future__ import annotations

import functools

from marshmallow import ValidationError

from shared.contracts import appreciation, privacy, recruitment
from shared.contracts.envelope import EnvelopeSchema, envelope
from shared.contracts.quick_check import quick_check

CONTRACTS = {**recruitment.CONTRACTS, **appreciation.CONTRACTS, **privacy.CONTRACTS}


class ContractViolation(ValueError):
    """An event does not match its contract; it will never become valid by retrying."""

    def __init__(self, event_type: str, errors: dict):
        super().__init__(f"{event_type}: {errors}")
        self.errors = errors


def schema_for(event_type: str):
    """The contract schema instance for `event_type`."""
    try:
        return CONTRACTS[event_type]()
    except KeyError:
        raise ContractViolation(event_type, {"type": ["unknown event type"]}) from None


@functools.cache
def _producer_schema(event_type: str):
    # One instance per type for `build`: instantiating a schema costs more than loading with it,
    # and a schema that is only loaded and dumped is safe to share between threads.
    return schema_for(event_type)


def build(event_type: str, data: dict) -> dict:
    """Validate `data` against its contract (producers do this before writing) and dump it."""
    schema = _producer_schema(event_type)
    try:
        loaded = schema.load(data)  # validates: the same messages `validate` would give
    except ValidationError as exc:
        raise ContractViolation(event_type, exc.messages) from exc
    return schema.dump(loaded)


@functools.cache
def _quick_check(event_type: str):
    return quick_check(_producer_schema(event_type))


def check(event_type: str, data: dict) -> dict:
    """Validate `data`, already in the form `build` returns (strings, numbers, ISO timestamps),
    against its contract and return it as it is: for a hot path (a redemption at the counter),
    where dumping would only copy it. A quick look first (`quick_check`); whatever it does not
    pass, the contract's full load judges."""
    quick = _quick_check(event_type)
    if quick is not None and quick(data):
        return data
    try:
        _producer_schema(event_type).load(data)
    except ValidationError as exc:
        raise ContractViolation(event_type, exc.messages) from exc
    return data


def read(message: dict) -> tuple[dict, dict]:
    """Validate a received envelope and its payload; returns (envelope, data). Tolerant of extras."""
    try:
        env = EnvelopeSchema().load(message)
    except ValidationError as exc:
        raise ContractViolation(str(message.get("type")), exc.messages) from exc
    try:
        data = schema_for(env["type"]).load(env["data"])
    except ValidationError as exc:
        raise ContractViolation(env["type"], exc.messages) from exc
    return env, data


__all__ = ["CONTRACTS", "ContractViolation", "build", "check", "envelope", "read", "schema_for"]
