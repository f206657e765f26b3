"""Statute API: the parameters in force on a day, their history, dated changes."""
from __future__ import annotations

from flask_smorest import Blueprint

from ..core import clock
from ..core.api import ProblemSchema
from ..authz import P
from ..core.permissions import actor, permission
from . import operations, queries
from .parameters import BY_NAME
from .schemas import (StatuteDayQuerySchema, StatuteHistoryQuerySchema, StatuteHistorySchema, StatuteChangeResultSchema,
                      StatuteChangeSchema, StatuteValuesSchema)

blp = Blueprint("statute_api", __name__, url_prefix="/api/v1", description="statute")

@blp.route("/statute", methods=["GET"])
@permission(P.STATUTE_READ)
@blp.arguments(StatuteDayQuerySchema, location="query")
@blp.response(200, StatuteValuesSchema)
def parameters(args):
    """Every statute parameter in force today (`?on=YYYY-MM-DD` for another day).

    Money and percentages are strings with two decimals ("25.00"), fractions "1/2".
    """
    on = args.get("on") or clock.today()
    return {"on": on, **queries.dump_parameters(queries.parameters_on(on))}


@blp.route("/statute", methods=["POST"])
@permission(P.STATUTE_CHANGE)
@blp.arguments(StatuteChangeSchema)
@blp.response(201, StatuteChangeResultSchema)
@blp.alt_response(422, schema=ProblemSchema,
                  description="validation: unknown parameter or invalid value, per name; "
                              "retroactive_change: effective_from in the past without correction; "
                              "reasons_required: a correction without a note; nothing stored")
def change(args):
    """Change one or more parameters from `effective_from`: `{name: value, ..., effective_from}`.

    All-or-nothing: one unknown name or invalid value refuses the whole change.
    """
    effective_from = args.pop("effective_from")
    note = args.pop("note", None)
    correction = args.pop("correction", False)
    rows = operations.change_parameters(args, effective_from, actor(), note=note,
                                        correction=correction)
    stored = {row.name: BY_NAME[row.name].dump(BY_NAME[row.name].parse(row.value)) for row in rows}
    return {"effective_from": effective_from, "note": note, **stored}


@blp.route("/statute/history", methods=["GET"])
@permission(P.STATUTE_READ)
@blp.arguments(StatuteHistoryQuerySchema, location="query")
@blp.response(200, StatuteHistorySchema)
def history(args):
    """Every dated value entered, newest effective date first (`?name=` for one parameter)."""
    rows = queries.history_with_authors(args.get("name"))
    page, per_page = args["page"], args["per_page"]
    items = []
    for row, email in rows[(page - 1) * per_page: page * per_page]:
        parameter = BY_NAME.get(row.name)
        items.append({"id": row.id, "name": row.name,
                      "value": parameter.dump(parameter.parse(row.value)) if parameter else row.value,
                      "effective_from": row.effective_from, "note": row.note,
                      "created_at": row.created_at, "created_by": email})
    return {"items": items, "page": page, "per_page": per_page, "total": len(rows)}
