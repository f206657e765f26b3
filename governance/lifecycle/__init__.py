"""The membership lifecycle (DOMAIN.md §3): applications, the board's decision,
refusals and appeals to the assembly, withdrawals, exclusions, deaths and lapses,
share payments, refunds after the accounts, and the annual membership report
(art. 2528 c.c.).

Modules follow CONVENTIONS.md: models (state enums with guarded transitions), rules
(pure functions: deadlines, effective dates, refunds), operations/ (one function per
use case, grouped: applying, deciding, appeals, leaving, shares, accounts; flush, never
commit), notifications (the emails), signals (what later domains listen to), queries
(read helpers), forms/views (HTML), schemas/api (JSON), letters (PDF and documents).
"""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..authz import P
    from ..core.api import register_api
    from ..core.navigation import HomeCard, NavItem, register_card, register_nav
    from . import api, cards, cli, views, words
    words.register()
    _connect_signals()
    app.register_blueprint(views.bp)
    register_api(api.blp)
    app.cli.add_command(cli.lifecycle_cli)
    register_nav(
        app,
        NavItem("lifecycle.queue", _l("Applications"), P.APPLICATIONS_READ, order=20,
                count=cards.count_applications),
        NavItem("lifecycle.withdrawals", _l("Withdrawals"), P.WITHDRAWALS_READ, order=30,
                count=cards.count_withdrawals),
        NavItem("lifecycle.appeals", _l("Appeals"), P.APPEALS_READ, order=35,
                count=cards.count_appeals),
        NavItem("lifecycle.report", _l("Membership report"), P.MEMBERSHIP_REPORT_READ, order=40),
    )
    register_card(
        app,
        HomeCard("lifecycle.member", "lifecycle/cards/member.html", P.WITHDRAWAL_REQUEST_OWN,
                 cards.member_card, order=10),
        HomeCard("lifecycle.board", "lifecycle/cards/board.html", P.APPLICATION_DECIDE,
                 cards.board_card, order=10),
        HomeCard("lifecycle.shares", "lifecycle/cards/secretary.html", P.SHARE_PAYMENT_RECORD,
                 cards.secretary_card, order=12),
    )


def _on_inactive_login_reset(user, **_kwargs) -> None:
    """/password/forgot for an inactive login: a new activation link if it is an admitted
    applicant's never activated (an expired welcome link), nothing otherwise."""
    from . import operations
    operations.new_activation_for_login(user)


def _connect_signals() -> None:
    from ..auth.signals import inactive_login_reset_requested
    inactive_login_reset_requested.connect(_on_inactive_login_reset)
