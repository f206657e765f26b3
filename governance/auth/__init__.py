"""Logins: users and their roles, sessions, password change and reset, personal API
tokens, and the `users` commands."""
from __future__ import annotations


def init_app(app) -> None:
    from ..core.api import register_api
    from . import api, cli, loading, views, words
    loading.init_app(app)
    words.register()
    app.register_blueprint(views.bp)
    register_api(api.blp)
    app.cli.add_command(cli.users_cli)
