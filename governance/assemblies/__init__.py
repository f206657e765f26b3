"""General assemblies (DOMAIN.md §4): convocation with two calls and the notice period,
the roll of voters on the assembly date, proxies, attendance and the quorum, the
minutes book.

Modules: models, rules (pure), operations/ (preparing, convening, proxies, session,
minutes), queries (the roll, presence, the live quorum), signals (what votes hooks
into), notifications (emails; the convocation is rendered per member by the outbox
worker at send time), documents (PDFs, .ics, uploaded files), views (HTML), api (JSON).
An appeal lodged in the lifecycle lands on the next ordinary assembly not yet convened
through the lifecycle's `appeal_lodged` signal.
"""
from __future__ import annotations


def on_appeal_lodged(appeal, actor=None, **_extra) -> None:
    """lifecycle.signals.appeal_lodged: put the appeal on the agenda of the next ordinary
    assembly not yet convened, if there is one (else it waits for the next one created)."""
    from .operations import schedule_pending_appeals
    schedule_pending_appeals(actor)


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..authz import P
    from ..core.api import register_api
    from ..core.navigation import HomeCard, NavItem, register_card, register_nav
    from ..core.outbox import register_renderer
    from . import words
    words.register()
    from ..lifecycle.signals import appeal_lodged
    from ..auth.cli import users_cli
    from . import api, cards, cli, invitations, notifications, views
    app.register_blueprint(views.bp)
    register_api(api.blp)
    register_nav(app, NavItem("assemblies.index", _l("Assemblies"), P.ASSEMBLIES_READ, order=12),
                 NavItem("assemblies.invitations", _l("Invitations"), P.MEMBERS_INVITE, order=48))
    register_card(
        app,
        HomeCard("assemblies.mine", "assemblies/cards/mine.html", P.ASSEMBLY_OWN, cards.member_card, order=5),
        HomeCard("assemblies.office", "assemblies/cards/office.html", P.ASSEMBLY_RECEIPTS_READ, cards.office_card,
                 order=6),
    )
    appeal_lodged.connect(on_appeal_lodged)
    register_renderer("convocation", notifications.render_convocation)
    register_renderer("invitation", invitations.render_invitation)
    if "invite" not in users_cli.commands:
        users_cli.add_command(cli.invite_command)
