"""How the audit log reads the votes' codes (issue 8: stored codes, words when shown)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core import audit
from .models import AmendmentStatus, Channel, ChoiceLabel, MotionStatus, Outcome, SubjectLabel


def register() -> None:
    audit.register_words(actions={
        "votes.motion_created": _l("Motion created"), "votes.amendment_admitted": _l("Amendment admitted"),
        "votes.amendment_declined": _l("Amendment not admitted"),
        "votes.vote_opened": _l("Vote opened"), "votes.vote_closed": _l("Vote closed"),
        "votes.ballot_cast": _l("Ballot cast"), "votes.room_vote": _l("Vote in the room recorded"),
        "votes.comment_hidden": _l("Comment hidden"),
    }, fields={
        "subject": _l("Subject"), "secret": _l("Secret vote"), "by_correspondence": _l("By correspondence"),
        "channel": _l("Voting channel"), "choice": _l("Choice"), "outcome": _l("Outcome"),
        "yes": _l("In favour"), "no": _l("Against"), "abstain": _l("Abstaining"), "present": _l("Present"),
        "eligible": _l("Voters on the roll"), "digest": _l("Digest of the receipts"),
        "against": _l("Against (register numbers)"), "abstaining": _l("Abstaining (register numbers)"),
        "ballots": _l("Ballots recorded"), "hidden": _l("Hidden"),
    }, objects={
        "motions": _l("Motion %(id)s"), "motion_amendments": _l("Amendment %(id)s"),
        "motion_comments": _l("Comment %(id)s"), "vote_participations": _l("Participation %(id)s"),
        "secret_ballots": _l("Secret ballot %(id)s"), "mission_versions": _l("Mission version %(id)s"),
        "statute_versions": _l("Statute text version %(id)s"),
    }, enums={
        "subject": SubjectLabel, "outcome": Outcome, "channel": Channel, "choice": ChoiceLabel,
        "motions.status": MotionStatus, "motion_amendments.status": AmendmentStatus,
    })
