"""`flask --app wsgi lifecycle ...`: the membership lifecycle's daily jobs."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..core import clock
from ..extensions import db
from . import operations

lifecycle_cli = AppGroup("lifecycle", help="The membership lifecycle.")


@lifecycle_cli.command("apply-exits")
def apply_exits_command():
    """Change the status of members whose exit took effect (run daily)."""
    applied = operations.apply_due_exits(clock.today())
    db.session.commit()
    click.echo(f"{len(applied)} exit(s) applied")


@lifecycle_cli.command("digest")
@click.option("--day", "day_text", default=None,
              help="The day whose arrivals are sent (YYYY-MM-DD); default: yesterday.")
def digest_command(day_text):
    """Email the board the applications and withdrawal requests of one day (run daily
    when BOARD_NOTIFICATIONS=digest)."""
    from datetime import date, timedelta
    day = date.fromisoformat(day_text) if day_text else clock.today() - timedelta(days=1)
    sent = operations.send_board_digest(day)
    db.session.commit()
    click.echo(f"{sent} digest email(s) queued for {day.isoformat()}")
