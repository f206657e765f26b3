"""How the audit log reads the votes' codes (issue 8: stored codes, words when shown)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core import audit


def register() -> None:
    audit.register_words(actions={
        "votes.motion_created": _l("Motion created"), "votes.amendment_admitted": _l("Amendment admitted"),
        "votes.vote_opened": _l("Vote opened"), "votes.vote_closed": _l("Vote closed"),
        "votes.ballot_cast": _l("Ballot cast"), "votes.room_vote": _l("Vote in the room recorded"),
        "votes.comment_hidden": _l("Comment hidden"),
    })
