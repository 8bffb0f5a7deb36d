"""Alerts: double opt-in, matching, one-click unsubscribe, daily digests."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import pytest

from services.recruitment.usecases import alerts
from tests.support.recruitment import events, network_with_members

pytestmark = pytest.mark.integration


@pytest.fixture
def app(stack):
    return stack.app("recruitment")


def subscribe(net, **criteria):
    body = {"network": net.slug, "email": "Sanne@Example.org", **criteria}
    response = net.client.post("/api/recruitment/alerts", json=body)
    assert response.status_code == 202, response.get_json()
    return response.get_json()


def follow(net, url: str, method: str = "get"):
    parts = urlparse(url)
    return getattr(net.client, method)(parts.path + (f"?{parts.query}" if parts.query else ""))


def confirm_last(app, net):
    request = events(app, "recruitment.alert_requested.v1")[-1]
    response = follow(net, request["confirm_url"])
    assert response.status_code == 200 and "Je melding is actief" in response.get_data(as_text=True)


def test_nothing_is_sent_before_the_subscriber_confirms(app):
    net = network_with_members(app)
    receipt = subscribe(net, q="maatje")
    assert receipt["confirmed"] is False
    net.publish("Humanitas", title="Maatje gezocht")
    assert events(app, "recruitment.alert_due.v1") == []
    [request] = events(app, "recruitment.alert_requested.v1")
    assert request["subscriber"]["email"] == "sanne@example.org" and request["description"] == "maatje"


def test_a_confirmed_alert_gets_matching_vacancies_only(app):
    net = network_with_members(app)
    subscribe(net, q="maatjes", area="Binnenstad")
    confirm_last(app, net)
    net.publish("Humanitas", title="Maatje gezocht", areas=["Binnenstad"])
    net.publish("Humanitas", title="Maatje in Oost", areas=["Oost"])
    net.publish("Present", title="Klusser gezocht", areas=["Binnenstad"])
    [alert] = events(app, "recruitment.alert_due.v1")
    assert [v["title"] for v in alert["vacancies"]] == ["Maatje gezocht"]
    assert alert["frequency"] == "immediately" and alert["unsubscribe_post_url"].startswith("http")


def test_one_click_unsubscribe_stops_every_later_alert(app):
    net = network_with_members(app)
    subscribe(net)
    confirm_last(app, net)
    net.publish("Humanitas", title="Eerste")
    [alert] = events(app, "recruitment.alert_due.v1")
    assert follow(net, alert["unsubscribe_post_url"], "post").status_code == 204
    net.publish("Humanitas", title="Tweede")
    assert len(events(app, "recruitment.alert_due.v1")) == 1
    assert net.client.post("/api/recruitment/alerts/unsubscribe/forged").status_code == 404


def test_the_unsubscribe_page_asks_before_it_acts(app):
    net = network_with_members(app)
    subscribe(net)
    confirm_last(app, net)
    net.publish("Humanitas", title="Eerste")
    [alert] = events(app, "recruitment.alert_due.v1")
    assert "Stop deze melding" in follow(net, alert["unsubscribe_url"]).get_data(as_text=True)
    assert "Je bent afgemeld" in follow(net, alert["unsubscribe_url"], "post").get_data(as_text=True)
    net.publish("Humanitas", title="Tweede")
    assert len(events(app, "recruitment.alert_due.v1")) == 1


def test_daily_subscribers_get_one_digest_of_the_days_matches(app):
    net = network_with_members(app)
    subscribe(net, frequency="daily", category="buddy-care")
    confirm_last(app, net)
    net.publish("Humanitas", title="Maatje een", category="buddy-care")
    net.publish("Humanitas", title="Maatje twee", category="buddy-care")
    net.publish("Zonnebloem", title="Uitje", category="outings")
    assert events(app, "recruitment.alert_due.v1") == []  # not immediately
    db, links = app.extensions["knoop"].db, app.extensions["recruitment_links"]
    tomorrow = datetime.now(UTC) + timedelta(days=1, minutes=1)
    for _ in range(2):  # the hourly beat runs again: no second digest the same day
        with db.transaction() as session:
            alerts.send_digests(session, tomorrow, links)
    [digest] = events(app, "recruitment.alert_due.v1")
    assert digest["frequency"] == "daily"
    assert [v["title"] for v in digest["vacancies"]] == ["Maatje een", "Maatje twee"]


def test_bad_alert_input_gets_field_messages(app):
    net = network_with_members(app)
    response = net.client.post(
        "/api/recruitment/alerts", json={"network": net.slug, "email": "nope", "frequency": "hourly"}
    )
    assert response.status_code == 422 and {"email", "frequency"} <= set(response.get_json()["errors"])
