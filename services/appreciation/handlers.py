"""What appreciation does with the events it receives: keep its replicas of the registry current,
and give confirmed students a pass."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.appreciation.links import Links
from services.appreciation.models import ApiToken, NetworkReplica, OrganisationReplica
from services.appreciation.usecases import imports, invitations, passes, privacy
from services.appreciation.usecases.gatherings import CONTINUE_INVITATIONS
from shared.api_tokens import token_replica_handlers
from shared.db import utcnow
from shared.messaging.commands import Command, CommandHandler
from shared.messaging.inbox import Event, Handler


def replicate_network(session: Session, event: Event) -> None:
    data = event.data
    replica = session.get(NetworkReplica, data["network_id"]) or NetworkReplica(id=data["network_id"])
    replica.name, replica.slug = data["name"], data["slug"]
    session.add(replica)


def replicate_organisation(session: Session, event: Event) -> None:
    data = event.data
    replica = session.get(OrganisationReplica, data["organisation_id"]) or OrganisationReplica(
        id=data["organisation_id"], network_id=event.network_id
    )
    replica.name, replica.identity = data["name"], data["identity"]
    session.add(replica)


def remove_organisation(session: Session, event: Event) -> None:
    replica = session.get(OrganisationReplica, event.data["organisation_id"])
    if replica is not None:
        session.delete(replica)


def student_pass(links: Links) -> Handler:
    """recruitment.placement_confirmed.v1: a pass for the student, if the network's policy says so.
    Idempotent twice over: the inbox records the event, and a person has one active pass."""

    def issue_student_pass(session: Session, event: Event) -> None:
        passes.issue_for_student(session, event.network_id, event.data, links)

    return issue_student_pass


def personal_data(links: Links) -> Handler:
    """recruitment.personal_data_requested.v1: a person's access or erasure request, answered by event."""

    def answer(session: Session, event: Event) -> None:
        privacy.answer(session, event.network_id, event.data, utcnow(), links)

    return answer


_tokens = token_replica_handlers(ApiToken)


def next_invitations(links: Links) -> CommandHandler:
    """appreciation.continue_invitations (queued by itself): the next batch of a gathering's invitations."""

    def invite_next_batch(session: Session, command: Command) -> None:
        invitations.invite_batch(
            session, command.network_id, command.data["event_id"], command.data.get("after", ""), links
        )

    return invite_next_batch


def next_nominations(links: Links) -> CommandHandler:
    """appreciation.continue_nominations (queued by itself): the next chunk of a nomination file."""

    def nominate_next_chunk(session: Session, command: Command) -> None:
        data = command.data
        imports.continue_import(session, data["import_id"], data["start"], data["size"], links)

    return nominate_next_chunk


# The event that asked for the next batch before it became a command (2026-12): one still queued in
# Redis when a worker of this release takes over is run as the command it stands for (unsent outbox
# rows of it are rewritten by migration 0009).
LEGACY_COMMANDS = {"appreciation.invitations_continue.v1": CONTINUE_INVITATIONS}


def command_handlers(links: Links) -> dict[str, CommandHandler]:
    """The tasks appreciation queues for itself through its outbox (shared.messaging.commands)."""
    return {
        CONTINUE_INVITATIONS: next_invitations(links),
        imports.CONTINUE_NOMINATIONS: next_nominations(links),
    }


def event_handlers(links: Links) -> dict[str, list[Handler]]:
    """Every event appreciation receives and what it does with it."""
    return {
        **EVENT_HANDLERS,
        "recruitment.placement_confirmed.v1": [student_pass(links)],
        "recruitment.personal_data_requested.v1": [personal_data(links)],
    }


EVENT_HANDLERS: dict[str, list[Handler]] = {
    "recruitment.network_created.v1": [replicate_network],
    "recruitment.network_updated.v1": [replicate_network],
    "recruitment.organisation_admitted.v1": [replicate_organisation],
    "recruitment.organisation_updated.v1": [replicate_organisation],
    "recruitment.organisation_removed.v1": [remove_organisation],
    "recruitment.api_token_issued.v1": [_tokens["issued"]],
    "recruitment.api_token_revoked.v1": [_tokens["revoked"]],
}
