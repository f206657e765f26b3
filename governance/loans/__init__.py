"""Social loans (prestito sociale, DOMAIN.md §6): members with the minimum seniority lend
to the cooperative on free or term accounts, within the per-member cap and the equity
multiple, withdraw with notice, and earn interest by the day under the contract's
convention, rounded, taxed and capitalised at year end.

Modules: models (accounts, the append-only ledger, yearly interest, the total), rules
(pure: interest, caps, notice), operations/ (settings, accounts, ledger, interest),
queries (statements, summary, exports, reconciliation), notifications (emails),
documents (contract and statement PDFs, the balance chart as SVG), forms/views (HTML),
schemas/api (JSON), cli (`flask loans ...`). A member's exit closes their accounts
through the lifecycle's `member_exit_applied` signal.
"""
from __future__ import annotations


def on_member_exit_applied(exit_, actor=None, **_extra) -> None:
    """lifecycle.signals.member_exit_applied: close and repay the member's accounts
    (DOMAIN.md §3.7), in the same transaction as the exit."""
    from .operations import close_loans_of_exit
    close_loans_of_exit(exit_, actor)


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..authz import P
    from ..core.api import register_api
    from ..core.navigation import HomeCard, NavItem, register_card, register_nav
    from ..lifecycle.signals import member_exit_applied
    from . import api, cards, cli, views, words
    words.register()
    app.register_blueprint(views.bp)
    register_api(api.blp)
    app.cli.add_command(cli.loans_cli)
    register_nav(
        app,
        NavItem("loans.my_loans", _l("My loans"), P.LOANS_OWN, order=15),
        NavItem("loans.accounts", _l("Social loans"), P.LOANS_READ, order=45),
    )
    register_card(
        app,
        HomeCard("loans.mine", "loans/cards/mine.html", P.LOANS_OWN, cards.member_card, order=20),
        HomeCard("loans.summary", "loans/cards/summary.html", P.LOANS_SUMMARY, cards.summary_card, order=30),
        HomeCard("loans.office", "loans/cards/office.html", P.LOAN_MOVEMENT, cards.office_card, order=31),
    )
    member_exit_applied.connect(on_member_exit_applied)
