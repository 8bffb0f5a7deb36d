"""The invitation an appreciation event sends, for its organiser to see before and after
publishing: the very payload of `appreciation.invitations_sent.v1`, to one sample invitee."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.appreciation.links import Links
from services.appreciation.models import OrganisationReplica
from services.appreciation.usecases.gatherings import organised
from services.appreciation.usecases.invitations import invitations_sent
from shared.identity import Principal

# The preview travels inside a link: a description of up to 5,000 characters could pass the 4 KB
# request line a web server takes, so the preview shows its first 2,000.
PREVIEW_DESCRIPTION = 2000


def invitation_preview(
    session: Session, principal: Principal, gathering_id: str, fallback_name: str, language: str, links: Links
) -> dict:
    """The invitation the organiser's gathering sends (or sent), to one sample invitee: the viewer's
    member organisation by name, else `fallback_name`. Nothing is written."""
    gathering = organised(session, principal, gathering_id)
    member = principal.organisation_id and session.get(OrganisationReplica, principal.organisation_id)
    sample = {
        "name": member.name if member else fallback_name,
        "email": "voorbeeld@example.org",
        "language": language,
        "signup_url": links.url("/waardering/uitnodiging/voorbeeld"),
    }
    payload = invitations_sent(session, gathering, [sample])
    if len(payload["description"]) > PREVIEW_DESCRIPTION:
        payload["description"] = payload["description"][:PREVIEW_DESCRIPTION] + " …"
    return payload
