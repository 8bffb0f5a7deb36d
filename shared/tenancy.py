"""Every record belongs to a network: scoping happens here, in the data-access layer, not in views.

A session opened for a network (``db.transaction(network_id=...)``) only sees that network's rows of
every `NetworkScoped` model, and new rows are stamped with that network. A session opened without a
network (operators, relays, event handlers that carry the id themselves) sees everything.

Both kinds of unit of work (shared.db.UnitOfWork) carry their network in `info`, and `network_of` is
where it is read: by the ORM criteria below, and by the Core statements of a hot path that skip the
ORM (a redemption at the counter), which bind `required_network(unit)` into their own filter.
"""

from __future__ import annotations

from sqlalchemy import String, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, sessionmaker, with_loader_criteria


class CrossNetworkWrite(RuntimeError):
    """A session scoped to one network tried to write a row of another."""


class Unscoped(RuntimeError):
    """A statement that filters by network itself ran in a unit of work scoped to none."""


def network_of(unit) -> str | None:
    """The network a unit of work (an ORM session or a core unit) is scoped to; None: every network."""
    return unit.info.get("network_id")


def required_network(unit) -> str:
    """The unit's network, for Core statements that write the ORM's criteria into themselves: they
    have no "every network" to fall back to."""
    network_id = network_of(unit)
    if network_id is None:
        raise Unscoped("this statement needs a unit of work scoped to a network")
    return network_id


class NetworkScoped:
    """Mixin for every table whose rows belong to one network (tenant)."""

    network_id: Mapped[str] = mapped_column(String(36), index=True)


def _scope_reads(state: ORMExecuteState) -> None:
    network_id = network_of(state.session)
    if network_id is None or not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return  # refreshes and lazy loads of rows already in scope (SQLAlchemy's documented recipe)
    state.statement = state.statement.options(
        with_loader_criteria(
            NetworkScoped,
            lambda cls: cls.network_id == network_id,
            include_aliases=True,
            track_closure_variables=True,
        )
    )


def _stamp_writes(session: Session, _context, _instances) -> None:
    network_id = network_of(session)
    if network_id is None:
        return
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, NetworkScoped):
            continue
        if obj.network_id is None:
            obj.network_id = network_id
        elif obj.network_id != network_id:
            raise CrossNetworkWrite(f"{type(obj).__name__} of another network")


def scope_to_networks(sessions: sessionmaker) -> None:
    """Apply the network scoping to every session `sessions` makes (each Database does so for its
    own, when it is built)."""
    event.listen(sessions, "do_orm_execute", _scope_reads)
    event.listen(sessions, "before_flush", _stamp_writes)
