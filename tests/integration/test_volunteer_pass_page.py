"""The volunteer's pass page links what the pass is for: the offers they may use, the events they
are invited to (each to its personal invitation page), and their e-mail preferences."""

import re
from html import unescape
from urllib.parse import urlparse

import pytest

from tests.support.appreciation import pass_network, publish

pytestmark = pytest.mark.integration

THEATRE = "Theater De Drommedaris"


@pytest.fixture
def pn(stack):
    pn = pass_network(stack)
    pn.admit_partner(THEATRE)
    return pn


def pass_page(pn, email: str) -> str:
    path = urlparse(pn.issued(email)["pass_url"]).path
    answer = pn.client.get(path)
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def links_in(page: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', page)]


def test_the_pass_page_shows_an_offer_the_holder_may_use_with_partner_and_discount(pn):
    pn.offer(THEATRE, "Twee kaartjes voor de prijs van één")
    pn.nominate("Humanitas", "Joop Visser")
    page = pass_page(pn, "joop@example.org")
    assert "Twee kaartjes voor de prijs van één" in page and THEATRE in page


def test_the_pass_page_shows_an_event_they_are_invited_to_linking_their_invitation(pn):
    pn.nominate("Humanitas", "Joop Visser")
    publish(pn, title="Vrijwilligersdag")
    page = pass_page(pn, "joop@example.org")
    assert "Je evenementen" in page and "Vrijwilligersdag" in page and "Uitgenodigd" in page
    [invitation] = [link for link in links_in(page) if "/waardering/uitnodiging/" in link]
    opened = pn.client.get(urlparse(invitation).path)
    assert opened.status_code == 200 and "Vrijwilligersdag" in opened.get_data(as_text=True)


def test_a_holder_without_invitations_is_told_so(pn):
    pn.nominate("Humanitas", "Joop Visser")
    assert "Op dit moment geen uitnodigingen." in pass_page(pn, "joop@example.org")


def test_the_pass_page_links_the_one_click_preferences_page_of_notifications(pn, stack):
    pn.nominate("Humanitas", "Joop Visser")
    page = pass_page(pn, "joop@example.org")
    assert "Welke e-mails je van ons krijgt" in page
    [preferences] = [link for link in links_in(page) if "/berichten/afmelden/" in link]
    opened = stack.app("notifications").test_client().get(urlparse(preferences).path)
    assert opened.status_code == 200
