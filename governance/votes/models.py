"""Models of the votes domain (DOMAIN.md §5): the mission's versions, motions on agenda
items, amendments, comments, and the two records of a vote.

Guarantees are database constraints:
- one ballot per voter per motion: `vote_participations` is UNIQUE (motion, member),
  where the member is the one whose vote it is (the delegator for a proxy vote), so a
  delegate casts at most one ballot per proxy held;
- a secret vote keeps who voted (`vote_participations`, choice NULL) and what was voted
  (`secret_ballots`) in two tables that share nothing but the motion: random UUID keys
  (no sequence to line up), no timestamps, and both rewritten in an unrelated order
  when the vote closes (operations.voting.close_vote), so neither the physical order nor
  the transaction ids of the rows link them;
- receipt codes are UNIQUE; a mission version number is UNIQUE.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..assemblies.models import AgendaItem, Assembly
from ..core.labels import LabeledEnum
from ..core.types import AwareDateTime, StrEnum
from ..extensions import db
from ..members.models import Member


class SubjectLabel(LabeledEnum):
    """The subjects of rules.Subject with their words."""

    MISSION = "mission"
    STATUTE_PURPOSE = "statute_purpose"
    STATUTE_OTHER = "statute_other"
    LOAN_REGULATION = "loan_regulation"
    ACCOUNTS = "accounts"
    ELECTION = "election"
    APPEAL = "appeal"
    OTHER = "other"

    __labels__ = {"mission": _l("Mission statement change"),
                  "statute_purpose": _l("Statute change: purpose clause"),
                  "statute_other": _l("Statute change: other clauses"),
                  "loan_regulation": _l("Social-loan regulation"), "accounts": _l("Accounts"),
                  "election": _l("Board election"), "appeal": _l("Admission appeal"), "other": _l("Other")}


class ChoiceLabel(LabeledEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"

    __labels__ = {"yes": _l("Yes"), "no": _l("No"), "abstain": _l("Abstain")}
    __tones__ = {"yes": "success", "no": "danger", "abstain": "secondary"}


class MotionStatus(LabeledEnum):
    DRAFT = "draft"    # discussed, amended, voted by correspondence; not yet open live
    OPEN = "open"      # the secretary opened the live vote
    CLOSED = "closed"  # counted; the result is stored

    __labels__ = {"draft": _l("Not yet put to the vote"), "open": _l("Vote open"), "closed": _l("Vote closed")}
    __tones__ = {"draft": "secondary", "open": "success", "closed": "dark"}


class Outcome(LabeledEnum):
    APPROVED = "approved"
    REJECTED = "rejected"

    __labels__ = {"approved": _l("Approved"), "rejected": _l("Rejected")}
    __tones__ = {"approved": "success", "rejected": "danger"}


class Channel(LabeledEnum):
    ONLINE = "online"                  # live, from a phone or a computer
    CORRESPONDENCE = "correspondence"  # electronic, before the session (art. 2538 c.6 c.c.)
    ROOM = "room"                      # entered by the secretary for the room

    __labels__ = {"online": _l("Online"), "correspondence": _l("By correspondence"), "room": _l("In the room")}


class AmendmentStatus(LabeledEnum):
    PROPOSED = "proposed"
    ADMITTED = "admitted"
    DECLINED = "declined"

    __labels__ = {"proposed": _l("Proposed"), "admitted": _l("Admitted"), "declined": _l("Not admitted")}
    __tones__ = {"proposed": "info", "admitted": "success", "declined": "secondary"}


class Motion(db.Model):
    """A motion put to an agenda item. An admitted amendment is voted as a motion of its
    own (`amendment_of_id` is the motion it amends), before that motion."""

    __tablename__ = "motions"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_items.id", ondelete="CASCADE"),
                                                nullable=False, index=True)
    amendment_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("motions.id", ondelete="CASCADE"), nullable=True, index=True)
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    subject: Mapped[SubjectLabel] = mapped_column(StrEnum(SubjectLabel, 20), nullable=False)
    rationale: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    current_text: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    proposed_text: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    # The text put to the vote: the proposal, as changed by approved amendments.
    voted_text: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    text_amended: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    secret: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    by_correspondence: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    amendments_until: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    status: Mapped[MotionStatus] = mapped_column(StrEnum(MotionStatus, 8), nullable=False,
                                                 default=MotionStatus.DRAFT, index=True)
    opened_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    # The result, stored when the vote closes (figures as counted then).
    eligible: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    present: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    # The majority's bases in votes, when a legal person's ballot counts more than one
    # (art. 2538 c.3 c.c.); NULL: the same as the heads above.
    eligible_votes: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    present_votes: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    yes: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    no: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    abstain: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    dropped: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)  # correspondence, amended text
    rule: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    call: Mapped[str | None] = mapped_column(sa.String(8), nullable=True)
    outcome: Mapped[Outcome | None] = mapped_column(StrEnum(Outcome, 8), nullable=True)
    reason: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    receipts_digest: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    agenda_item: Mapped[AgendaItem] = relationship(lazy="joined")
    amendment_of: Mapped["Motion | None"] = relationship(remote_side=[id])

    __table_args__ = (
        sa.CheckConstraint("(status = 'closed') = (outcome IS NOT NULL)", name="closed_has_outcome"),
        sa.CheckConstraint("status = 'draft' OR opened_at IS NOT NULL OR status = 'closed'",
                           name="open_has_time"),
    )

    @property
    def assembly(self) -> Assembly:
        return self.agenda_item.assembly

    @property
    def has_text(self) -> bool:
        return self.proposed_text is not None

    @property
    def is_amendment(self) -> bool:
        return self.amendment_of_id is not None


class Amendment(db.Model):
    """A member's amendment to a motion's proposed text. Admitted: voted before the
    motion as its own vote (`vote_id`); approved: it becomes the text put to the vote."""

    __tablename__ = "motion_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(sa.ForeignKey("motions.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id", ondelete="SET NULL"),
                                                  nullable=True)
    proposed_text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    rationale: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    status: Mapped[AmendmentStatus] = mapped_column(StrEnum(AmendmentStatus, 10), nullable=False,
                                                    default=AmendmentStatus.PROPOSED)
    reasons: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    vote_id: Mapped[int | None] = mapped_column(sa.ForeignKey("motions.id", ondelete="SET NULL"),
                                                nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)

    motion: Mapped[Motion] = relationship(foreign_keys=[motion_id])
    vote: Mapped[Motion | None] = relationship(foreign_keys=[vote_id])
    author: Mapped[Member | None] = relationship(lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("status = 'proposed' OR (reasons IS NOT NULL AND decided_at IS NOT NULL)",
                           name="decision_has_reasons"),
    )


class Comment(db.Model):
    """A comment in a motion's discussion (Markdown, rendered sanitised). Hidden by the
    board with a reason: others see that it was hidden and why, the author sees it too."""

    __tablename__ = "motion_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(sa.ForeignKey("motions.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                  nullable=True)
    author_name: Mapped[str] = mapped_column(sa.String(310), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    hidden_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    hidden_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    hidden_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    __table_args__ = (
        sa.CheckConstraint("(hidden_at IS NULL) = (hidden_reason IS NULL)", name="hidden_has_reason"),
    )


def _uuid() -> uuid.UUID:
    return uuid.uuid4()


class VoteParticipation(db.Model):
    """Who voted on a motion: one row per voter (the delegator for a proxy vote, with
    `cast_by_id` the delegate). Open votes keep the choice here (the names in the
    minutes, art. 2375 c.c.); secret votes leave it NULL and keep the choice in
    SecretBallot, which nothing links to this row. No timestamp: the vote's own times
    are on the motion."""

    __tablename__ = "vote_participations"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=_uuid)
    motion_id: Mapped[int] = mapped_column(sa.ForeignKey("motions.id", ondelete="CASCADE"), nullable=False)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id", ondelete="RESTRICT"), nullable=False,
                                           index=True)
    cast_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id", ondelete="RESTRICT"),
                                                   nullable=True)
    channel: Mapped[Channel] = mapped_column(StrEnum(Channel, 16), nullable=False)
    choice: Mapped[ChoiceLabel | None] = mapped_column(StrEnum(ChoiceLabel, 8), nullable=True)
    # art. 2538 c.3 c.c.: a legal-person member's ballot counts the statute's
    # votes_per_legal_person (on the assembly's day), stored when it is cast.
    weight: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False, default=1, server_default="1")

    member: Mapped[Member] = relationship(foreign_keys=[member_id], lazy="raise_on_sql")

    __table_args__ = (
        sa.UniqueConstraint("motion_id", "member_id", name="one_ballot_per_voter"),
        sa.Index("ix_vote_participations_motion_choice", "motion_id", "choice"),
        sa.CheckConstraint("weight BETWEEN 1 AND 5", name="weight_range"),
    )


class SecretBallot(db.Model):
    """What was voted in a secret vote, with the receipt handed to the voter. Nothing
    here says who: no member, no time, no sequence (random UUID key)."""

    __tablename__ = "secret_ballots"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=_uuid)
    motion_id: Mapped[int] = mapped_column(sa.ForeignKey("motions.id", ondelete="CASCADE"), nullable=False)
    choice: Mapped[ChoiceLabel] = mapped_column(StrEnum(ChoiceLabel, 8), nullable=False)
    receipt: Mapped[str] = mapped_column(sa.String(12), nullable=False, unique=True)
    # art. 2538 c.6 c.c.: dropped when the text put to the vote was amended.
    by_correspondence: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    # The votes this ballot counts (art. 2538 c.3 c.c.): 1 for every natural person and
    # whenever the statute keeps the default. A weight above 1 reveals that the ballot is
    # a legal person's: not which one when several legal persons vote, but the choice of
    # the only legal person voting (as the weighted result may already tell).
    weight: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False, default=1, server_default="1")

    __table_args__ = (sa.Index("ix_secret_ballots_motion_choice", "motion_id", "choice"),
                      sa.CheckConstraint("weight BETWEEN 1 AND 5", name="weight_range"))


class MissionVersion(db.Model):
    """A version of the mission statement (the identity card, DOMAIN.md §5): version 1
    is the cooperative's five-point card, loaded by migration 0013_votes; each approved
    mission motion adds the next, dated on the assembly day."""

    __tablename__ = "mission_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(sa.Integer, nullable=False, unique=True)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    effective_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    assembly_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assemblies.id", ondelete="SET NULL"),
                                                    nullable=True)
    motion_id: Mapped[int | None] = mapped_column(sa.ForeignKey("motions.id", ondelete="SET NULL"),
                                                  nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)

    assembly: Mapped[Assembly | None] = relationship(lazy="joined")
    motion: Mapped[Motion | None] = relationship(lazy="joined")

    __table_args__ = (sa.CheckConstraint("number >= 1", name="number_positive"),)


STATUTE_DOCUMENTS = ("statute_purpose", "statute_other")


class StatuteVersion(db.Model):
    """A version of a statute text (DOMAIN.md §5), kept as the mission's are: the
    purpose clause ('statute_purpose') and the other clauses ('statute_other') each
    have their own numbering. There is no version 1 until the first approved statute
    motion of that document: its voted text becomes version 1, dated on the assembly day."""

    __tablename__ = "statute_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    document: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    number: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    effective_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    assembly_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assemblies.id", ondelete="SET NULL"),
                                                    nullable=True)
    motion_id: Mapped[int | None] = mapped_column(sa.ForeignKey("motions.id", ondelete="SET NULL"),
                                                  nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)

    assembly: Mapped[Assembly | None] = relationship(lazy="joined")
    motion: Mapped[Motion | None] = relationship(lazy="joined")

    __table_args__ = (sa.CheckConstraint("number >= 1", name="number_positive"),
                      sa.CheckConstraint("document IN ('statute_purpose', 'statute_other')", name="document_known"),
                      sa.UniqueConstraint("document", "number"))
