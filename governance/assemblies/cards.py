"""Home-page cards of assemblies: a member's upcoming assemblies (date, place, link,
whether they may vote, the proxy given or held, the receipt to confirm); the board's
and secretary's assemblies to prepare and receipts missing."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..members.models import Member
from . import queries
from .models import Assembly, AssemblyStatus, Receipt


def member_card(user) -> dict | None:
    member_id = getattr(user, "member_id", None)
    if not member_id:
        return None
    upcoming = queries.upcoming(3)
    if not upcoming:
        return None
    member = db.session.get(Member, member_id)
    rows = []
    for assembly in upcoming:
        rows.append({"assembly": assembly, "may_vote": queries.voting_problem(assembly, member) is None,
                     "given": queries.proxy_given_by(assembly, member_id),
                     "held": len(queries.proxies_held_by(assembly, member_id)),
                     "receipt": queries.receipt_of(assembly, member_id)})
    return {"rows": rows}


def office_card(user) -> dict | None:
    drafts = db.session.scalars(sa.select(Assembly).where(Assembly.status == AssemblyStatus.DRAFT)
                                .order_by(Assembly.first_call_at).limit(5)).all()
    convened = queries.upcoming(5)
    missing = dict(db.session.execute(
        sa.select(Receipt.assembly_id, sa.func.count(Receipt.id))
        .where(Receipt.assembly_id.in_([a.id for a in convened]), Receipt.confirmed_at.is_(None))
        .group_by(Receipt.assembly_id)).all()) if convened else {}
    if not drafts and not convened:
        return None
    return {"drafts": drafts, "convened": convened, "missing": missing}
