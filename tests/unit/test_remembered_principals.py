"""An API token's principal is remembered briefly, and only while the token is valid."""

from shared.api_tokens import RememberedPrincipals
from shared.identity import Principal

TOKEN = "knp_" + "x" * 43


class Lookups:
    """A fake authenticator that counts database lookups and answers what it is told."""

    def __init__(self, answer):
        self.answer, self.calls = answer, 0

    def __call__(self, token):
        self.calls += 1
        return self.answer


def test_a_valid_token_is_looked_up_once_within_the_period():
    lookups = Lookups(Principal(role="discount_partner", network_id="n1", partner_id="p1"))
    remembered = RememberedPrincipals(lookups, seconds=60)
    assert remembered(TOKEN) == remembered(TOKEN) == lookups.answer
    assert lookups.calls == 1


def test_an_unknown_or_revoked_token_is_never_remembered():
    lookups = Lookups(None)
    remembered = RememberedPrincipals(lookups, seconds=60)
    assert remembered(TOKEN) is None and remembered(TOKEN) is None
    assert lookups.calls == 2


def test_a_token_is_looked_up_again_after_the_period():
    lookups = Lookups(Principal(role="discount_partner", network_id="n1"))
    remembered = RememberedPrincipals(lookups, seconds=0)
    remembered(TOKEN), remembered(TOKEN)
    assert lookups.calls == 2
