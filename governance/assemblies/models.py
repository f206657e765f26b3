"""Assembly models (DOMAIN.md §4): the assembly with its two calls, the ordered agenda
and its documents, the stored convocation and each member's receipt, proxies,
attendance (check-in), the roll frozen when the session opens, and the minutes.

Guarantees are database constraints: one live proxy per delegator and assembly
(partial UNIQUE index), one attendance row per member and assembly, one receipt per
member and assembly, one frozen roll entry per member. The proxy cap is kept under
concurrent requests by locking the assembly row (operations.proxies).
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.labels import LabeledEnum
from ..core.types import AwareDateTime, StrEnum
from ..extensions import db
from ..members.models import Member


class Kind(LabeledEnum):
    ORDINARY = "ordinary"
    EXTRAORDINARY = "extraordinary"

    __labels__ = {"ordinary": _l("Ordinary"), "extraordinary": _l("Extraordinary")}


class AssemblyStatus(LabeledEnum):
    DRAFT = "draft"
    CONVENED = "convened"
    IN_SESSION = "in_session"
    CLOSED = "closed"

    __labels__ = {"draft": _l("Draft"), "convened": _l("Convened"), "in_session": _l("In session"),
                  "closed": _l("Closed")}
    __tones__ = {"draft": "secondary", "convened": "primary", "in_session": "success", "closed": "dark"}


class CallUsed(LabeledEnum):
    FIRST = "first"
    SECOND = "second"

    __labels__ = {"first": _l("First call"), "second": _l("Second call")}


class ProxyStatus(LabeledEnum):
    ACTIVE = "active"
    REVOKED = "revoked"    # by the delegator, before the session
    DECLINED = "declined"  # by the delegate, before the session
    VOID = "void"          # the delegator checked in at the session

    __labels__ = {"active": _l("Active"), "revoked": _l("Revoked"), "declined": _l("Declined"),
                  "void": _l("Void (the delegator attended)")}
    __tones__ = {"active": "success", "revoked": "secondary", "declined": "warning", "void": "secondary"}


class Assembly(db.Model):
    __tablename__ = "assemblies"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[Kind] = mapped_column(StrEnum(Kind, 16), nullable=False)
    status: Mapped[AssemblyStatus] = mapped_column(StrEnum(AssemblyStatus, 16), nullable=False,
                                                   default=AssemblyStatus.DRAFT, index=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    first_call_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False, index=True)
    second_call_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    place: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    online_link: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)
    published_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    opened_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    call: Mapped[CallUsed | None] = mapped_column(StrEnum(CallUsed, 8), nullable=True)
    # Designated at the session (names as written in the minutes).
    chair_name: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    secretary_name: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    scrutineers: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="assembly", order_by="AgendaItem.position", cascade="all, delete-orphan",
        lazy="selectin")

    __table_args__ = (
        sa.CheckConstraint("second_call_at > first_call_at", name="second_after_first"),
        sa.CheckConstraint("(status = 'draft') = (published_on IS NULL)", name="published_has_date"),
    )

    @property
    def is_draft(self) -> bool:
        return self.status == AssemblyStatus.DRAFT

    def session_day(self) -> date:
        """The assembly date of DOMAIN.md §4: the day (in Rome) of the call the session
        is held on; before the session, the first call's day."""
        from .rules import rome_day
        moment = self.second_call_at if self.call == CallUsed.SECOND else self.first_call_at
        return rome_day(moment)


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(sa.ForeignKey("assemblies.id", ondelete="CASCADE"),
                                             nullable=False, index=True)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")  # Markdown
    # An admission appeal decided by the assembly (DOMAIN.md §3.3).
    application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="SET NULL"), nullable=True)
    # What the secretary writes for the minutes (the discussion, the outcome).
    summary: Mapped[str | None] = mapped_column(sa.Text, nullable=True)

    assembly: Mapped[Assembly] = relationship(back_populates="items")
    documents: Mapped[list["AgendaDocument"]] = relationship(
        back_populates="item", order_by="AgendaDocument.id", cascade="all, delete-orphan",
        lazy="selectin")

    __table_args__ = (sa.CheckConstraint("position >= 1", name="position_positive"),)


class AgendaDocument(db.Model):
    """A file attached to an agenda item, stored under instance/ (outside the web root)
    by its random `stored_name`; the type was checked on the content."""

    __tablename__ = "agenda_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_items.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    filename: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    stored_name: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    item: Mapped[AgendaItem] = relationship(back_populates="documents")


class Convocation(db.Model):
    """The convocation as published, stored once: each member's email is rendered from
    it by the outbox worker at send time (their name and personal receipt link)."""

    __tablename__ = "assembly_convocations"

    assembly_id: Mapped[int] = mapped_column(sa.ForeignKey("assemblies.id", ondelete="CASCADE"),
                                             primary_key=True)
    published_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    subject: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)  # the letter, plain text
    ics: Mapped[bytes] = mapped_column(sa.LargeBinary, nullable=False)
    locale: Mapped[str] = mapped_column(sa.String(8), nullable=False, default="it")


class Receipt(db.Model):
    """One member's convocation: how it went (the outbox message with this `topic`,
    the latest one after a resend) and when the member confirmed receipt."""

    __tablename__ = "assembly_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(sa.ForeignKey("assemblies.id", ondelete="CASCADE"),
                                             nullable=False)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), nullable=True)  # None: by post
    topic: Mapped[str] = mapped_column(sa.String(80), nullable=False, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)

    member: Mapped[Member] = relationship(lazy="raise_on_sql")

    __table_args__ = (sa.UniqueConstraint("assembly_id", "member_id", name="one_receipt_per_member"),)


class Proxy(db.Model):
    """A written proxy (delega). At most one live (active) proxy per delegator and
    assembly: a partial UNIQUE index; revoked and declined ones stay for the record."""

    __tablename__ = "assembly_proxies"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(sa.ForeignKey("assemblies.id", ondelete="CASCADE"),
                                             nullable=False, index=True)
    delegator_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id", ondelete="RESTRICT"),
                                              nullable=False)
    delegate_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id", ondelete="RESTRICT"),
                                             nullable=False, index=True)
    status: Mapped[ProxyStatus] = mapped_column(StrEnum(ProxyStatus, 16), nullable=False,
                                                default=ProxyStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    # A paper proxy recorded by the secretary: the scan, stored like agenda documents.
    scan_stored_name: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)

    delegator: Mapped[Member] = relationship(foreign_keys=[delegator_id], lazy="joined")
    delegate: Mapped[Member] = relationship(foreign_keys=[delegate_id], lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("delegator_id <> delegate_id", name="not_to_oneself"),
        sa.Index("uq_assembly_proxies_live_delegator", "assembly_id", "delegator_id", unique=True,
                 postgresql_where=sa.text("status = 'active'"), sqlite_where=sa.text("status = 'active'")),
    )


class Attendance(db.Model):
    """A member at the session: checked in (by the secretary, or online by themself),
    and `left_at` once they leave (checked out). A new check-in clears it."""

    __tablename__ = "assembly_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(sa.ForeignKey("assemblies.id", ondelete="CASCADE"),
                                             nullable=False)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id", ondelete="RESTRICT"),
                                           nullable=False, index=True)
    checked_in_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    left_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    online: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)

    member: Mapped[Member] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("assembly_id", "member_id", name="one_row_per_member"),)


class RollEntry(db.Model):
    """The roll of voters frozen when the session opens (kept with the minutes)."""

    __tablename__ = "assembly_roll"

    assembly_id: Mapped[int] = mapped_column(sa.ForeignKey("assemblies.id", ondelete="CASCADE"),
                                             primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id", ondelete="RESTRICT"),
                                           primary_key=True)
    number: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(310), nullable=False)


class Minutes(db.Model):
    """The verbale: drafted from what happened, edited by the secretary; the signed scan
    locks it (read-only from then on)."""

    __tablename__ = "assembly_minutes"

    assembly_id: Mapped[int] = mapped_column(sa.ForeignKey("assemblies.id", ondelete="CASCADE"),
                                             primary_key=True)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    drafted_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    signed_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    signed_scan_stored_name: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    # Attendance figures at closing, as the minutes state them.
    figures: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)

    assembly: Mapped[Assembly] = relationship()

    @property
    def signed(self) -> bool:
        return self.signed_at is not None
