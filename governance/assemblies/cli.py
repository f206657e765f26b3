"""`flask --app wsgi users invite`: invite members without a login (the office's scripts)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db


@click.command("invite")
@click.option("--all-members", "all_members", is_flag=True, help="Every active member without a login.")
@click.option("--member", "numbers", type=int, multiple=True, help="A register number; repeat for several.")
@with_appcontext
def invite_command(all_members, numbers):
    """Send an activation link to members who have no login (idempotent: those active or
    invited in the last 7 days are skipped)."""
    from .invitations import invite
    if not all_members and not numbers:
        raise click.UsageError("give --all-members or one or more --member N")
    counts = invite(None, numbers=None if all_members else list(numbers))
    db.session.commit()
    click.echo(f"invited {counts['invited']}, invited again {counts['reinvited']}, emails queued {counts['queued']}")
