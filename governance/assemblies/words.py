"""How the audit log and the outbox read the assemblies' codes (issue 8: stored codes,
words when shown)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core import audit
from ..core.outbox import register_topics


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
    })
    register_topics({"convocation": convocation_topic, "assembly_proxy": _l("Proxy %(id)s"),
                     "invitation": _l("Invitation to create a login (login %(id)s)")})


def convocation_topic(code: str) -> str:
    """"2:60" (assembly id, member id) as the outbox shows it: the assembly's title and
    the member's register number (both looked up once per request: the session's
    identity map keeps them)."""
    from flask_babel import gettext as _

    from ..extensions import db
    from ..members.models import Member
    from .models import Assembly
    try:
        assembly_id, member_id = (int(part) for part in code.split(":"))
    except ValueError:
        return _("Convocation")
    assembly, member = db.session.get(Assembly, assembly_id), db.session.get(Member, member_id)
    if assembly is None or member is None:
        return _("Convocation")
    return _("Convocation: %(title)s, to member no. %(number)d", title=assembly.title, number=member.number)
