"""Commands of the whole platform (each domain registers its own in its init_app)."""
from __future__ import annotations

import click
from flask import Flask


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (but print the logins) if data exists.")
def seed_demo_command(if_empty):
    """Fill an empty database with the demo cooperative and print its logins."""
    from .demo import seed_demo
    seed_demo(if_empty=if_empty, echo=click.echo)


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
