"""What the lifecycle tells later domains, without knowing them (CONVENTIONS.md habit 12,
as Indico's `signals`): the assemblies and loans domains connect to these in their
init_app. Receivers run inside the same transaction as the change."""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the MemberExit whose effect was applied (the member's status changed today).
# Social loans close the member's accounts (DOMAIN.md §3.7).
member_exit_applied = _signals.signal("member-exit-applied")

# sender: the AdmissionAppeal just lodged (kwargs: actor). The assemblies domain puts it
# on the agenda of the next ordinary assembly that is not yet convened (DOMAIN.md §3.3).
appeal_lodged = _signals.signal("appeal-lodged")
