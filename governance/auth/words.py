"""How the audit log reads the actions on logins and tokens (codes stay in the log)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core import audit
from ..core.outbox import register_topics
from ..core.permissions import Role
from .models import Language


def _names(ids) -> dict:
    import sqlalchemy as sa

    from ..extensions import db
    from .models import User
    return {row.id: row.full_name or row.email for row in db.session.execute(
        sa.select(User.id, User.full_name, User.email).where(User.id.in_(ids)))}


def register() -> None:
    audit.register_actor_names(_names)
    audit.register_words(
        actions={
            "user.create": _l("Login created"), "user.update": _l("Login changed"),
            "user.privileged_roles_granted": _l("Privileged roles granted"),
            "user.password_reset_sent": _l("Password reset link sent"),
            "user.password_reset": _l("Password reset"), "user.password_change": _l("Password changed"),
            "user.activate": _l("Login activated"),
            "token.create": _l("API token created"), "token.revoke": _l("API token revoked"),
        },
        fields={"email": _l("Email"), "full_name": _l("Name"), "roles": _l("Roles"),
                "granted": _l("Roles granted"), "locale": _l("Language"),
                "is_active_account": _l("Active"), "active": _l("Active"), "member": _l("Register number"),
                "expires_at": _l("Expires on"), "tokens_revoked": _l("API tokens revoked")},
        objects={"users": _l("Login %(id)s"), "api_tokens": _l("API token %(id)s")},
        enums={"roles": Role, "granted": Role, "locale": Language},
        dates=("expires_at",),
    )
    register_topics({"user": _l("Login %(id)s"), "password_reset": _l("Password reset")})
