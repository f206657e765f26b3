"""The one clock. Every "today" and "now" in the platform comes from here, so tests
(and the demo) can move time without patching the standard library."""
from __future__ import annotations

import contextlib
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")

_frozen: datetime | None = None


def now() -> datetime:
    """Timezone-aware current time (UTC internally)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(tz=ZoneInfo("UTC"))


def today() -> date:
    """Today's date in Rome, where the cooperative lives."""
    return now().astimezone(ROME).date()


def set_now(moment: datetime | date | None) -> None:
    """Freeze the clock (tests, demos); None lets it run again."""
    global _frozen
    if moment is None:
        _frozen = None
        return
    if isinstance(moment, date) and not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(12, 0), tzinfo=ROME)
    if moment.tzinfo is None:
        raise ValueError("the clock only takes timezone-aware datetimes")
    _frozen = moment


@contextlib.contextmanager
def frozen(moment: datetime | date):
    previous = _frozen
    set_now(moment)
    try:
        yield
    finally:
        globals()["_frozen"] = previous


def advance(days: int = 0, **kwargs) -> None:
    """Move a frozen clock forward (tests)."""
    if _frozen is None:
        raise RuntimeError("advance() needs a frozen clock")
    set_now(_frozen + timedelta(days=days, **kwargs))
