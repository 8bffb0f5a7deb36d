"""The quick way into a redemption request (quick_redeem_input) loads what RedeemInputSchema loads,
for the bodies tills send, and never passes a body the schema refuses."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from services.appreciation.api.schemas import RedeemInputSchema, quick_redeem_input

SCHEMA = RedeemInputSchema()
OFFER = "0b7c3c52-6f44-4c4c-9a39-3c1c2f8f6a10"


@pytest.mark.parametrize(
    "body",
    [
        {"offer_id": OFFER, "number": "1234 5678 9012"},
        {"offer_id": OFFER, "qr": "eyJwIjoiMSJ9.c2lnbmF0dXJl"},
        {"offer_id": OFFER, "number": "1234-5678-9012", "qr": None},
        {"offer_id": OFFER, "qr": "token", "number": None},
        {"offer_id": "", "number": "1"},  # the schema lets it through too: the offer is not found
    ],
)
def test_bodies_as_tills_send_them_load_as_the_schema_loads_them(body):
    assert quick_redeem_input(body) == SCHEMA.load(body)


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {},
        {"offer_id": OFFER},
        {"number": "1234"},
        {"offer_id": OFFER, "number": "1234", "qr": "token"},
        {"offer_id": OFFER, "number": ""},
        {"offer_id": OFFER, "number": "1" * 31},
        {"offer_id": OFFER, "number": 1234},
        {"offer_id": 7, "number": "1234"},
        {"offer_id": OFFER, "number": "12\n34"},
        {"offer_id": OFFER + "\x00", "number": "1234"},
        {"offer_id": OFFER, "qr": "\ud800"},  # half a character
        {"offer_id": OFFER, "number": "1234", "pass": "extra"},
    ],
)
def test_what_the_schema_refuses_the_quick_way_does_not_pass(body):
    assert quick_redeem_input(body) is None
    with pytest.raises(ValidationError):
        SCHEMA.load(body)


texts = st.one_of(
    st.none(), st.integers(), st.text(max_size=40), st.sampled_from(["", "1234 5678", "\r", "tok"])
)
bodies = st.one_of(
    st.dictionaries(st.sampled_from(["offer_id", "qr", "number", "other"]), texts, max_size=4),
    st.lists(texts, max_size=2),
    texts,
)


@settings(max_examples=2000, deadline=None)
@given(bodies)
def test_the_quick_way_never_passes_what_the_schema_refuses_and_loads_the_same(body):
    quick = quick_redeem_input(body)
    if quick is None:
        return  # the schema judges it, as before
    assert quick == SCHEMA.load(body)
