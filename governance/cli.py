"""Command-line interface: `flask --app wsgi users create`, `seed-demo`, `outbox deliver`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from .core.errors import DomainError
from .extensions import db

users_cli = AppGroup("users", help="Manage logins.")
outbox_cli = AppGroup("outbox", help="The email outbox.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", "roles", required=True, multiple=True,
              type=click.Choice(["admin", "board", "secretary", "auditor", "member"]),
              help="Repeat for several roles.")
@click.option("--member", "member_number", type=int, default=None, help="Register number to link.")
@click.option("--name", "full_name", default="")
def create_user_command(email, password, roles, member_number, full_name):
    """Create a login (API.md bootstrap)."""
    from .auth.operations import create_user
    from .members.queries import member_by_number
    member = None
    if member_number is not None:
        member = member_by_number(member_number)
        if member is None:
            raise click.ClickException(f"no member with register number {member_number}")
    try:
        user = create_user(email, password, roles, full_name=full_name, member=member)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"created user {user.email} with roles {', '.join(roles)}")


@outbox_cli.command("deliver")
def deliver_command():
    """Deliver queued emails (SMTP when MAIL_SERVER is set, else store and log)."""
    from .core.outbox import deliver_queued
    total = 0
    while handled := deliver_queued():
        total += handled
    click.echo(f"handled {total} message(s)")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (but print the logins) if data exists.")
def seed_demo_command(if_empty):
    """Fill an empty database with the demo cooperative and print its logins."""
    from .demo import seed_demo
    seed_demo(if_empty=if_empty, echo=click.echo)


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(seed_demo_command)
