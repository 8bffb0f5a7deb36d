"""Whether a published vacancy fits a saved search: each filter of the vacancy bank on its own."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from services.recruitment.domain import matches, plain_text
from tests.unit.recruitment.fakes import co_publisher, organisation, vacancy

HOME_VISITS = SimpleNamespace(key="home-visits")


def test_an_empty_search_matches_every_vacancy():
    assert matches({}, vacancy())


def test_a_category_filter_matches_only_that_category():
    assert matches({"category": "home-visits"}, vacancy(category=HOME_VISITS))
    assert not matches({"category": "odd-jobs"}, vacancy(category=HOME_VISITS))


def test_a_category_filter_refuses_a_vacancy_without_category():
    assert not matches({"category": "home-visits"}, vacancy(category=None))


def test_an_area_filter_matches_a_vacancy_in_that_area():
    assert matches({"area": "Enkhuizen"}, vacancy(areas=["Enkhuizen", "Hoorn"]))
    assert not matches({"area": "Medemblik"}, vacancy(areas=["Enkhuizen"]))


def test_an_organisation_filter_matches_an_accepted_co_publisher():
    shared = vacancy(co_publishers=[co_publisher(organisation("o2"))])
    assert matches({"organisation": "o2"}, shared)
    assert not matches({"organisation": "o3"}, shared)


def test_the_students_filter_wants_a_vacancy_suitable_for_students():
    assert matches({"students": True}, vacancy(suitable_for_students=True))
    assert not matches({"students": True}, vacancy(suitable_for_students=False))


def test_the_no_vog_filter_refuses_a_vacancy_that_asks_for_a_vog():
    assert not matches({"no_vog": True}, vacancy(vog_required=True))


@pytest.mark.parametrize("long_term", [True, False])
def test_the_long_term_filter_matches_either_way_it_is_set(long_term):
    assert matches({"long_term": long_term}, vacancy(long_term=long_term))
    assert not matches({"long_term": long_term}, vacancy(long_term=not long_term))


def test_the_hours_filter_refuses_more_hours_than_asked_and_takes_unknown_hours():
    assert matches({"max_hours": 4}, vacancy(hours_per_week=4))
    assert not matches({"max_hours": 4}, vacancy(hours_per_week=5))
    assert matches({"max_hours": 4}, vacancy(hours_per_week=None))


def test_a_query_matches_when_every_query_stem_is_in_the_vacancy():
    assert matches({}, vacancy(), stems={"bezoek", "ouder", "thuis"}, query_stems={"bezoek", "ouder"})
    assert not matches({}, vacancy(), stems={"bezoek"}, query_stems={"bezoek", "klus"})


def test_plain_text_drops_markup_and_folds_whitespace():
    assert plain_text("<p>Een <strong>fijne</strong>\n  klus</p><script>x</script>") == "Een fijne klus"
