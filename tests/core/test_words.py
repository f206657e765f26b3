"""Every action code the platform writes in the audit log reads in words: each domain
registers its words (core.audit.register_words), and a code nobody registered would
show as "Altra operazione" in the audit log."""
from __future__ import annotations

import re
from pathlib import Path

from governance.core import audit
from governance.lifecycle.models import WithdrawalStatus
from governance.loans.models import MovementKind
from governance.members.models import ExitKind

ROOT = Path(__file__).resolve().parents[2] / "governance"
LITERAL = re.compile(r'audit\.record\(\s*[^,()]+(?:\([^)]*\))?\s*,\s*"([a-z_]+\.[a-z_]+)"')
ASSIGNED = re.compile(r'\baction\s*=\s*"([a-z_]+\.[a-z_]+)"')
# Codes made with an f-string, from their enums.
DYNAMIC = ([f"withdrawal.{s.value}" for s in WithdrawalStatus if s != WithdrawalStatus.PENDING]
           + [f"member.exit_{k.value}" for k in ExitKind]
           + [f"loan.{k.value}" for k in MovementKind]
           + ["register.export_csv", "register.export_pdf", "assembly.proxy_revoke", "assembly.proxy_decline",
              "votes.amendment_declined"])


def written_codes() -> set[str]:
    codes = set(DYNAMIC)
    for path in ROOT.rglob("*.py"):
        text = path.read_text()
        codes.update(LITERAL.findall(text))
        codes.update(ASSIGNED.findall(text))
    return codes


def test_every_audit_action_has_words(app):
    codes = written_codes()
    assert len(codes) > 40  # the scan finds them
    missing = sorted(code for code in codes if not audit.known_action(code))
    assert not missing, f"audit actions without words (register them with core.audit.register_words): {missing}"
