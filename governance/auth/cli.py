"""`flask --app wsgi users ...`: logins from the command line (API.md bootstrap)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..core.errors import DomainError
from ..core.permissions import Role
from ..extensions import db

users_cli = AppGroup("users", help="Manage logins.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", "roles", required=True, multiple=True,
              type=click.Choice([r.value for r in Role]), help="Repeat for several roles.")
@click.option("--member", "member_number", type=int, default=None, help="Register number to link.")
@click.option("--name", "full_name", default="")
def create_user_command(email, password, roles, member_number, full_name):
    """Create a login (API.md bootstrap)."""
    from .operations import create_user, member_for_number
    try:
        member = member_for_number(member_number)
        user = create_user(email, password, roles, full_name=full_name, member=member)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"created user {user.email} with roles {', '.join(roles)}")
