"""The member register (libro soci), DOMAIN.md §2."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.labels import LabeledEnum
from ..core.types import AwareDateTime, Money, StrEnum
from ..extensions import db


class Category(LabeledEnum):
    WORKER = "worker"              # socio lavoratore
    VOLUNTEER = "volunteer"        # socio volontario (own section of the register)
    USER = "user"                  # socio fruitore
    FINANCING = "financing"        # socio sovventore
    LEGAL_PERSON = "legal_person"  # persona giuridica

    __labels__ = {"worker": _l("Worker member"), "volunteer": _l("Volunteer member"),
                  "user": _l("User member"), "financing": _l("Financing member"),
                  "legal_person": _l("Legal person")}


class MemberStatus(LabeledEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    EXCLUDED = "excluded"
    DECEASED = "deceased"
    LAPSED = "lapsed"

    # Shown next to a name (badges): in Italian the ended statuses are nouns that do not
    # agree with the member's gender ("Recesso", "Decesso", not "Receduto", "Deceduto").
    __labels__ = {"active": lazy_pgettext("member status", "Active"),
                  "withdrawn": lazy_pgettext("member status", "Withdrawn"),
                  "excluded": lazy_pgettext("member status", "Excluded"),
                  "deceased": lazy_pgettext("member status", "Deceased"),
                  "lapsed": lazy_pgettext("member status", "Lapsed")}
    __tones__ = {"active": "success", "withdrawn": "secondary", "excluded": "danger",
                 "deceased": "dark", "lapsed": "secondary"}


class ExitKind(LabeledEnum):
    """Why a member left (the register's "exit reason", DOMAIN.md §2-3)."""

    WITHDRAWAL = "withdrawal"  # recesso, art. 2532 c.c.
    EXCLUSION = "exclusion"    # esclusione, art. 2533 c.c.
    DEATH = "death"            # morte, art. 2534 c.c.
    LAPSE = "lapse"            # decadenza (loss of the requirements, per statute)

    __labels__ = {"withdrawal": _l("Withdrawal"), "exclusion": _l("Exclusion"),
                  "death": _l("Death"), "lapse": _l("Lapse")}


def search_key(text: str) -> str:
    """What the register's search compares: lower case without accents ("Bertè" ->
    "berte"), the same on SQLite and PostgreSQL because it is computed here, on writing
    the entry and on reading the query (no collation or extension needed)."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Member(db.Model):
    """One entry of the libro soci. Entries are never deleted and never silently
    overwritten: every change is a MemberHistory row (see operations.correct_member)."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Register number: sequential, never reused (unique + RegisterCounter).
    number: Mapped[int] = mapped_column(sa.Integer, nullable=False, unique=True)
    first_name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    # For a legal person, the company name.
    last_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    # Codice fiscale (16 chars) for persons; partita IVA (11 digits) for legal persons.
    tax_code: Mapped[str] = mapped_column(sa.String(16), nullable=False, index=True)
    legal_representative: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    birth_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    address: Mapped[str | None] = mapped_column(sa.String(300), nullable=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), nullable=True, index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    category: Mapped[Category] = mapped_column(StrEnum(Category), nullable=False, index=True)
    admitted_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    shares_subscribed: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    shares_paid_amount: Mapped[Decimal] = mapped_column(Money(), nullable=False, default=Decimal("0.00"))
    status: Mapped[MemberStatus] = mapped_column(StrEnum(MemberStatus), nullable=False,
                                                 default=MemberStatus.ACTIVE, index=True)
    exit_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    exit_kind: Mapped[ExitKind | None] = mapped_column(StrEnum(ExitKind), nullable=True)
    # The reasons as the board wrote them (the kind is exit_kind, worded when shown).
    exit_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    # Lower-cased "last first" for the register search (indexed, portable).
    search_name: Mapped[str] = mapped_column(sa.String(310), nullable=False, index=True)

    history: Mapped[list["MemberHistory"]] = relationship(
        back_populates="member", order_by="MemberHistory.id", cascade="all, delete-orphan",
        lazy="raise_on_sql")

    __table_args__ = (
        sa.CheckConstraint("number > 0", name="number_positive"),
        sa.CheckConstraint("shares_subscribed >= 1", name="shares_positive"),
        sa.CheckConstraint("shares_paid_amount >= 0", name="paid_not_negative"),
        sa.Index("ix_members_status_category", "status", "category"),
        sa.Index("ix_members_last_first", "last_name", "first_name"),
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def sort_name(self) -> str:
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def is_legal_person(self) -> bool:
        return self.category == Category.LEGAL_PERSON

    def refresh_search_name(self) -> None:
        self.search_name = search_key(f"{self.last_name} {self.first_name}")


class MemberHistory(db.Model):
    """What changed in a register entry, when and by whom (DOMAIN.md §2: corrections
    never overwrite silently)."""

    __tablename__ = "member_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    actor_email: Mapped[str | None] = mapped_column(sa.String(254), nullable=True)
    action: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    changes: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
    note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)

    member: Mapped[Member] = relationship(back_populates="history")


class RegisterCounter(db.Model):
    """The last register number ever assigned. Locked (SELECT ... FOR UPDATE) while a
    number is taken, and only ever increased, so numbers are never reused even if an
    entry were removed; members.number is also UNIQUE."""

    __tablename__ = "register_counters"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    last_number: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
