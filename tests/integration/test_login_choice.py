"""With more than one network and no default, the bare login page lets a person choose theirs,
keeping the page they were sent from."""

import pytest

from tests.support.flows import open_network, platform_token

pytestmark = pytest.mark.integration


def test_two_networks_are_listed_to_choose(stack):
    app = stack.app("recruitment")
    token = platform_token(app)
    for slug in ("enkhuizen", "hoorn"):
        open_network(app.test_client(), token, slug=slug)
    page = app.test_client().get("/inloggen?next=/portaal")
    assert page.status_code == 200
    assert 'href="/n/hoorn/inloggen?next=/portaal"' in page.get_data(as_text=True)
