"""Assemblies for the votes tests, built straight from the assemblies' models (their own
operations are tested in tests/assemblies): a roll, members present, proxies."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest

from governance.assemblies.models import (AgendaItem, Assembly, AssemblyStatus, Attendance, CallUsed, Kind, Proxy,
                                          ProxyStatus, RollEntry)
from governance.core import clock
from governance.extensions import db
from tests import factories


@dataclass
class Session:
    assembly: Assembly
    item: AgendaItem
    members: list
    users: list
    present: list = field(default_factory=list)

    def user_of(self, member):
        return self.users[self.members.index(member)]


def build_session(*, kind: str = "ordinary", status: str = "in_session", call: str = "first", voters: int = 5,
                  present: int | None = None, first_call_at: datetime | None = None, with_users: bool = True):
    now = clock.now()
    first = first_call_at or (now - timedelta(hours=1) if status in ("in_session", "closed") else now + timedelta(days=10))
    assembly = Assembly(kind=Kind(kind), status=AssemblyStatus(status), title="Assemblea dei soci",
                        first_call_at=first, second_call_at=first + timedelta(days=1), place="Sede",
                        published_on=None if status == "draft" else (first - timedelta(days=20)).date(),
                        call=CallUsed(call) if status in ("in_session", "closed") else None, created_at=now)
    item = AgendaItem(assembly=assembly, position=1, title="Mission", description="")
    db.session.add_all([assembly, item])
    db.session.flush()
    members = [factories.MemberFactory(admitted_on=date(2015, 1, 1)) for _ in range(voters)]
    users = [factories.UserFactory(roles=["member"], member=m) for m in members] if with_users else []
    if status in ("in_session", "closed"):
        for m in members:
            db.session.add(RollEntry(assembly_id=assembly.id, member_id=m.id, number=m.number, name=m.full_name))
    here = members[: voters if present is None else present]
    for m in here:
        if status in ("in_session", "closed"):
            db.session.add(Attendance(assembly_id=assembly.id, member_id=m.id, checked_in_at=now))
    db.session.flush()
    return Session(assembly, item, members, users, list(here))


def give_proxy(session: Session, delegator, delegate):
    proxy = Proxy(assembly_id=session.assembly.id, delegator_id=delegator.id, delegate_id=delegate.id,
                  status=ProxyStatus.ACTIVE, created_at=clock.now())
    db.session.add(proxy)
    db.session.flush()
    return proxy


@pytest.fixture
def session_factory():
    return build_session


MISSION_PROPOSAL = "1. Lavoriamo con la comunità locale.\n\n2. Rispettiamo i diritti di chi lavora."
