"""JSON shapes of the assembly API (they also build the OpenAPI document). Input schemas
check types only; every rule is the operations', so the API and the pages agree."""
from __future__ import annotations

import marshmallow as ma


class Input(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class Text(ma.fields.Raw):
    def __init__(self, **kwargs):
        metadata = {"type": "string", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)


class AssemblyCreateSchema(Input):
    kind = ma.fields.String(required=True, metadata={"enum": ["ordinary", "extraordinary"]})
    title = Text(required=True)
    first_call_at = Text(required=True, metadata={"format": "date-time"})
    second_call_at = Text(required=True, metadata={"format": "date-time"})
    location = Text(load_default=None)
    online_url = Text(load_default=None)


class ItemCreateSchema(Input):
    title = Text(required=True)
    description = Text(load_default="", metadata={"description": "Markdown."})


class ProxyCreateSchema(Input):
    delegator = ma.fields.Integer(required=True, strict=True, metadata={"description": "Register number."})
    delegate = ma.fields.Integer(required=True, strict=True, metadata={"description": "Register number."})


class OpenSchema(Input):
    call = ma.fields.String(required=True, metadata={"enum": ["first", "second"]})


class AttendanceSchema(Input):
    member = ma.fields.Integer(required=True, strict=True, metadata={"description": "Register number."})
    present = ma.fields.Boolean(load_default=True)


class SearchQuerySchema(ma.Schema):
    q = ma.fields.String(load_default="")


class ListQuerySchema(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=1_000_000))
    per_page = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=500))
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(
        ["draft", "convened", "in_session", "closed"]))
