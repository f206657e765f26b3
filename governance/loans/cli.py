"""`flask --app wsgi loans ...`: the year-end run, closing the accounts of exits, and the
reconciliation of every balance with its movements."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..core import clock
from ..core.money import format_money
from ..extensions import db
from . import operations, queries

loans_cli = AppGroup("loans", help="Social loans.")


@loans_cli.command("reconcile")
def reconcile_command():
    """Recompute every balance from its movements and report any difference (exit 1)."""
    differences = queries.reconcile()
    for d in differences:
        what = f"account {d.account_id}" if d.account_id is not None else "total outstanding"
        click.echo(f"{what}: stored {format_money(d.stored)}, movements say {format_money(d.computed)}")
    db.session.rollback()
    if differences:
        click.echo(f"{len(differences)} difference(s)")
        sys.exit(1)
    click.echo("reconciled: every balance equals the sum of its movements, and the total their sum")


@loans_cli.command("year-end")
@click.option("--year", type=int, default=None, help="The year to capitalise (default: last year).")
@click.option("--batch-size", type=int, default=operations.interest.BATCH_SIZE, show_default=True)
def year_end_command(year, batch_size):
    """Capitalise a year's interest on every account, committing after each batch (an
    interrupted run resumes where it stopped; a second run books nothing)."""
    year = year or clock.today().year - 1
    result = operations.run_year_end(year, None, batch_size=batch_size, after_batch=db.session.commit)
    db.session.commit()
    click.echo(f"{year}: {result.accounts} account(s) capitalised (+{result.earlier_years} earlier year(s)); "
               f"gross {format_money(result.gross)}, withheld {format_money(result.withholding)}, "
               f"net {format_money(result.net)}; {result.exits_closed} account(s) of exits closed")


@loans_cli.command("close-exits")
def close_exits_command():
    """Close the accounts of members whose exit took effect but whose loans are still open."""
    closed = operations.close_pending_exits(None)
    db.session.commit()
    click.echo(f"{closed} account(s) closed")
