"""Nomination files for tests, and running appreciation's chunk commands one at a time in this
process (what its worker does with `appreciation.continue_nominations`)."""

from __future__ import annotations

from sqlalchemy import select

from services.appreciation.handlers import command_handlers
from services.appreciation.models import OutboxMessage
from services.appreciation.usecases.imports import CONTINUE_NOMINATIONS
from shared.messaging.commands import run_command

# Seven rows: five people (one twice, in other capitals), one bad address.
LARGE = """name;email
Joop Visser;joop@example.org
Anna de Boer;anna@example.org
Piet Jansen;geen-adres
Fatima El Amrani;fatima@example.org
Kees Smit;kees@example.org
Joop Visser;JOOP@example.org
Els Bakker;els@example.org
"""
SMALL = "name;email\nJoop Visser;joop@example.org\nPiet;piet@\nAnna de Boer;anna@example.org\n"


def chunks(app) -> list[dict]:
    """The chunk commands appreciation queued for itself, in order."""
    with app.extensions["knoop"].db.reader() as session:
        query = select(OutboxMessage.message).where(OutboxMessage.type == CONTINUE_NOMINATIONS)
        return list(session.scalars(query.order_by(OutboxMessage.id)))


def run(app, message: dict) -> bool:
    """What appreciation's worker does with one command (False: it had run already)."""
    return run_command(
        app.extensions["knoop"], command_handlers(app.extensions["appreciation_links"]), message
    )


def run_one_chunk(app) -> None:
    """Run the first chunk that has not run yet (there must be one)."""
    assert any(run(app, message) for message in chunks(app))
