"""Redemptions per partner, offer and month: what partners and the coordinator count."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.appreciation.domain import access
from services.appreciation.domain.clock import LOCAL_TIME
from services.appreciation.models import DiscountPartner, Offer, Redemption
from shared.identity import Principal

# The columns of the figures as CSV, for the API and the partner's page alike.
COLUMNS = ("partner", "offer", "month", "redemptions")


def figures(session: Session, principal: Principal) -> list[dict]:
    """Redemptions per partner, offer and month: a partner its own, the coordinator all."""
    query = (
        select(DiscountPartner.name, Offer.title, Redemption.redeemed_at)
        .join(Offer, Offer.id == Redemption.offer_id)
        .join(DiscountPartner, DiscountPartner.id == Redemption.partner_id)
        .where(Redemption.undone_at.is_(None))
    )
    if principal.partner_id and not access.is_coordinator_of(principal, principal.network_id):
        query = query.where(Redemption.partner_id == principal.partner_id)
    counts: dict[tuple[str, str, str], int] = {}
    for partner, offer, at in session.execute(query):
        key = (partner, offer, at.astimezone(LOCAL_TIME).strftime("%Y-%m"))
        counts[key] = counts.get(key, 0) + 1
    return [
        {"partner": p, "offer": o, "month": m, "redemptions": n} for (p, o, m), n in sorted(counts.items())
    ]


def per_offer(rows: list[dict]) -> list[dict]:
    """The figures grouped by partner and offer, each with its months (oldest first) and the
    largest month's count, which sets the scale of that offer's bars."""
    grouped: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        grouped.setdefault((row["partner"], row["offer"]), []).append(row)
    return [
        {"partner": p, "offer": o, "months": months, "most": max(m["redemptions"] for m in months)}
        for (p, o), months in grouped.items()
    ]
