"""JSON shapes of the auth API (they also build the OpenAPI document)."""
import marshmallow as ma
from marshmallow import validate

from .passwords import MAX_LENGTH  # one limit for passwords everywhere


class CredentialsSchema(ma.Schema):
    email = ma.fields.String(required=True, validate=validate.Length(max=254))
    password = ma.fields.String(required=True, load_only=True, validate=validate.Length(max=MAX_LENGTH))
    name = ma.fields.String(load_default=None, validate=validate.Length(max=100),
                            metadata={"description": "What the token is for (default: api)."})


class NewApiTokenRequestSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))
    days = ma.fields.Integer(load_default=None, validate=validate.Range(min=1),
                             metadata={"description": "Validity in days (default and maximum: API_TOKEN_DAYS)."})


class ApiTokenSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String()
    prefix = ma.fields.String(metadata={"description": "The first characters, to recognise the token."})
    created_at = ma.fields.AwareDateTime()
    expires_at = ma.fields.AwareDateTime()
    last_used_at = ma.fields.AwareDateTime(allow_none=True)
    revoked_at = ma.fields.AwareDateTime(allow_none=True)


class NewApiTokenSchema(ApiTokenSchema):
    token = ma.fields.String(metadata={"description": "The raw token: shown once, never stored."})


class ApiTokenPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ApiTokenSchema))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class MeSchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    full_name = ma.fields.String()
    locale = ma.fields.String()
    roles = ma.fields.Method("_roles")
    member = ma.fields.Method("_member", metadata={"description": "Linked register number, if any."})

    def _roles(self, user):
        return sorted(r.value for r in user.role_set)

    def _member(self, user):
        return user.member.number if user.member is not None else None


class PreferencesSchema(ma.Schema):
    locale = ma.fields.String(required=True, validate=validate.OneOf(["it", "en"]))


class PasswordChangeSchema(ma.Schema):
    current_password = ma.fields.String(required=True, load_only=True, validate=validate.Length(max=MAX_LENGTH))
    new_password = ma.fields.String(required=True, load_only=True, validate=validate.Length(max=MAX_LENGTH))


class PasswordResetRequestSchema(ma.Schema):
    email = ma.fields.String(required=True, validate=validate.Length(max=254))


class PasswordResetSchema(ma.Schema):
    password = ma.fields.String(required=True, load_only=True, validate=validate.Length(max=MAX_LENGTH))


class AuthMessageSchema(ma.Schema):
    message = ma.fields.String()
    tokens_revoked = ma.fields.Integer(metadata={"description": "API tokens revoked with the old password"})
