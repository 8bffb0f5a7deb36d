"""What the member's pages call statuses and choices, in words people use (translated in the
catalogue), and the CSRF check for simple action buttons."""

from __future__ import annotations

from flask import request
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError

from services.recruitment.domain import VacancyStatus
from shared.i18n import lazy_gettext as _l

# The order a member reads its vacancies in: what needs work first, what has ended last.
STATUS_ORDER = (
    VacancyStatus.DRAFT,
    VacancyStatus.SUBMITTED,
    VacancyStatus.PUBLISHED,
    VacancyStatus.FILLED,
    VacancyStatus.CLOSED,
    VacancyStatus.EXPIRED,
)
VACANCY_STATUS_NAMES = {
    VacancyStatus.DRAFT: _l("vacancy status: draft"),
    VacancyStatus.SUBMITTED: _l("vacancy status: submitted"),
    VacancyStatus.PUBLISHED: _l("vacancy status: published"),
    VacancyStatus.FILLED: _l("vacancy status: filled"),
    VacancyStatus.CLOSED: _l("vacancy status: closed"),
    VacancyStatus.EXPIRED: _l("vacancy status: expired"),
}
RESPONSE_STATUS_NAMES = {
    "new": _l("response status: new"),
    "contacted": _l("response status: contacted"),
    "started": _l("response status: started"),
    "declined": _l("response status: declined"),
}
INVITATION_STATUS_NAMES = {
    "invited": _l("invitation status: invited"),
    "accepted": _l("invitation status: accepted"),
    "declined": _l("invitation status: declined"),
}
FREQUENCY_NAMES = {
    "once": _l("frequency: once"),
    "weekly": _l("frequency: weekly"),
    "biweekly": _l("frequency: biweekly"),
    "monthly": _l("frequency: monthly"),
    "flexible": _l("frequency: flexible"),
}

PRIVACY_KIND_NAMES = {"access": _l("privacy request: access"), "erasure": _l("privacy request: erasure")}
PRIVACY_STATUS_NAMES = {
    "unconfirmed": _l("privacy status: unconfirmed"),
    "collecting": _l("privacy status: collecting"),
    "erasing": _l("privacy status: erasing"),
    "ready": _l("privacy status: ready"),
    "done": _l("privacy status: done"),
    "expired": _l("privacy status: expired"),
}
PRIVACY_SERVICE_NAMES = {
    "recruitment": _l("Vacancies and students"),
    "appreciation": _l("Pass and events"),
    "notifications": _l("Messages"),
}
PRIVACY_RECORD_NAMES = {
    "responses": _l("Responses to vacancies"),
    "alerts": _l("Vacancy alerts"),
    "students": _l("Registrations as a student"),
    "contact_for": _l("Contact person of an organisation"),
    "vacancy_contact_for": _l("Contact person of a vacancy"),
    "pass_holder": _l("Pass holder"),
    "passes": _l("Volunteer passes"),
    "redemptions": _l("Discounts used"),
    "invitations": _l("Appreciation events"),
    "partner_contact_for": _l("Contact person of a discount partner"),
    "nomination_rows": _l("Nomination lists"),
    "preferences": _l("Message preferences"),
    "messages": _l("Messages sent to you"),
}


def csrf_ok() -> bool:
    """Whether the posted form carries a valid CSRF token (for buttons without other fields)."""
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (CSRFError, ValidationError):
        return False
    return True


def template_labels() -> dict:
    return {
        "vacancy_status_name": lambda s: VACANCY_STATUS_NAMES.get(s, s),
        "response_status_name": lambda s: RESPONSE_STATUS_NAMES.get(s, s),
        "invitation_status_name": lambda s: INVITATION_STATUS_NAMES.get(s, s),
        "frequency_name": lambda s: FREQUENCY_NAMES.get(s, s),
        "privacy_kind_name": lambda s: PRIVACY_KIND_NAMES.get(s, s),
        "privacy_status_name": lambda s: PRIVACY_STATUS_NAMES.get(s, s),
        "privacy_service_name": lambda s: PRIVACY_SERVICE_NAMES.get(s, s),
        "privacy_record_name": lambda s: PRIVACY_RECORD_NAMES.get(s, s),
    }
