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
