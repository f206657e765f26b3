"""JSON shapes of the statute API, generated from the parameter table so the OpenAPI
document lists every parameter with its type and bounds."""
import marshmallow as ma

from ..core.api import PageQuerySchema

from .parameters import PARAMETERS

_OUT_FIELDS = {"int": ma.fields.Integer, "bool": ma.fields.Boolean, "money": ma.fields.String,
               "percent": ma.fields.String, "fraction": ma.fields.String}
_EXAMPLES = {"money": "25.00", "percent": "50.00", "fraction": "1/2"}


def _describe(p) -> str:
    text = f"{p.label} ({p.source})"
    if p.minimum is not None and p.maximum is not None:
        text += f"; from {p.dump(p.minimum)} to {p.dump(p.maximum)}"
    return text


def _out_field(p):
    metadata = {"description": _describe(p)}
    if p.kind in _EXAMPLES:
        metadata["example"] = _EXAMPLES[p.kind]
    return _OUT_FIELDS[p.kind](metadata=metadata)


def _in_field(p):
    # Raw: the parameter table parses and bounds-checks (one place for the rule), so a
    # wrong value is reported per name by the operation, all at once.
    metadata = {"description": _describe(p) + (". Send money and percentages as strings."
                                               if p.kind in {"money", "percent"} else ""),
                "type": {"int": "integer", "bool": "boolean"}.get(p.kind, "string")}
    return ma.fields.Raw(metadata=metadata)


StatuteValuesSchema = ma.Schema.from_dict(
    {"on": ma.fields.Date(metadata={"description": "The day the values are in force"}),
     **{p.name: _out_field(p) for p in PARAMETERS}},
    name="StatuteValues")

StatuteChangeResultSchema = ma.Schema.from_dict(
    {"effective_from": ma.fields.Date(), "note": ma.fields.String(allow_none=True),
     **{p.name: _out_field(p) for p in PARAMETERS}},
    name="StatuteChangeResult")


# `{name: value, ..., effective_from, note}`. Unknown names are let through (INCLUDE) so
# the operation refuses them together with any invalid value, each under its name.
StatuteChangeSchema = type("StatuteChangeSchema", (ma.Schema,), {
    "Meta": type("Meta", (), {"unknown": ma.INCLUDE}),
    "effective_from": ma.fields.Date(required=True),
    "note": ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=2000)),
    "correction": ma.fields.Boolean(load_default=False, metadata={
        "description": "An effective_from before today corrects a value entered wrongly: "
                       "true, with the reason in note (else 422 retroactive_change)."}),
    **{p.name: _in_field(p) for p in PARAMETERS},
})


class StatuteDayQuerySchema(ma.Schema):
    on = ma.fields.Date(metadata={"description": "YYYY-MM-DD (default: today)"})


class StatuteHistoryQuerySchema(PageQuerySchema):
    name = ma.fields.String(metadata={"description": "Only this parameter"})


class StatuteHistoryEntrySchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    value = ma.fields.Raw()
    effective_from = ma.fields.Date()
    note = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    created_by = ma.fields.String(allow_none=True)


class StatuteHistorySchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(StatuteHistoryEntrySchema))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()
