"""Inviting members who have no login (an imported register): each gets a login of role
member, inactive until they choose a password through an activation link sent by email
(the lifecycle's activation page). Idempotent: a run skips members whose login is active
and those invited in the last 7 days; others are invited (again). Audited once per run.

10,000 members at once: the logins are written with one multi-row INSERT, their roles
and their emails with INSERT ... SELECT; each email's body (with the personal link) is
written by the outbox worker when it sends it (topic "invitation:<user id>")."""
from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from ..auth.models import User, UserRole
from ..core import audit, clock
from ..core.outbox import OutboxMessage, OutboxStatus
from ..core.permissions import Role
from ..core.urls import public_url
from ..extensions import db
from ..lifecycle import access as lifecycle_access
from ..members.models import Member, MemberStatus

AGAIN_AFTER = timedelta(days=7)


def _emails_taken():
    return sa.select(sa.func.lower(User.email))


def invite(actor, *, numbers: list[int] | None = None) -> dict:
    """Invite every active member without an active login (or only `numbers`).
    Returns {"invited": new logins, "reinvited": invited again, "skipped": ...}."""
    now = clock.now()
    email = sa.func.lower(sa.func.trim(Member.email))
    shared = (sa.select(sa.func.lower(sa.func.trim(Member.email))).where(Member.email.is_not(None))
              .group_by(sa.func.lower(sa.func.trim(Member.email))).having(sa.func.count() > 1))
    scope = [Member.status == MemberStatus.ACTIVE, Member.email.is_not(None), sa.func.trim(Member.email) != ""]
    if numbers is not None:
        scope.append(Member.number.in_(numbers or [-1]))
    linked = sa.select(User.member_id).where(User.member_id.is_not(None))
    new = db.session.execute(sa.select(Member.id, email, Member.first_name, Member.last_name).where(
        *scope, Member.id.not_in(linked), email.not_in(_emails_taken()), email.not_in(shared))).all()
    rows = [{"email": e, "password_hash": None, "full_name": f"{first} {last}".strip(), "locale": "it",
             "is_active_account": False, "member_id": member_id, "created_at": now,
             "session_version": secrets.token_hex(16), "invited_at": now} for member_id, e, first, last in new]
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(User.__table__), rows[start:start + 5000])
    member_ids = [member_id for member_id, *_rest in new]
    new_ids = db.session.scalars(sa.select(User.id).where(User.member_id.in_(member_ids))).all() if member_ids else []
    if new_ids:
        db.session.execute(sa.insert(UserRole).from_select(
            ["user_id", "role"], sa.select(User.id, sa.literal(Role.MEMBER.value)).where(User.id.in_(new_ids))))
    # Invited before, never activated, and not in the last 7 days: a new link.
    again = db.session.scalars(
        sa.select(User.id).join(Member, Member.id == User.member_id).where(
            *scope, User.is_active_account.is_(False), User.invited_at.is_not(None),
            User.invited_at < now - AGAIN_AFTER)).all()
    if again:
        db.session.execute(sa.update(User).where(User.id.in_(again)).values(invited_at=now)
                           .execution_options(synchronize_session=False))
    subject = _invitation_subject()
    queued = 0
    targets = list(new_ids) + list(again)
    for start in range(0, len(targets), 5000):
        chunk = targets[start:start + 5000]
        db.session.execute(sa.insert(OutboxMessage).from_select(
            ["created_at", "recipient", "subject", "body", "status", "topic", "attempts", "next_attempt_at",
             "sensitive"],
            sa.select(sa.literal(now, OutboxMessage.created_at.type), User.email, sa.literal(subject),
                      sa.literal(""), sa.literal(OutboxStatus.QUEUED.value),
                      sa.literal("invitation:") + sa.cast(User.id, sa.String), sa.literal(0),
                      sa.literal(now, OutboxMessage.next_attempt_at.type), sa.true())
            .where(User.id.in_(chunk))))
        queued += len(chunk)  # every login has an email (its login name)
    counts = {"invited": len(rows), "reinvited": len(again), "queued": queued}
    audit.record(actor, "users.invite", None, object_type="users",
                 summary=f"{counts['invited']} invited, {counts['reinvited']} invited again"
                 + (f" (numbers {', '.join(map(str, numbers[:50]))})" if numbers else " (all without a login)"))
    return counts


def _invitation_subject() -> str:
    with force_locale("it"):
        return _("Your account on the cooperative's platform")


def activation_url(user: User) -> str:
    return public_url("lifecycle.activate", token=lifecycle_access.activation_token(user, 0))


def render_invitation(message) -> None:
    """The outbox worker's renderer for topic "invitation:<user id>"."""
    user = db.session.get(User, int(message.topic.split(":", 1)[1]))
    if user is None or user.is_active_account:
        raise ValueError("the login is gone or already active")
    with force_locale(user.locale or "it"):
        message.body = render_template("assemblies/email/invitation.txt", user=user, link=activation_url(user),
                                       cooperative_name=_cooperative())
        message.subject = _("Your account on the cooperative's platform")


def _cooperative() -> str:
    from flask import current_app
    return current_app.config["COOPERATIVE_NAME"]


def pending_login(member_id: int) -> User | None:
    """The member's invited login not yet activated (its link goes in the convocation)."""
    return db.session.scalar(sa.select(User).where(User.member_id == member_id, User.is_active_account.is_(False),
                                                   User.invited_at.is_not(None)))


def without_login_count() -> int:
    linked = sa.select(User.member_id).where(User.member_id.is_not(None), User.is_active_account.is_(True))
    return db.session.scalar(sa.select(sa.func.count(Member.id)).where(
        Member.status == MemberStatus.ACTIVE, Member.id.not_in(linked)))
