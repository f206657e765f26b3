"""Every model, imported once so that Flask-Migrate sees the whole metadata."""
from .auth.models import ApiToken, LoginFailure, User, UserRole  # noqa: F401
from .core.audit import AuditEntry  # noqa: F401
from .core.outbox import OutboxAttachment, OutboxMessage  # noqa: F401
from .members.models import Member, MemberHistory, RegisterCounter  # noqa: F401
from .statute.models import StatuteValue  # noqa: F401

try:  # later domains
    from .lifecycle import models as _applications  # noqa: F401
except ModuleNotFoundError as exc:  # pragma: no cover - until that domain lands
    if exc.name != "governance.lifecycle":
        raise
