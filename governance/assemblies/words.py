"""How the audit log and the outbox read the assemblies' codes (issue 8: stored codes,
words when shown)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core import audit
from ..core.outbox import register_topics
from .models import AssemblyStatus, CallUsed, Kind, ProxyStatus


def register() -> None:
    audit.register_words(actions={
        "assembly.create": _l("Assembly created"), "assembly.update": _l("Assembly changed"),
        "assembly.delete": _l("Assembly deleted"), "assembly.publish": _l("Convocation published"),
        "assembly.resend": _l("Convocation sent again"), "assembly.reconvene": _l("Assembly reconvened"),
        "assembly.open": _l("Assembly opened"), "assembly.close": _l("Assembly closed"),
        "assembly.designate": _l("Chair and secretary designated"),
        "assembly.check_in": _l("Attendance: member arrived"), "assembly.check_out": _l("Attendance: member left"),
        "assembly.proxy_give": _l("Proxy given"), "assembly.receipt_confirm": _l("Receipt of the convocation confirmed"),
        "assembly.item_add": _l("Agenda item added"), "assembly.item_update": _l("Agenda item changed"),
        "assembly.item_remove": _l("Agenda item removed"), "assembly.item_move": _l("Agenda item moved"),
        "assembly.item_summary": _l("Agenda item summary written"), "assembly.reorder": _l("Agenda reordered"),
        "assembly.document_add": _l("Assembly document added"),
        "assembly.document_remove": _l("Assembly document removed"),
        "assembly.minutes_draft": _l("Minutes drafted"), "assembly.minutes_edit": _l("Minutes edited"),
        "assembly.minutes_sign": _l("Minutes signed"),
        "users.invite": _l("Members invited to create their login"),
        "assembly.proxy_revoke": _l("Proxy revoked"), "assembly.proxy_decline": _l("Proxy declined"),
    }, fields={
        "chair_name": _l("Chair"), "secretary_name": _l("Secretary of the assembly"),
        "scrutineers": _l("Scrutineers"), "call": _l("Call"), "title": _l("Title"), "description": _l("Description"),
        "kind": _l("Kind of assembly"), "place": _l("Place"), "first_call_at": _l("First call"),
        "second_call_at": _l("Second call"), "online_link": _l("Link to follow online"),
    }, objects={
        "assemblies": _l("Assembly %(id)s"), "agenda_items": _l("Agenda item %(id)s"),
        "agenda_documents": _l("Assembly document %(id)s"),
        "assembly_convocations": _l("Convocation %(id)s"), "assembly_receipts": _l("Convocation receipt %(id)s"),
        "assembly_proxies": _l("Proxy %(id)s"), "assembly_attendance": _l("Attendance %(id)s"),
        "assembly_roll": _l("Roll of voters %(id)s"), "assembly_minutes": _l("Minutes of assembly %(id)s"),
    }, enums={
        "assemblies.status": AssemblyStatus, "assemblies.kind": Kind, "assemblies.call_used": CallUsed,
        "call": CallUsed, "assembly_proxies.status": ProxyStatus,
    }, dates=("first_call_at", "second_call_at"))
    register_topics({"convocation": convocation_topic, "assembly_proxy": _l("Proxy %(id)s"),
                     "invitation": _l("Invitation to create a login (login %(id)s)")},
                    prefetch={"convocation": prefetch_convocations})


def _convocation_codes(code: str) -> tuple[int, int] | None:
    try:
        assembly_id, member_id = (int(part) for part in code.split(":"))
    except ValueError:
        return None
    return assembly_id, member_id


def _convocation_cache() -> dict:
    from flask import g
    if "_convocation_topics" not in g:
        g._convocation_topics = {"assemblies": {}, "members": {}}
    return g._convocation_topics


def prefetch_convocations(codes) -> None:
    """The titles and register numbers of a page of convocation topics: two queries."""
    import sqlalchemy as sa

    from ..extensions import db
    from ..members.models import Member
    from .models import Assembly
    pairs = [p for p in map(_convocation_codes, codes) if p]
    cache = _convocation_cache()
    assemblies = {a for a, _m in pairs} - cache["assemblies"].keys()
    members = {m for _a, m in pairs} - cache["members"].keys()
    if assemblies:
        found = dict(db.session.execute(sa.select(Assembly.id, Assembly.title).where(Assembly.id.in_(assemblies))).all())
        cache["assemblies"].update({i: found.get(i) for i in assemblies})
    if members:
        found = dict(db.session.execute(sa.select(Member.id, Member.number).where(Member.id.in_(members))).all())
        cache["members"].update({i: found.get(i) for i in members})


def convocation_topic(code: str) -> str:
    """"2:60" (assembly id, member id) as the outbox shows it: the assembly's title and
    the member's register number (read once per request, for a whole page with
    prefetch_convocations)."""
    from flask_babel import gettext as _
    pair = _convocation_codes(code)
    if pair is None:
        return _("Convocation")
    prefetch_convocations([code])  # nothing to load when the page prefetched it
    cache = _convocation_cache()
    title, number = cache["assemblies"].get(pair[0]), cache["members"].get(pair[1])
    if title is None or number is None:
        return _("Convocation")
    return _("Convocation: %(title)s, to member no. %(number)d", title=title, number=number)
