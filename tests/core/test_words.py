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


def _enum_codes() -> set[str]:
    """Every value of every LabeledEnum of the platform ("draft", "in_session", "yes")."""
    from governance.core.labels import LabeledEnum
    codes, pending = set(), list(LabeledEnum.__subclasses__())
    while pending:
        enum_class = pending.pop()
        pending.extend(enum_class.__subclasses__())
        codes.update(member.value for member in enum_class)
    return codes


def test_every_field_object_and_code_the_demo_logs_reads_in_words(app, today):
    """The demo cooperative exercises every domain (admissions, assemblies and their
    session, votes, loans): each entry it logs names its object, each changed field and
    each stored code in words, read for the entry's kind of object (a status "draft" is
    an assembly's "Bozza" but a motion's "Non ancora messa ai voti")."""
    import sqlalchemy as sa

    from governance import demo
    from governance.core.audit import AuditEntry
    from governance.extensions import db
    demo.seed_demo(if_empty=True, echo=lambda line: None)
    codes = _enum_codes()
    problems = set()
    entries = list(db.session.scalars(sa.select(AuditEntry)))
    assert {e.action.split(".")[0] for e in entries} >= {"application", "assembly", "votes", "loan"}
    for entry in entries:
        if not audit.known_action(entry.action):
            problems.add(f"action {entry.action}")
        if entry.object_type and audit.object_label(entry.object_type, "1") == audit.object_label("?", "1"):
            problems.add(f"object {entry.object_type} ({entry.action})")
        for name, pair in (entry.changes or {}).items():
            if audit.field_label(name) == name.replace("_", " "):
                problems.add(f"field {name} ({entry.action})")
            for value in pair if isinstance(pair, list) else []:
                for one in value if isinstance(value, list) else [value]:
                    if isinstance(one, str) and one in codes and audit.value_text(name, one, entry.object_type) == one:
                        problems.add(f"code {name}={one} ({entry.action})")
    assert not problems, sorted(problems)
