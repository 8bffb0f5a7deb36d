"""The public vacancy bank's search: Dutch stemming, filters, sort, pages, feeds, embedding."""

import xml.etree.ElementTree as ET

import pytest

from tests.support.recruitment import network_with_members

pytestmark = pytest.mark.integration


@pytest.fixture
def bank(stack):
    app = stack.app("recruitment")
    net = network_with_members(app)
    net.publish(
        "Humanitas",
        title="Maatje voor eenzame ouderen",
        category="buddy-care",
        areas=["Binnenstad"],
        hours_per_week=2,
        long_term=True,
        description="<p>Wekelijks bezoeken bij vrijwilligers.</p>",
    )
    net.publish(
        "Zonnebloem",
        co_publishers=("Present",),
        title="Begeleider dagjes uit",
        category="outings",
        areas=["Oost"],
        hours_per_week=4,
        suitable_for_students=True,
    )
    net.publish(
        "Present",
        title="Klussen in huis",
        category="odd-jobs",
        areas=["West"],
        hours_per_week=3,
        vog_required=True,
        description="<p>Een vrijwilliger met handige handen.</p>",
    )
    net.draft("Humanitas", title="Maatje concept, niet gepubliceerd")
    return net


def titles(net, **params) -> list[str]:
    response = net.client.get("/api/recruitment/vacancies", query_string={"network": net.slug, **params})
    assert response.status_code == 200, response.get_json()
    return [v["title"] for v in response.get_json()["items"]]


def test_dutch_words_match_their_other_forms(bank):
    assert titles(bank, q="maatjes") == ["Maatje voor eenzame ouderen"]
    assert set(titles(bank, q="vrijwilliger")) == {"Maatje voor eenzame ouderen", "Klussen in huis"}
    assert titles(bank, q="bezoek") == ["Maatje voor eenzame ouderen"]
    assert titles(bank, q="zwemles") == []


def test_filters_combine_with_text(bank):
    assert titles(bank, category="outings") == ["Begeleider dagjes uit"]
    assert titles(bank, area="West") == ["Klussen in huis"]
    assert titles(bank, students="true") == ["Begeleider dagjes uit"]
    assert "Klussen in huis" not in titles(bank, no_vog="true")
    assert titles(bank, long_term="true") == ["Maatje voor eenzame ouderen"]
    assert titles(bank, q="vrijwilliger", no_vog="true") == ["Maatje voor eenzame ouderen"]


def test_an_organisation_filter_includes_its_co_published_vacancies(bank):
    assert set(titles(bank, organisation=bank.id("Present"))) == {"Begeleider dagjes uit", "Klussen in huis"}


def test_sort_and_pages(bank):
    assert titles(bank, sort="hours") == [
        "Maatje voor eenzame ouderen",
        "Klussen in huis",
        "Begeleider dagjes uit",
    ]
    first = bank.client.get(
        "/api/recruitment/vacancies", query_string={"network": bank.slug, "per_page": 2, "page": 1}
    ).get_json()
    second = titles(bank, per_page=2, page=2)
    assert first["has_more"] is True and first["total"] is None and len(first["items"]) == 2
    assert len(second) == 1 and second[0] not in [v["title"] for v in first["items"]]
    last = bank.client.get(
        "/api/recruitment/vacancies", query_string={"network": bank.slug, "per_page": 2, "page": 2}
    ).get_json()
    assert last["has_more"] is False and last["total"] == 3


def test_bad_search_arguments_get_field_messages(bank):
    response = bank.client.get(
        "/api/recruitment/vacancies", query_string={"network": bank.slug, "per_page": 1000, "sort": "random"}
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"per_page", "sort"}


def test_another_networks_vacancies_stay_out_of_this_bank(stack, bank):
    other = network_with_members(stack.app("recruitment"), slug="haarlem")
    other.publish("Humanitas", title="Maatje in Haarlem")
    assert "Maatje in Haarlem" not in titles(bank, q="maatje")
    assert titles(other, q="maatje") == ["Maatje in Haarlem"]


def test_search_page_is_shareable_and_keeps_its_filters(bank):
    page = bank.client.get(f"/n/{bank.slug}?q=maatjes&area=Binnenstad").get_data(as_text=True)
    assert "1 vacature gevonden" in page and "Maatje voor eenzame ouderen" in page
    assert 'value="maatjes"' in page and '<option value="Binnenstad" selected>' in page
    english = bank.client.get(f"/n/{bank.slug}?q=maatjes&lang=en").get_data(as_text=True)
    assert "1 vacancy found" in english


def test_atom_and_rss_feeds_follow_the_filters(bank):
    atom = ET.fromstring(bank.client.get(f"/n/{bank.slug}/feed.atom?category=odd-jobs").data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.find("a:title", ns).text for e in atom.findall("a:entry", ns)] == ["Klussen in huis"]
    rss = ET.fromstring(bank.client.get(f"/n/{bank.slug}/feed.rss").data)
    assert len(rss.findall("./channel/item")) == 3


def test_embed_snippet_may_be_framed_by_members_websites(bank):
    response = bank.client.get(f"/n/{bank.slug}/embed?limit=2")
    assert response.status_code == 200 and "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert response.get_data(as_text=True).count("<li>") == 2
    page = bank.client.get(f"/n/{bank.slug}").get_data(as_text=True)
    assert f"n/{bank.slug}/embed" in page


@pytest.mark.parametrize(
    "path",
    [
        "/n/{slug}?per_page=1&slug=x",
        "/n/{slug}?endpoint=x&_method=y&page=2",
        "/n/{slug}/embed?limit=²",
        "/n/{slug}?q=%00",
    ],
)
def test_odd_query_strings_never_break_the_pages(bank, path):
    assert bank.client.get(path.format(slug=bank.slug)).status_code == 200


def test_an_unknown_category_is_a_field_error(bank):
    response = bank.client.post(
        "/api/recruitment/vacancies",
        headers=bank.token("Humanitas"),
        json={"title": "Onbekend", "category": "skydiving"},
    )
    assert response.status_code == 422 and "category" in response.get_json()["errors"]


def test_control_characters_are_refused_with_a_field_message(bank):
    response = bank.client.get(
        "/api/recruitment/vacancies", query_string={"network": bank.slug, "q": "a\x00b"}
    )
    assert response.status_code == 422 and "q" in response.get_json()["errors"]
