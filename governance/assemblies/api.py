"""JSON API of assemblies (API.md "Assemblies"): the same operations as the pages, errors
as problem+json with the codes of API.md (notice_period, second_call_same_day, proxy_cap,
proxy_barred, proxy_duplicate, proxy_not_entitled; 409 for a state that forbids it)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint

from ..authz import P
from ..core.api import ProblemSchema, paginate
from ..core.errors import NotFound
from ..core.permissions import NotAllowed, actor, can, permission
from ..extensions import db
from ..members.models import Member
from ..members.queries import member_by_number
from . import documents, operations, queries
from .models import Minutes, Proxy
from .schemas import (AssemblyCreateSchema, AttendanceSchema, ItemCreateSchema, ListQuerySchema, OpenSchema,
                      ProxyCreateSchema, SearchQuerySchema)

blp = Blueprint("assemblies_api", __name__, url_prefix="/api/v1/assemblies",
                description="General assemblies (DOMAIN.md §4): preparing, convening, the roll, proxies, "
                            "the session with the live quorum, the minutes.")


def _assembly(assembly) -> dict:
    return {"id": assembly.id, "kind": assembly.kind.value, "status": assembly.status.value, "title": assembly.title,
            "first_call_at": assembly.first_call_at.isoformat(), "second_call_at": assembly.second_call_at.isoformat(),
            "location": assembly.place, "online_url": assembly.online_link,
            "published_on": assembly.published_on.isoformat() if assembly.published_on else None,
            "call": assembly.call.value if assembly.call else None,
            "agenda": [{"id": i.id, "position": i.position, "title": i.title, "description": i.description,
                        "documents": [{"id": d.id, "filename": d.filename, "size": d.size} for d in i.documents]}
                       for i in assembly.items]}


def _member(number: int, field: str) -> Member:
    member = member_by_number(number) if isinstance(number, int) else None
    if member is None:
        from ..core.errors import DomainError
        raise DomainError("validation", _("There is no member with register number %(n)s.", n=number), field=field)
    return member


@blp.route("", methods=["POST"])
@permission(P.ASSEMBLY_PREPARE)
@blp.arguments(AssemblyCreateSchema)
@blp.response(201)
@blp.alt_response(422, schema=ProblemSchema, description="second_call_same_day, validation")
def create(args):
    """A draft assembly with its two calls (never the same day)."""
    assembly = operations.create_assembly(args, actor())
    return {"id": assembly.id, "status": assembly.status.value}


@blp.route("", methods=["GET"])
@permission(P.ASSEMBLIES_READ)
@blp.arguments(ListQuerySchema, location="query")
@blp.response(200)
def list_(args):
    return paginate(queries.assemblies_query(args["status"]), _assembly, args["page"], args["per_page"])


@blp.route("/<int:assembly_id>", methods=["GET"])
@permission(P.ASSEMBLIES_READ)
@blp.response(200)
def get(assembly_id):
    return _assembly(operations.get_assembly(assembly_id))


@blp.route("/<int:assembly_id>/agenda-items", methods=["POST"])
@permission(P.ASSEMBLY_PREPARE)
@blp.arguments(ItemCreateSchema)
@blp.response(201)
@blp.alt_response(409, schema=ProblemSchema, description="the agenda of a convened assembly")
def add_item(args, assembly_id):
    item = operations.add_item(operations.get_assembly(assembly_id), args, actor())
    return {"id": item.id, "position": item.position}


@blp.route("/<int:assembly_id>/publish", methods=["POST"])
@permission(P.ASSEMBLY_PREPARE)
@blp.response(200)
@blp.alt_response(409, schema=ProblemSchema, description="already published")
@blp.alt_response(422, schema=ProblemSchema, description="notice_period")
def publish(assembly_id):
    """Publish: the convocation is stored and one email per active member is queued."""
    assembly = operations.publish(operations.get_assembly(assembly_id), actor())
    return {"status": assembly.status.value, "published_on": assembly.published_on.isoformat()}


@blp.route("/<int:assembly_id>/receipts", methods=["GET"])
@permission(P.ASSEMBLY_RECEIPTS_READ)
@blp.response(200)
def receipts(assembly_id):
    """Per member: the delivery of the convocation and the confirmation of receipt."""
    from .views.convening import receipts_rows
    assembly = operations.get_assembly(assembly_id)
    return {"items": [{"member": m.number, "email": r.email,
                       "delivery": (msg.status.value if msg is not None else ("post" if r.email is None else None)),
                       "error": msg.error if msg is not None and msg.status.value == "failed" else None,
                       "confirmed_at": r.confirmed_at.isoformat() if r.confirmed_at else None}
                      for r, m, msg in receipts_rows(assembly)]}


@blp.route("/<int:assembly_id>/roll", methods=["GET"])
@permission(P.ASSEMBLY_ROLL_READ)
@blp.response(200)
def roll(assembly_id):
    """The voters on the roll of the assembly date (frozen when the session opens):
    `{on, count, frozen, voters: [{number, name}]}` ordered by register number."""
    import json
    assembly = operations.get_assembly(assembly_id)
    count, voters = queries.roll_json(assembly)
    head = json.dumps({"on": queries.roll_day(assembly).isoformat(), "count": count,
                       "frozen": queries.is_frozen(assembly)})
    return Response(head[:-1] + ', "voters": ' + voters + "}", mimetype="application/json")


@blp.route("/<int:assembly_id>/proxies", methods=["POST"])
@permission(P.ASSEMBLY_OWN, P.PROXY_RECORD)
@blp.arguments(ProxyCreateSchema)
@blp.response(201)
@blp.alt_response(422, schema=ProblemSchema, description="proxy_cap, proxy_barred, proxy_duplicate, proxy_not_entitled")
def give_proxy(args, assembly_id):
    """A proxy from `delegator` to `delegate`: the delegator themself, or the secretary."""
    assembly = operations.get_assembly(assembly_id)
    delegator = _member(args["delegator"], "delegator")
    if not can(current_user, P.PROXY_RECORD) and delegator.id != getattr(current_user, "member_id", None):
        raise NotAllowed()
    proxy = operations.give_proxy(assembly, delegator, _member(args["delegate"], "delegate"), actor())
    return {"id": proxy.id}


@blp.route("/<int:assembly_id>/proxies/<int:proxy_id>", methods=["DELETE"])
@permission(P.ASSEMBLY_OWN, P.PROXY_RECORD)
@blp.response(204)
def revoke_proxy(assembly_id, proxy_id):
    operations.get_assembly(assembly_id)
    proxy = db.session.get(Proxy, proxy_id)
    allowed = can(current_user, P.PROXY_RECORD) or (
        proxy is not None and proxy.delegator_id == getattr(current_user, "member_id", None))
    if not allowed:
        raise NotAllowed()
    if proxy is None or proxy.assembly_id != assembly_id:
        raise NotFound(_("There is no proxy %(id)d.", id=proxy_id))
    operations.revoke_proxy(proxy, actor())
    return None


@blp.route("/<int:assembly_id>/open", methods=["POST"])
@permission(P.ASSEMBLY_SESSION)
@blp.arguments(OpenSchema)
@blp.response(200)
@blp.alt_response(409, schema=ProblemSchema, description="already open")
def open_session(args, assembly_id):
    assembly = operations.open_session(operations.get_assembly(assembly_id), args["call"], actor())
    return {"status": assembly.status.value, "call": assembly.call.value}


@blp.route("/<int:assembly_id>/attendance", methods=["POST"])
@permission(P.ASSEMBLY_SESSION)
@blp.arguments(AttendanceSchema)
@blp.response(200)
def attendance(args, assembly_id):
    """Check a member in (`present: true`) or out."""
    assembly = operations.get_assembly(assembly_id)
    member = _member(args["member"], "member")
    if args["present"]:
        operations.check_in(assembly, member, actor())
    else:
        operations.check_out(assembly, member, actor())
    return queries.quorum_now(assembly).as_dict()


@blp.route("/<int:assembly_id>/check-in-search", methods=["GET"])
@permission(P.ASSEMBLY_SESSION)
@blp.arguments(SearchQuerySchema, location="query")
@blp.response(200)
def check_in_search(args, assembly_id):
    """Members by register number or part of the name (for the check-in desk)."""
    from .views.session import search_members
    operations.get_assembly(assembly_id)
    return {"items": [{"number": m.number, "name": f"{m.last_name} {m.first_name}"} for m in search_members(args["q"])]}


@blp.route("/<int:assembly_id>/quorum", methods=["GET"])
@permission(P.ASSEMBLIES_READ)
@blp.response(200)
def quorum(assembly_id):
    return queries.quorum_now(operations.get_assembly(assembly_id)).as_dict()


@blp.route("/<int:assembly_id>/close", methods=["POST"])
@permission(P.ASSEMBLY_SESSION)
@blp.response(200)
@blp.alt_response(409, schema=ProblemSchema, description="already closed")
def close(assembly_id):
    assembly = operations.close_session(operations.get_assembly(assembly_id), actor())
    return {"status": assembly.status.value}


@blp.route("/<int:assembly_id>/minutes.pdf", methods=["GET"])
@permission(P.MINUTES_READ)
def minutes_pdf(assembly_id):
    assembly = operations.get_assembly(assembly_id)
    record = db.session.get(Minutes, assembly.id)
    if record is None:
        raise NotFound(_("The minutes are drafted when the assembly closes."))
    return Response(documents.minutes_pdf(assembly, record), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="verbale-{assembly.id}.pdf"'})
