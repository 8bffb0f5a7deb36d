"""A property-based run (schemathesis) over each service's OpenAPI document with every check, as
the network's coordinator: every answer is one the document promises (status, content type,
headers, body), schema-valid input is accepted, input the document rules out is refused, and nothing
answers 500. Every phase: the documents' examples, boundary cases (coverage), random cases
(fuzzing) for every operation, and sequences of calls that feed one answer's ids into the next
(stateful); bounded by MAX_EXAMPLES and reproducible by SEED.

The apps run in this process on SQLite, behind one werkzeug server on 127.0.0.1 that only this test
talks to: schemathesis' run engine cannot call a WSGI app directly for every check (its
`ignored_auth` probe hands werkzeug's test client a `max_redirects` it does not take).

A failure prints, per failing check, the request as a curl command and the answer; run this file
alone to reproduce it (same seed, same examples)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import Config
from schemathesis.engine import Status, StopReason, events, from_schema
from schemathesis.specs.openapi import unregister_string_format
from sqlalchemy import select
from werkzeug.serving import make_server

from deploy.local.gateway import PrefixRouter
from services.notifications.handlers import EVENT_HANDLERS as NOTIFICATION_HANDLERS
from services.recruitment.models import OutboxMessage
from shared.messaging.consumer import consume
from shared.web.schemas import FIRST_DAY, LAST_DAY
from tests.conftest import Stack
from tests.support.appreciation import replicate
from tests.support.databases import SERVICES
from tests.support.placements import partner_with_cohort
from tests.support.recruitment import network_with_members

pytestmark = pytest.mark.integration

SEED = 15
MAX_EXAMPLES = 50

# Rules no JSON Schema can state, because they compare fields, depend on the network's own records
# or on who calls: for these operations a schema-valid body may still be refused with 422 (and a
# message naming the field). Anything else that refuses schema-valid input fails the run.
RULES = {
    "POST /api/recruitment/organisations": "activities are keys of the network's own categories",
    "PATCH /api/recruitment/organisations/{organisation_id}": "activities are the network's categories",
    "POST /api/recruitment/cohorts": "the registration window ends after it opens; the partner exists",
    "POST /api/recruitment/cohorts/{cohort_id}/students/import": "the CSV's first line names the columns",
    "POST /api/recruitment/cohorts/{cohort_id}/meet-sessions": "a session ends after it starts",
    "PATCH /api/recruitment/cohorts/{cohort_id}": "the registration window ends after it opens",
    "PATCH /api/recruitment/meet-sessions/{meet_id}": "a session ends after it starts; seats ≥ sign-ups",
    "POST /api/recruitment/cohorts/{cohort_id}/placements": "a coordinator names the member organisation",
    "POST /api/recruitment/cohorts/{cohort_id}/allocation/adjust": "student and placement are the cohort's",
    "POST /api/recruitment/vacancies/{vacancy_id}/revise": "the end date is not before the start date",
    "GET /api/recruitment/tokens": "name exactly one holder: organisation_id or partner_id",
    "POST /api/recruitment/tokens": "name exactly one holder: organisation_id or partner_id",
    "POST /api/appreciation/events": "an event ends after it starts; sign-up closes before it starts",
    "PATCH /api/appreciation/events/{event_id}": "an event ends after it starts; places ≥ those taken",
    "POST /api/appreciation/passes": "a coordinator names one of the network's member organisations",
    "POST /api/appreciation/passes/import": "the CSV names its columns; a coordinator names a member",
}


@pytest.fixture(scope="module", autouse=True)
def plausible_days() -> Iterator[None]:
    """Days and moments as the documents bound them (a pattern on the year, 2000 to 2100). The
    generator's own dates span years 1 to 9999 and seldom meet the pattern, so it would give up
    on every operation with a date; bodies outside the range are still made by negative tests."""
    zones = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-10))])
    days = st.dates(FIRST_DAY, LAST_DAY)
    naive = st.datetimes(datetime(FIRST_DAY.year, 1, 1), datetime(LAST_DAY.year, 12, 31, 23, 59, 59))
    schemathesis.openapi.format("date", days.map(lambda day: day.isoformat()))
    schemathesis.openapi.format(
        "date-time", st.builds(lambda m, z: m.replace(tzinfo=z).isoformat(), naive, zones)
    )
    yield
    unregister_string_format("date")
    unregister_string_format("date-time")


def _config(token: str) -> Config:
    return Config.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": f"Bearer {token}"},
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
            "cache": {"enabled": False},
            "continue-on-failure": True,  # a failure does not end its operation's run early
            "operations": [
                {
                    "include-name": name,
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", "3xx", 401, 403, 404, 409, 422, 429]
                        }
                    },
                }
                for name in RULES
            ],
        }
    )


def _replicate_tokens(recruitment, notifications) -> None:
    """Notifications learns the API tokens from recruitment's events, as its worker would."""
    with recruitment.extensions["knoop"].db.reader() as session:
        messages = list(session.scalars(select(OutboxMessage.message).order_by(OutboxMessage.id)))
    kit = notifications.extensions["knoop"]
    for message in messages:
        if message["type"] in NOTIFICATION_HANDLERS:
            consume(kit, NOTIFICATION_HANDLERS, message)


@pytest.fixture(scope="module")
def served(sqlite_provider, redis_server, tmp_path_factory) -> Iterator[SimpleNamespace]:
    """The three apps on fresh SQLite databases, with a network, members and a cohort, served on
    127.0.0.1."""
    databases = {service: sqlite_provider.fresh(service) for service in SERVICES}
    stack = Stack(databases, redis_server.url, SimpleNamespace(port=1), tmp_path_factory.mktemp("fuzz"))
    # 429s would hide the code behind the public limits.
    stack.overrides = {"public_post_limit": "100000 per hour", "wrong_code_limit": "100000 per hour"}
    apps = {service: stack.app(service) for service in SERVICES}
    net = network_with_members(apps["recruitment"])
    partner_with_cohort(net).offer("Humanitas", "Huisbezoek", 2)
    replicate(apps["recruitment"], apps["appreciation"])
    _replicate_tokens(apps["recruitment"], apps["notifications"])
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, PrefixRouter(apps, default="recruitment"), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", coordinator=net.coordinator)
    server.shutdown()
    thread.join()
    stack.close()


def _failures(event: events.ScenarioFinished) -> list[str]:
    """Each failed check of a scenario: what was wrong, the request as curl, and the answer."""
    found = []
    for case_id, checks in event.recorder.checks.items():
        for check in (c for c in checks if c.failure_info is not None):
            failure, info = check.failure_info.failure, check.failure_info
            interaction = event.recorder.interactions.get(failure.case_id or case_id)
            response = interaction.response if interaction else None
            answer = f"{response.status_code} {response.content[:500]!r}" if response is not None else "-"
            found.append(
                f"[{event.phase.name}] {event.label}: {check.name}: {failure.title}\n"
                f"  {failure.message}\n  {info.code_sample}\n  -> {answer}"
            )
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_keeps_the_promises_of_its_document(served, service):
    config = _config(served.coordinator)
    schema = schemathesis.openapi.from_url(f"{served.url}/api/{service}/openapi.json", config=config)
    failures, cases, finished = [], 0, None
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            cases += len(event.recorder.cases)
            if event.status in (Status.FAILURE, Status.ERROR):
                failures += _failures(event)
        elif isinstance(event, events.NonFatalError):
            failures.append(f"error in {event.label}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            raise event.exception
        elif isinstance(event, events.EngineFinished):
            finished = event
    print(
        f"\n{service}: {cases} cases in {finished.running_time:.1f} s (seed {SEED}), {len(failures)} failures"
    )
    assert finished.stop_reason == StopReason.COMPLETED
    assert not failures, "\n\n".join(sorted(set(failures)))
