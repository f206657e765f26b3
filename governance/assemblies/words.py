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
    register_topics({"convocation": _l("Convocation %(id)s"), "assembly_proxy": _l("Proxy %(id)s")})
