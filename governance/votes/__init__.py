"""Motions and votes (DOMAIN.md §5): the mission's versions, motions on agenda items with
the word diff of their texts, amendments, the discussion, votes by correspondence and
live (open or secret, with receipts anyone can recount), results with the rule applied,
and their lines in the assembly's minutes.

Modules: rules and diff (pure), models, queries, operations/ (motions, voting), words
(the sentences of a result), markup (Markdown made safe), documents (the SVG chart),
notifications, views (HTML), schemas/api (JSON). The assemblies domain tells this one
what happens through its signals (assemblies.signals); this one never changes
assemblies' records.
"""
from __future__ import annotations


def on_assembly_closed(assembly, actor=None, **_extra) -> None:
    """A vote still open when the session closes is closed and counted."""
    from .operations.voting import close_open_votes
    close_open_votes(assembly, actor)


def correspondence_voters(assembly, **_extra):
    """Members who voted by correspondence count as present (DOMAIN.md §4)."""
    from .queries import correspondence_voter_ids
    return correspondence_voter_ids(assembly)


def minutes_lines(assembly, item=None, **_extra) -> list[str]:
    """Each motion of the item in the minutes: the result with the rule applied and, for
    open votes, the names of those voting yes, no and abstaining (art. 2375 c.c.); for
    secret votes the digest of the published receipts."""
    from flask_babel import gettext as _

    from . import queries
    from .models import MotionStatus
    from .words import explanation
    if item is None:
        return []
    lines: list[str] = []
    for motion in queries.motions_of_item(item):
        lines.append(_("Motion: %(title)s", title=motion.title))
        if motion.status != MotionStatus.CLOSED:
            lines.append(_("Not put to the vote."))
            continue
        lines.append(explanation(motion))
        if motion.secret:
            lines.append(_("Secret vote; SHA-256 digest of the published receipts: %(digest)s",
                           digest=motion.receipts_digest))
        else:
            names = queries.named_choices(motion)
            for code, title in (("yes", _("In favour")), ("no", _("Against")), ("abstain", _("Abstaining"))):
                people = ", ".join(f"{name} ({number})" for number, name in names[code]) or "-"
                lines.append(f"{title}: {people}")
    return lines


def convocation_lines(assembly, item=None, **_extra) -> list[str]:
    """The full text of each motion of the item that may be voted by correspondence, in
    the convocation (art. 2538 c.6 c.c.: such votes are on the text in the notice)."""
    from flask_babel import gettext as _

    from ..assemblies.documents import plain_text
    from . import queries
    if item is None:
        return []
    lines: list[str] = []
    for motion in queries.motions_of_item(item):
        if not motion.by_correspondence or motion.is_amendment:
            continue
        lines.append(_("Motion: %(title)s", title=motion.title))
        lines.append(_("May be voted by correspondence on the platform until the session opens. Full text "
                       "proposed:"))
        lines.append(plain_text(motion.proposed_text))   # a text email: no Markdown marks
    return lines


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..assemblies import signals
    from ..authz import P
    from ..core.api import register_api
    from ..core.navigation import NavItem, register_nav
    from ..core.outbox import register_topics
    from . import audit_words
    audit_words.register()
    register_topics({"mission_version": _l("Mission, version %(id)s")})
    from . import api, views
    app.register_blueprint(views.bp)
    register_api(api.blp)
    register_nav(app, NavItem("votes.mission", _l("Mission"), P.MISSION_READ, order=12),
                 NavItem("votes.statute_texts", _l("Statute texts"), P.MISSION_READ, order=12),
                 NavItem("votes.index", _l("Votes"), P.MOTIONS_READ, order=13))
    signals.assembly_closed.connect(on_assembly_closed)
    signals.correspondence_voters.connect(correspondence_voters)
    signals.minutes_item_lines.connect(minutes_lines)
    signals.convocation_item_lines.connect(convocation_lines)
