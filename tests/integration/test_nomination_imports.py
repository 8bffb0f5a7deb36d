"""Nominating from a large CSV file: above the inline limit (3 here) the file becomes a job that
appreciation's own worker nominates a chunk (3 rows) per command; the page and the API show its
progress and then the same per-row report as a small file, only to whoever sent it. And the
coordinator nominates through the API for a member it names."""

from io import BytesIO

import pytest
import schemathesis

from tests.support.appreciation import appreciation_events, pass_network, run_own_events
from tests.support.appreciation import page_session as browser
from tests.support.nomination_files import LARGE, SMALL, chunks, run, run_one_chunk
from tests.support.placements import csrf

pytestmark = pytest.mark.integration


@pytest.fixture
def pn(stack):
    stack.overrides = {"nomination_inline_rows": 3, "nomination_chunk_rows": 3}
    return pass_network(stack)


def issued(app) -> list[str]:
    return sorted(e["holder"]["email"] for e in appreciation_events(app, "appreciation.pass_issued.v1"))


def upload(client, csv: str, **fields):
    page = client.get("/waardering/nominaties/nieuw").get_data(as_text=True)
    data = {"csrf_token": csrf(page), "file": (BytesIO(csv.encode()), "vrijwilligers.csv"), **fields}
    return client.post("/waardering/nominaties/bestand", data=data, content_type="multipart/form-data")


def documented(app, method: str, path: str):
    """The operation of appreciation's OpenAPI document, to validate answers against."""
    return schemathesis.openapi.from_wsgi("/api/appreciation/openapi.json", app)[path][method]


def test_a_small_file_is_still_answered_with_its_report_at_once(pn):
    answer = upload(browser(pn, "Humanitas"), SMALL)
    assert answer.status_code == 200
    assert "2 voorgedragen, 0 met al een pas, 1 geweigerd" in answer.get_data(as_text=True)
    api = pn.api("post", "/passes/import", who="Zonnebloem", data=SMALL.encode(), content_type="text/csv")
    assert api.status_code == 200 and api.get_json()["summary"] == {"issued": 0, "existing": 2, "refused": 1}
    assert chunks(pn.app) == []


def test_a_large_file_shows_its_progress_and_then_the_report_only_to_its_member(pn):
    member = browser(pn, "Humanitas")
    started = upload(member, LARGE)
    assert started.status_code == 303 and started.location.startswith("/waardering/nominaties/bestand/")
    waiting = member.get(started.location).get_data(as_text=True)
    assert "0 van 7 rijen verwerkt" in waiting and 'data-refresh="2"' in waiting
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in waiting  # without JS too
    assert 'aria-live="polite"' in waiting and '<progress max="7" value="0"' in waiting
    assert issued(pn.app) == []

    run_one_chunk(pn.app)
    partial = member.get(started.location).get_data(as_text=True)
    assert "3 van 7 rijen verwerkt" in partial and 'data-refresh="2"' in partial
    assert issued(pn.app) == ["anna@example.org", "joop@example.org"]

    run_own_events(pn.app)
    done = member.get(started.location).get_data(as_text=True)
    assert "7 van 7 rijen verwerkt" in done and "refresh" not in done and "progress.js" not in done
    assert "5 voorgedragen, 1 met al een pas, 1 geweigerd" in done
    assert "geen-adres" in done and "het e-mailadres is niet geldig" in done
    assert issued(pn.app) == [f"{n}@example.org" for n in ("anna", "els", "fatima", "joop", "kees")]
    assert len(pn.api("get", "/passes", who="Humanitas").get_json()) == 5
    assert browser(pn, "Zonnebloem").get(started.location).status_code == 404
    assert browser(pn).get(started.location).status_code == 404


def test_a_chunk_asked_for_again_nominates_nobody_twice(pn):
    started = pn.api("post", "/passes/import", who="Humanitas", data=LARGE.encode(), content_type="text/csv")
    assert started.status_code == 202
    [first] = chunks(pn.app)
    assert run(pn.app, first) and not run(pn.app, first)  # a redelivery: the inbox knows it
    assert run(pn.app, {**first, "id": "the-same-chunk-queued-twice"})  # runs, finds it done
    progress = pn.api("get", f"/passes/imports/{started.get_json()['id']}", who="Humanitas").get_json()
    assert (progress["done"], progress["issued"], progress["status"]) == (3, 2, "running")
    assert issued(pn.app) == ["anna@example.org", "joop@example.org"]
    run_own_events(pn.app)
    for message in chunks(pn.app):  # every chunk once more, as a crash and a retry would
        run(pn.app, {**message, "id": message["id"][:-4] + "copy"})
    progress = pn.api("get", f"/passes/imports/{started.get_json()['id']}", who="Humanitas").get_json()
    assert progress["report"]["summary"] == {"issued": 5, "existing": 1, "refused": 1}
    assert len(issued(pn.app)) == 5 and len(chunks(pn.app)) == 3


def test_the_api_answers_a_large_file_with_a_job_to_follow_and_its_report_when_done(pn):
    started = pn.api("post", "/passes/import", who="Humanitas", data=LARGE.encode(), content_type="text/csv")
    documented(pn.app, "POST", "/api/appreciation/passes/import").validate_response(started)
    body = started.get_json()
    assert started.status_code == 202 and started.headers["Location"] == body["url"]
    assert (body["status"], body["total"]) == ("queued", 7)
    path = body["url"].removeprefix("/api/appreciation")
    progress = documented(pn.app, "GET", "/api/appreciation/passes/imports/{import_id}")
    assert path == f"/passes/imports/{body['id']}"
    run_one_chunk(pn.app)
    partial = pn.api("get", path, who="Humanitas")
    progress.validate_response(partial)
    assert (partial.get_json()["done"], partial.get_json()["report"]) == (3, None)
    run_own_events(pn.app)
    done = pn.api("get", path, who="Humanitas")
    progress.validate_response(done)
    report = done.get_json()["report"]
    assert done.get_json()["status"] == "done" and done.get_json()["finished_at"]
    assert [r["outcome"] for r in report["rows"]] == ["issued", "issued", "refused"] + ["issued"] * 2 + [
        "existing",
        "issued",
    ]
    assert report["rows"][2] == {
        "line": 4,
        "outcome": "refused",
        "reason": "e-mail address is not valid",
        "email": "geen-adres",
    }
    assert pn.api("get", path, who="Zonnebloem").status_code == 404
    assert pn.api("get", path).status_code == 404  # the coordinator did not send it
    assert pn.api("get", "/passes/imports/no-such-job", who="Humanitas").status_code == 404


def test_the_coordinator_nominates_through_the_api_for_a_member_it_names(pn):
    person = {"name": "Joop Visser", "email": "joop@example.org"}
    unnamed = pn.api("post", "/passes", json=person)
    assert unnamed.status_code == 422 and "organisation_id" in unnamed.get_json()["errors"]
    stranger = pn.api("post", "/passes", json={**person, "organisation_id": "not-a-member"})
    assert stranger.status_code == 422
    assert stranger.get_json()["errors"]["organisation_id"] == [
        "choose one of the network's member organisations"
    ]
    humanitas = pn.net.id("Humanitas")
    other = pn.api("post", "/passes", who="Zonnebloem", json={**person, "organisation_id": humanitas})
    assert other.status_code == 422 and "organisation_id" in other.get_json()["errors"]
    done = pn.api("post", "/passes", json={**person, "organisation_id": humanitas})
    assert (
        done.status_code == 201 and len(done.get_json()["pass"]["number"]) > 9
    )  # in full for the coordinator
    assert [p["organisations"] for p in pn.api("get", "/passes").get_json()] == [[humanitas]]
    assert issued(pn.app) == ["joop@example.org"]


def test_the_coordinator_sends_a_file_for_a_member_and_only_the_coordinator_follows_it(pn):
    def send(csv: str, **query):
        return pn.api(
            "post", "/passes/import", data=csv.encode(), content_type="text/csv", query_string=query
        )

    unnamed = send(SMALL)
    assert unnamed.status_code == 422 and "organisation_id" in unnamed.get_json()["errors"]
    assert send(LARGE, organisation_id="not-a-member").status_code == 422
    assert chunks(pn.app) == []
    zonnebloem = pn.net.id("Zonnebloem")
    small = send(SMALL, organisation_id=zonnebloem)
    assert small.status_code == 200 and small.get_json()["summary"]["issued"] == 2
    large = send(LARGE, organisation_id=zonnebloem)
    assert large.status_code == 202
    run_own_events(pn.app)
    path = large.get_json()["url"].removeprefix("/api/appreciation")
    assert pn.api("get", path).get_json()["report"]["summary"] == {"issued": 3, "existing": 3, "refused": 1}
    assert pn.api("get", path, who="Zonnebloem").status_code == 404
    assert len(pn.api("get", "/passes", who="Zonnebloem").get_json()) == 5
    page = browser(pn)
    assert "7 van 7 rijen verwerkt" in page.get(
        f"/waardering/nominaties/bestand/{large.get_json()['id']}"
    ).get_data(as_text=True)
