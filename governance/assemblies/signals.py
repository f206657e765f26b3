"""What the assemblies domain tells later domains (votes), without knowing them
(CONVENTIONS.md habit 12). Receivers run inside the same transaction as the change.
These names are stable: the votes domain connects to them."""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the Assembly just published (kwargs: actor).
assembly_published = _signals.signal("assembly-published")

# sender: the Assembly whose session just opened (kwargs: actor, call). The roll is
# frozen (RollEntry rows) before this is sent.
assembly_opened = _signals.signal("assembly-opened")

# sender: the Assembly just closed (kwargs: actor). Votes still open should be closed
# by their domain; the minutes draft is generated after the receivers ran.
assembly_closed = _signals.signal("assembly-closed")

# sender: the Assembly whose attendance changed (kwargs: member_id, present).
attendance_changed = _signals.signal("attendance-changed")

# sender: the Assembly. Each receiver returns an iterable of member ids who voted by
# correspondence at this assembly (the votes domain): they count in P (DOMAIN.md §4).
correspondence_voters = _signals.signal("correspondence-voters")

# sender: the Assembly; each receiver returns a list of lines (str) to add under an
# agenda item in the minutes draft (kwargs: item). The votes domain writes the votes
# with the names required by art. 2375 c.c.
minutes_item_lines = _signals.signal("minutes-item-lines")

# sender: the Assembly being published; each receiver returns a list of lines (str) to
# print under an agenda item in the convocation (kwargs: item): the votes domain gives
# the full text of the motions that may be voted by correspondence (art. 2538 c.6 c.c.).
convocation_item_lines = _signals.signal("convocation-item-lines")
