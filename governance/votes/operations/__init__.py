"""Use cases of motions and votes (DOMAIN.md §5), one function each, grouped by what the
user is doing: motions, amendments and the discussion (motions), casting and counting
(voting). Each checks the rules (votes.rules with the statute values in force on the
assembly day), changes the models, writes the audit log, queues its emails
(votes.notifications) and flushes; the request wrapper commits."""
from .motions import (add_comment, create_motion, decide_amendment, hide_comment,  # noqa: F401
                      propose_amendment)
from .voting import cast_ballot, close_vote, open_vote, record_room_vote  # noqa: F401
