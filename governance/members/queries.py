"""Read helpers for the register, used by views, API and PDFs. Every list is one query
for the rows (plus one COUNT for a page): nothing here loads per member."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterator

import sqlalchemy as sa

from ..core import clock, inputs
from ..extensions import db
from ..statute.queries import history_of_values, value_on
from . import rules
from .models import Category, Member, MemberHistory, MemberStatus, search_key


TAX_CODE_PREFIX = re.compile(r"[0-9A-Z]{1,16}")


def member_by_number(number: int) -> Member | None:
    if not 0 < number <= 2_147_483_647:  # beyond the INTEGER column: no such entry
        return None
    return db.session.scalar(sa.select(Member).where(Member.number == number))


@dataclass(frozen=True)
class RegisterFilter:
    """The register's search and filters, shared by the page, the API and the exports.
    Unknown category/status values are dropped by `from_args` (the page then shows
    everything); the API refuses them in its schema instead."""

    q: str = ""
    category: Category | None = None
    status: MemberStatus | None = None
    shares_due: bool = False   # only active entries whose shares are not fully paid

    @classmethod
    def from_args(cls, args, default_status: "MemberStatus | None" = None) -> "RegisterFilter":
        """`default_status` when the arguments name none (the register page shows the
        active members first); `status=all` asks for every status."""
        def enum_or_none(enum_class, raw):
            try:
                return enum_class(raw) if raw else None
            except ValueError:
                return None
        return cls(q=inputs.search(args.get("q")),
                   category=enum_or_none(Category, args.get("category")),
                   status=enum_or_none(MemberStatus, args.get("status", default_status)),
                   shares_due=args.get("shares") == "due")

    def as_args(self) -> dict:
        """The filter as query-string arguments (links to other pages, exports)."""
        out = {}
        if self.q:
            out["q"] = self.q
        if self.category:
            out["category"] = self.category.value
        out["status"] = self.status.value if self.status else "all"  # explicit: the page's default differs
        if self.shares_due:
            out["shares"] = "due"
        return out

    def apply(self, query: sa.Select) -> sa.Select:
        if self.category is not None:
            query = query.where(Member.category == self.category)
        if self.status is not None:
            query = query.where(Member.status == self.status)
        if self.q:
            query = query.where(search_condition(self.q))
        if self.shares_due:
            query = query.where(shares_due_condition())
        return query


def subscribed_amount_expression():
    """SQL for what each entry subscribed: its shares at the nominal value in force on
    its admission day (the statute's history as one CASE, newest period first), so the
    "shares still to be paid" filter and count are one query, not one per member."""
    history = history_of_values("share_value")
    default = history[0][1]
    whens = [(Member.admitted_on >= effective_from, Member.shares_subscribed * sa.literal(value, sa.Numeric(12, 2)))
             for effective_from, value in reversed(history[1:])]
    if not whens:
        return Member.shares_subscribed * sa.literal(default, sa.Numeric(12, 2))
    return sa.case(*whens, else_=Member.shares_subscribed * sa.literal(default, sa.Numeric(12, 2)))


def shares_due_condition():
    """Active entries that have not paid all their subscribed shares."""
    return sa.and_(Member.status == MemberStatus.ACTIVE,
                   Member.shares_paid_amount < subscribed_amount_expression())


def count_shares_due() -> int:
    return db.session.scalar(sa.select(sa.func.count(Member.id)).where(shares_due_condition()))


def search_condition(q: str):
    """What the register's search box matches: the register number, the name (every
    word of the query inside the lower-cased `search_name`, so "mario rossi" finds
    "Rossi Mario"), the tax code (exact or its beginning) and the email."""
    text = q.strip()
    conditions = []
    if not any(ch.isdigit() for ch in text):
        # Names have no digits: a query with digits is a number or a tax code, and
        # skipping the name (a scan of every entry) keeps those searches on indexes.
        words = search_key(text).split()
        conditions.append(sa.and_(*(Member.search_name.contains(w, autoescape=True) for w in words)))
    compact = "".join(text.split()).upper()
    if TAX_CODE_PREFIX.fullmatch(compact):
        # Codes are [0-9A-Z] of at most 16 characters, and 'Z' sorts after every such
        # character in any collation: the prefix is a range the tax_code index serves
        # (LIKE 'X%' is not indexed by SQLite's case-insensitive LIKE, nor by
        # PostgreSQL outside the C collation).
        conditions.append(Member.tax_code.between(compact, compact + "Z" * (16 - len(compact))))
    if text.isdigit() and len(text) <= 9:
        conditions.append(Member.number == int(text))
    if "@" in text:
        conditions.append(Member.email.startswith(text.lower(), autoescape=True))
    return sa.or_(*conditions) if conditions else sa.false()


# The register page's sortable columns (the number breaks ties, so pages never overlap).
# Category and status sort in their declared order (worker, volunteer, user, financing,
# legal person; active first), the same in every language, not by the stored code.
def _declared_order(column, enum) -> sa.Case:
    return sa.case({member: index for index, member in enumerate(enum)}, value=column)


SORTS = {"number": Member.number, "name": Member.search_name,
         "category": _declared_order(Member.category, Category),
         "status": _declared_order(Member.status, MemberStatus), "admitted_on": Member.admitted_on}


def register_query(register_filter: RegisterFilter | None = None, sort: str = "number",
                   descending: bool = False) -> sa.Select:
    """The register's entries matching the filter, in register-number order (or by
    another column of SORTS)."""
    column = SORTS.get(sort, Member.number)
    first = column.desc() if descending else column.asc()
    query = sa.select(Member).order_by(first, Member.number)
    return (register_filter or RegisterFilter()).apply(query)


def page_of(query: sa.Select, page: int, per_page: int) -> tuple[list, int]:
    """(rows of one page, total): exactly two queries, whatever the page size."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(
        query.order_by(None).subquery()))
    rows = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return rows, total


def seniority_days(on: date | None = None) -> int:
    """art. 2538 c.1 c.c.: days in the register before a member may vote, in force `on`."""
    return value_on("voting_seniority_days", on or clock.today())


def voting_right_from(member: Member, days: int | None = None) -> date | None:
    """The first day the member may vote, with the seniority in force on that day
    (history of the parameter: read once per request); None once they have left.
    `days` is ignored (kept for callers that passed today's seniority)."""
    if member.status != MemberStatus.ACTIVE:
        return None
    return rules.first_voting_day(member.admitted_on, history_of_values("voting_seniority_days"))


def may_vote_today(member: Member, days: int | None = None) -> bool:
    """Active and in the register for the seniority period (art. 2538 c.1 c.c.)."""
    first = voting_right_from(member)
    return first is not None and clock.today() >= first


def history_query(member: Member) -> sa.Select:
    return sa.select(MemberHistory).where(MemberHistory.member_id == member.id).order_by(MemberHistory.id)


def history_of(member: Member) -> list[MemberHistory]:
    """The entry's history, oldest first (the relationship is raise-on-sql on purpose)."""
    return list(db.session.scalars(
        sa.select(MemberHistory).where(MemberHistory.member_id == member.id)
        .order_by(MemberHistory.id)))


# The columns of the exports, read as plain rows (no ORM objects for 100,000 entries).
EXPORT_COLUMNS = (
    Member.number, Member.first_name, Member.last_name, Member.tax_code, Member.birth_date,
    Member.email, Member.phone, Member.address, Member.category, Member.admitted_on,
    Member.shares_subscribed, Member.status, Member.exit_on, Member.exit_reason,
    Member.shares_paid_amount, Member.legal_representative, Member.exit_kind,
)


def export_rows(register_filter: RegisterFilter | None = None, *, batch: int = 2000
                ) -> Iterator[sa.Row]:
    """Every entry matching the filter as a Row of EXPORT_COLUMNS, in register-number
    order, streamed in batches from one query."""
    query = (register_filter or RegisterFilter()).apply(sa.select(*EXPORT_COLUMNS)) \
        .order_by(Member.number)
    result = db.session.execute(query.execution_options(yield_per=batch))
    yield from result


def amount_due(member: Member) -> Decimal:
    """The member's shares at the nominal value in force at admission (art. 2525 c.c.):
    the one definition of what a member has subscribed."""
    return rules.amount_due(member.shares_subscribed, value_on("share_value", member.admitted_on))
