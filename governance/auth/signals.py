"""What logins tell later domains, without knowing them (CONVENTIONS.md habit 12).
Receivers run inside the same transaction as the request."""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the inactive User for whom a forgotten-password link was asked. No reset link
# goes to an inactive login; the lifecycle sends a new activation link instead when the
# login is an admitted applicant's never activated (an expired welcome link).
inactive_login_reset_requested = _signals.signal("inactive-login-reset-requested")
