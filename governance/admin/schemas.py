"""JSON shapes of the admin API: users, audit log, outbox."""
import marshmallow as ma
from marshmallow import validate

from ..auth.models import FULL_NAME_MAX
from ..core.api import PageQuerySchema
from ..core.permissions import Role

ROLE_VALUES = [r.value for r in Role]


class AdminUserSchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    full_name = ma.fields.String()
    locale = ma.fields.String()
    roles = ma.fields.Method("_roles")
    member = ma.fields.Method("_member", metadata={"description": "Linked register number."})
    active = ma.fields.Boolean(attribute="is_active_account")
    created_at = ma.fields.AwareDateTime()
    last_login_at = ma.fields.AwareDateTime(allow_none=True)

    def _roles(self, user):
        return sorted(r.value for r in user.role_set)

    def _member(self, user):
        return user.member.number if user.member is not None else None


class AdminUserCreateSchema(ma.Schema):
    email = ma.fields.String(required=True, validate=validate.Length(max=254))
    full_name = ma.fields.String(load_default="", validate=validate.Length(max=FULL_NAME_MAX))
    roles = ma.fields.List(ma.fields.String(validate=validate.OneOf(ROLE_VALUES)), required=True)
    member = ma.fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1),
                               metadata={"description": "Register number to link."})
    password = ma.fields.String(load_default=None, allow_none=True, load_only=True,
                                metadata={"description": "Initial password (or send_reset)."})
    send_reset = ma.fields.Boolean(load_default=False,
                                   metadata={"description": "Email a link to set the password."})
    active = ma.fields.Boolean(load_default=True)


class AdminUserUpdateSchema(ma.Schema):
    full_name = ma.fields.String(validate=validate.Length(max=FULL_NAME_MAX))
    roles = ma.fields.List(ma.fields.String(validate=validate.OneOf(ROLE_VALUES)))
    member = ma.fields.Integer(allow_none=True, validate=validate.Range(min=1),
                               metadata={"description": "Register number to link; null unlinks."})
    active = ma.fields.Boolean()


class AuditEntrySchema(ma.Schema):
    id = ma.fields.Integer()
    at = ma.fields.AwareDateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    actor_email = ma.fields.String(allow_none=True)
    action = ma.fields.String()
    object_type = ma.fields.String(allow_none=True)
    object_id = ma.fields.String(allow_none=True)
    summary = ma.fields.String(allow_none=True)
    changes = ma.fields.Dict(allow_none=True, metadata={"description": "{field: [old, new]}"})


class AuditQuerySchema(PageQuerySchema):
    action = ma.fields.String(metadata={"description": "Action prefix, e.g. `user.`"})
    actor = ma.fields.String(metadata={"description": "Part of the actor's email"})
    object_type = ma.fields.String()
    object_id = ma.fields.String()
    date_from = ma.fields.Date(data_key="from", metadata={"description": "First day (Europe/Rome)"})
    date_to = ma.fields.Date(data_key="to", metadata={"description": "Last day, inclusive"})

    @ma.validates_schema
    def _ordered(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ma.ValidationError("must not be before from", field_name="to")


class OutboxAttachmentSchema(ma.Schema):
    id = ma.fields.Integer()
    filename = ma.fields.String()
    content_type = ma.fields.String()
    size = ma.fields.Function(lambda a: len(a.data))


class OutboxMessageSchema(ma.Schema):
    id = ma.fields.Integer()
    created_at = ma.fields.AwareDateTime()
    recipient = ma.fields.String()
    subject = ma.fields.String()
    status = ma.fields.Function(lambda m: m.status.value)
    topic = ma.fields.String(allow_none=True)
    sent_at = ma.fields.AwareDateTime(allow_none=True)
    error = ma.fields.String(allow_none=True)
    attachments = ma.fields.List(ma.fields.Nested(OutboxAttachmentSchema))


class OutboxMessageDetailSchema(OutboxMessageSchema):
    body = ma.fields.Function(lambda m: m.shown_body, metadata={
        "description": "The text sent; personal links (password reset, activation) hidden."})


class OutboxQuerySchema(PageQuerySchema):
    status = ma.fields.String(validate=validate.OneOf(["queued", "sent", "stored", "failed"]))
    recipient = ma.fields.String()


def page_of(item_schema, name: str):
    """{items, page, per_page, total} around `item_schema` (API.md: lists are paginated)."""
    return ma.Schema.from_dict({
        "items": ma.fields.List(ma.fields.Nested(item_schema)),
        "page": ma.fields.Integer(), "per_page": ma.fields.Integer(), "total": ma.fields.Integer(),
    }, name=name)


UserPageSchema = page_of(AdminUserSchema, "UserPage")
AuditPageSchema = page_of(AuditEntrySchema, "AuditPage")
OutboxPageSchema = page_of(OutboxMessageSchema, "OutboxPage")
