"""The emails of logins, each written in the recipient's language."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..core.outbox import send_templated
from ..core.urls import public_url
from ..core.permissions import Role


def password_reset(user, token: str):
    hours = max(1, int(current_app.config["PASSWORD_RESET_MAX_AGE"]) // 3600)
    return send_templated(user.email, user.locale, _l("Set your password"),
                          "auth/email/password_reset.txt", topic="password_reset", sensitive=True,
                          user=user, hours=hours, link=public_url("auth.reset_password", token=token))


def privileged_roles_granted(watcher, *, user, roles: list[str], actor):
    from flask_babel import force_locale
    with force_locale(watcher.locale or "it"):
        words = ", ".join(Role(r).label for r in roles)
    return send_templated(watcher.email, watcher.locale, _l("Roles granted on the platform"),
                          "auth/email/privileged_roles.txt", topic=f"user:{user.id}",
                          watcher=watcher, user=user, roles=words,
                          actor_name=getattr(actor, "display_name", None) or _l("the command line"))
