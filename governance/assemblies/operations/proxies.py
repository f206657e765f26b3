"""Proxies (DOMAIN.md §4, arts. 2372 and 2539 c.c.): given by the delegator from their
page or recorded by the secretary with the paper's scan, declined by the delegate,
revoked until the session opens. The rules are rules.proxy_problem; the guarantees
under concurrent requests are the assembly row lock (the cap) and the partial UNIQUE
index (one live proxy per delegator)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ...auth.models import User, UserRole
from ...core import audit, clock
from ...core.errors import Conflict, DomainError
from ...core.permissions import Role
from ...extensions import db
from ...members.models import Member
from ...statute.queries import value_on
from .. import documents, notifications, queries, rules
from ..models import Assembly, AssemblyStatus, Proxy, ProxyStatus
from .common import lock

MESSAGES = {
    "proxy_not_entitled": lambda: _("Both members must be on the roll of voters of this assembly."),
    "proxy_barred": lambda: _("Board members and auditors may not be delegates (art. 2372 c.c.)."),
    "proxy_duplicate": lambda: _("One delegate per delegator, no proxy to oneself and no sub-delegation: "
                                 "this proxy is not possible."),
}


def is_board_or_auditor(member_id: int) -> bool:
    return bool(db.session.scalar(
        sa.select(sa.func.count()).select_from(UserRole).join(User, User.id == UserRole.user_id)
        .where(User.member_id == member_id, UserRole.role.in_([Role.BOARD, Role.AUDITOR]))))


def _proxy_member(assembly: Assembly, member: Member) -> rules.ProxyMember:
    return rules.ProxyMember(
        number=member.number, on_roll=queries.on_roll(assembly, member),
        is_board_or_auditor=is_board_or_auditor(member.id),
        has_delegated=queries.proxy_given_by(assembly, member.id) is not None,
        proxies_held=len(queries.proxies_held_by(assembly, member.id)))


def eligible_delegates(assembly: Assembly, delegator: Member, limit: int = 500):
    """Members a delegator may choose: on the roll, not board or auditor, not delegating,
    under the cap (one query)."""
    cap = int(value_on("max_proxies_per_delegate", assembly.session_day()))
    held = (sa.select(Proxy.delegate_id, sa.func.count().label("n")).where(
        Proxy.assembly_id == assembly.id, Proxy.status == ProxyStatus.ACTIVE).group_by(Proxy.delegate_id).subquery())
    delegating = sa.select(Proxy.delegator_id).where(Proxy.assembly_id == assembly.id,
                                                     Proxy.status == ProxyStatus.ACTIVE)
    barred = (sa.select(User.member_id).join(UserRole, UserRole.user_id == User.id)
              .where(User.member_id.is_not(None), UserRole.role.in_([Role.BOARD, Role.AUDITOR])))
    return list(db.session.scalars(
        sa.select(Member).outerjoin(held, held.c.delegate_id == Member.id)
        .where(queries.live_roll_condition(assembly.session_day()), Member.id != delegator.id,
               Member.id.not_in(delegating), Member.id.not_in(barred),
               sa.func.coalesce(held.c.n, 0) < cap)
        .order_by(Member.last_name, Member.first_name).limit(limit)))


def give_proxy(assembly: Assembly, delegator: Member, delegate: Member, actor, *,
               scan: tuple[str, bytes] | None = None) -> Proxy:
    lock(assembly)  # proxies for one assembly are given one at a time: the cap holds
    if assembly.status == AssemblyStatus.DRAFT:
        raise Conflict("not_convened", _("Proxies are given once the assembly is convened."))
    day = assembly.session_day()
    allowed = bool(value_on("proxies_allowed", day))
    cap = int(value_on("max_proxies_per_delegate", day)) if allowed else 0
    problem = rules.proxy_problem(_proxy_member(assembly, delegator), _proxy_member(assembly, delegate),
                                  max_per_delegate=cap,
                                  session_open=assembly.status != AssemblyStatus.CONVENED)
    if problem == "session_open":
        raise Conflict("session_open", _("The session has opened: proxies can no longer be given or revoked."))
    if problem == "proxy_cap":
        raise DomainError("proxy_cap", _("%(name)s already holds %(n)d proxies, the most allowed (art. 2539 c.c.).",
                                         name=delegate.full_name, n=cap), field="delegate")
    if problem:
        raise DomainError(problem, MESSAGES[problem](), field="delegate")
    stored = None
    if scan is not None:
        documents.checked_upload(scan[0], scan[1], field="scan", only_pdf=False)
        stored, _digest = documents.store(scan[1])
    proxy = Proxy(assembly_id=assembly.id, delegator_id=delegator.id, delegate_id=delegate.id,
                  status=ProxyStatus.ACTIVE, created_at=clock.now(), created_by_id=getattr(actor, "id", None),
                  scan_stored_name=stored)
    db.session.add(proxy)
    db.session.flush()
    audit.record(actor, "assembly.proxy_give", proxy,
                 summary=f"assembly {assembly.id}: n. {delegator.number} -> n. {delegate.number}"
                 + (" (paper)" if stored else ""))
    notifications.proxy_received(assembly, proxy)
    return proxy


def _end(proxy: Proxy, status: ProxyStatus, actor, action: str) -> Proxy:
    assembly = lock(db.session.get(Assembly, proxy.assembly_id))
    db.session.refresh(proxy)
    if assembly.status != AssemblyStatus.CONVENED:
        raise Conflict("session_open", _("The session has opened: proxies can no longer be given or revoked."))
    if proxy.status != ProxyStatus.ACTIVE:
        raise Conflict("proxy_ended", _("This proxy is already %(status)s.", status=proxy.status.label.lower()))
    proxy.status, proxy.ended_at = status, clock.now()
    db.session.flush()
    audit.record(actor, action, proxy, summary=f"assembly {assembly.id}: proxy {proxy.id}")
    return proxy


def revoke_proxy(proxy: Proxy, actor) -> Proxy:
    return _end(proxy, ProxyStatus.REVOKED, actor, "assembly.proxy_revoke")


def decline_proxy(proxy: Proxy, actor) -> Proxy:
    proxy = _end(proxy, ProxyStatus.DECLINED, actor, "assembly.proxy_decline")
    notifications.proxy_declined(db.session.get(Assembly, proxy.assembly_id), proxy)
    return proxy
