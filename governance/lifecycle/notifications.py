"""The emails of the membership lifecycle, one function each, written in the
recipient's language (their login's, or the one they applied in) and queued in the
outbox with the change that caused them. Topics are codes ("application:12",
"member:18"), worded by the outbox page."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..auth.models import User
from ..core.formatting import money
from ..core.outbox import send_templated
from ..core.urls import public_url
from ..extensions import db
from ..members.models import ExitKind, Member
from ..statute.queries import value_on

# art. 2533 c.c.: the excluded member may challenge in court within 60 days (fixed by law).
CHALLENGE_DAYS = 60


def member_locale(member: Member) -> str:
    user = db.session.scalar(sa.select(User).where(User.member_id == member.id))
    return user.locale if user is not None else "it"


def _to_applicant(application, subject, template: str, **context):
    return send_templated(application.email, application.locale, subject, f"lifecycle/email/{template}",
                          topic=f"application:{application.id}", application=application,
                          status_url=public_url("lifecycle.status"), **context)


def _to_member(member: Member, subject, template: str, **context):
    return send_templated(member.email, member_locale(member), subject, f"lifecycle/email/{template}",
                          topic=f"member:{member.number}", member=member, **context)


def application_received(application, *, amount_due, share_value):
    # No payment details here: the shares are the new member's to pay, once admitted
    # (art. 2528 c.c.); the admission letter and the welcome email give them. A payment
    # before the admission could not be recorded in the register (no entry yet).
    return _to_applicant(application, _l("Your application has been received"), "acknowledgement.txt",
                         amount_due=money(amount_due), share_value=money(share_value))


class _later:
    """A sentence made when the email is written (inside its language), not before."""

    def __init__(self, make):
        self.make = make

    def __str__(self):
        return self.make()

    def __bool__(self):
        return bool(self.make())


def admitted(application, member, *, letter: bytes, activation_url, amount_due):
    from .letters import member_reference, payment_details
    return send_templated(
        application.email, application.locale, _l("Welcome: you are a member of the cooperative"),
        "lifecycle/email/admitted.txt", topic=f"application:{application.id}",
        attachments=[("lettera-ammissione.pdf", "application/pdf", letter)],
        sensitive=activation_url is not None, application=application, member=member,
        activation_url=activation_url, login_url=public_url("auth.login"), amount_due=money(amount_due),
        payment=_later(lambda: payment_details(member_reference(member))))


def duplicate_application(pending, *, attempted_email: str | None):
    """Someone applied again with the tax code of an application still open: told to
    the address of that application, not to whoever typed the tax code."""
    return _to_applicant(pending, _l("A new application with your tax code"),
                         "duplicate_application.txt", attempted_email=attempted_email)


def application_from_a_member(member: Member, *, attempted_email: str | None):
    """Someone applied with the tax code of an active member: told to the member."""
    return _to_member(member, _l("A new application with your tax code"),
                      "application_from_member.txt", attempted_email=attempted_email,
                      login_url=public_url("auth.login"))


def rejected(application, *, appeal_deadline):
    return _to_applicant(application, _l("Your application for membership"), "rejected.txt",
                         appeal_deadline=appeal_deadline)


def activation(application, *, activation_url):
    return send_templated(application.email, application.locale, _l("Activate your account"),
                          "lifecycle/email/activation.txt", topic=f"application:{application.id}",
                          sensitive=True, application=application, activation_url=activation_url)


def applicant_password_reset(application, token: str):
    from .access import RESET_MAX_AGE
    return send_templated(application.email, application.locale, _l("Set a new password for your application"),
                          "lifecycle/email/applicant_password_reset.txt",
                          topic=f"application:{application.id}", sensitive=True,
                          application=application, hours=max(1, RESET_MAX_AGE // 3600),
                          link=public_url("lifecycle.applicant_reset", token=token))


def appeal_received(application):
    return _to_applicant(application, _l("Your appeal has been received"), "appeal_received.txt")


def appeal_decided(application, appeal):
    return _to_applicant(application, _l("The assembly decided on your appeal"), "appeal_decided.txt",
                         appeal=appeal)


def withdrawal_received(member, request):
    return _to_member(member, _l("Your withdrawal request has been received"),
                      "withdrawal_received.txt", request=request)


def _refund_term(exit_) -> dict:
    """When the shares are refunded (art. 2535 c.c.): the date once that year's accounts
    are approved, otherwise the term in days after their approval (the email says which
    year); the template words it."""
    if exit_ is None:
        return {}
    return {"refund_due_on": exit_.refund_due_on, "refund_year": exit_.effective_on.year,
            "refund_days": int(value_on("share_refund_days", exit_.effective_on))}


def _challenge_by(notice_on) -> dict:
    """The last day to go to court, from the notice (60 days, fixed by law)."""
    from .rules import term_end
    return {"challenge_by": term_end(notice_on, CHALLENGE_DAYS) if notice_on else None}


def withdrawal_decided(member, request, exit_=None):
    return _to_member(member, _l("The board decided on your withdrawal"), "withdrawal_decided.txt",
                      request=request, **_refund_term(exit_), **_challenge_by(request.notice_on))


def exit_recorded(member, exit_):
    subject = _l("Exclusion from the cooperative") if exit_.kind == ExitKind.EXCLUSION else \
        _l("End of your membership")
    return _to_member(member, subject, "exit.txt", exit=exit_, challenge_days=CHALLENGE_DAYS,
                      **_refund_term(exit_), **_challenge_by(exit_.notice_on))


def refund_due(member, exit_, approval):
    return _to_member(member, _l("Refund of your shares"), "refund_due.txt", exit=exit_, approval=approval)


def share_payment(member, payment, *, subscribed):
    return _to_member(member, _l("Payment of your shares received"), "share_payment.txt",
                      payment=payment, subscribed=money(subscribed))


# --- the board: told of new applications and withdrawal requests ---------------------------

def _board_users(exclude=None) -> list[User]:
    from ..core.permissions import Role
    from ..auth.models import UserRole
    return list(db.session.scalars(
        sa.select(User).join(User.roles).where(UserRole.role == Role.BOARD,
                                               User.is_active_account.is_(True),
                                               User.id != getattr(exclude, "id", None))
        .order_by(User.id)))


def _each_arrival() -> bool:
    from flask import current_app
    return current_app.config.get("BOARD_NOTIFICATIONS", "each") != "digest"


def board_new_application(application) -> int:
    """One email to each board member as an application arrives (setting "each")."""
    if not _each_arrival():
        return 0
    url = public_url("lifecycle.detail", application_id=application.id)
    for user in _board_users():
        send_templated(user.email, user.locale, _l("New application for membership"),
                       "lifecycle/email/board_application.txt", topic=f"application:{application.id}",
                       application=application, url=url)
    return 1


def board_new_withdrawal(member, request, actor=None) -> int:
    """One email to each board member (but the one who recorded it) as a withdrawal
    request arrives (setting "each")."""
    if not _each_arrival():
        return 0
    url = public_url("lifecycle.withdrawal_detail", request_id=request.id)
    for user in _board_users(exclude=actor):
        send_templated(user.email, user.locale, _l("New withdrawal request"),
                       "lifecycle/email/board_withdrawal.txt", topic=f"member:{member.number}",
                       member=member, request=request, url=url)
    return 1


def board_digest(applications, withdrawals, day) -> int:
    """The day's arrivals in one email to each board member (setting "digest"); a
    board member already sent this day's digest is skipped (the command may run twice)."""
    from ..core.outbox import OutboxMessage
    if not applications and not withdrawals:
        return 0
    topic = f"digest:{day.isoformat()}"
    already = set(db.session.scalars(sa.select(OutboxMessage.recipient).where(OutboxMessage.topic == topic)))
    sent = 0
    for user in _board_users():
        if user.email in already:
            continue
        send_templated(user.email, user.locale, _l("New applications and withdrawal requests"),
                       "lifecycle/email/board_digest.txt", topic=topic, day=day,
                       applications=[(a, public_url("lifecycle.detail", application_id=a.id))
                                     for a in applications],
                       withdrawals=[(w, public_url("lifecycle.withdrawal_detail", request_id=w.id))
                                    for w in withdrawals],
                       queue_url=public_url("lifecycle.queue"))
        sent += 1
    return sent
