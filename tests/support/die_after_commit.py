"""A producer that is killed between its commit and the relay's wake-up (used by a crash test).

    python -m tests.support.die_after_commit ORGANISATION_TOKEN TITLE

Publishes one vacancy through the API; the moment the transaction holding the outbox row commits,
the process SIGKILLs itself, before the after-commit wake-up can reach the relay.
"""

import os
import signal
import sys

from sqlalchemy import event
from sqlalchemy.orm import Session

from services.recruitment import create_app
from tests.support.flows import bearer, draft


def main() -> None:
    token, title = sys.argv[1], sys.argv[2]
    client = create_app().test_client()
    vacancy = draft(client, token, title)

    @event.listens_for(Session, "after_commit", insert=True)
    def die(session):
        if session.info.get("outbox_pending"):
            os.kill(os.getpid(), signal.SIGKILL)

    client.post(f"/api/recruitment/vacancies/{vacancy['id']}/submit", headers=bearer(token))
    print("still alive: the kill did not happen", flush=True)
    sys.exit(3)


if __name__ == "__main__":
    main()
