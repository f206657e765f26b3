"""The board's decision on an application (DOMAIN.md §3.2): admission with its
register number, login and letter, or refusal with reasons; account activation."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from ...auth import passwords
from ...auth.models import User
from ...auth.operations import create_user, find_user_by_email
from ...core import audit, clock, inputs
from ...core.audit import AuditEntry
from ...core.errors import Conflict, DomainError
from ...core.inputs import Problems
from ...core.permissions import Role
from ...core.urls import public_url
from ...extensions import db
from ...members import operations as register
from ...members.models import Member, MemberStatus
from ...statute.queries import value_on
from .. import access, letters, notifications, queries, rules
from ..models import Application, ApplicationStatus, LoginNotLinked
from .common import APPLICANT_FIELDS, clean_text, decision_date, lock


def decide_application(application: Application, data: dict, actor) -> Application:
    """The board's decision {outcome: admitted|rejected, decided_on, reasons}. The
    decision date is the board meeting's: not in the future, not before the
    application (nor before the assembly's decision on an appeal)."""
    lock(application)
    application.ensure_decidable()  # 409 already_decided, before looking at the input
    today = clock.today()
    problems = Problems()
    outcome = str(data.get("outcome") or "").strip()
    if outcome not in ("admitted", "rejected"):
        problems.add("outcome", _("Choose admitted or rejected."))
    earliest, what = application.submitted_on, _("the application")
    if application.status == ApplicationStatus.APPEAL_UPHELD and application.appeal is not None:
        earliest, what = application.appeal.assembly_decided_on, _("the assembly's decision")
    decided_on = decision_date(data.get("decided_on"), earliest, today, problems, what=what)
    reasons = clean_text(data.get("reasons"), "reasons", problems)
    if outcome == "rejected" and not reasons:
        problems.add("reasons", _("The reasons for a refusal are mandatory: they are sent to the "
                                  "applicant (art. 2528 c.c.)."), "reasons_required")
    problems.raise_if_any(priority=("validation", "decision_date", "reasons_required"))
    if outcome == "admitted":
        admit_applicant(application, decided_on, actor)
    else:
        reject_applicant(application, decided_on, reasons, actor)
    return application


def admit_applicant(application: Application, decided_on: date, actor) -> Member:
    """Admission: register number, register entry (admission date = decision date),
    login linked and waiting for activation, welcome email with the admission letter."""
    application.ensure_decidable()
    # Take the register's lock first, so the volunteer cap is checked and the number
    # taken by one admission at a time (register_member takes it again: same transaction).
    register.lock_counter()
    data = {field: getattr(application, field) for field in APPLICANT_FIELDS}
    data["category"] = application.category.value
    data["admitted_on"] = decided_on
    clean, errors = register.validate_entry(data, today=clock.today())
    if errors:
        problems = Problems()
        problems.merge(errors)
        problems.raise_if_any()
    previous = application.status
    member = register.register_member(
        clean, actor, action="member.admit", check_cap=True,
        context={"application": application.id, "decided_on": decided_on})
    application.mark_admitted(member, decided_on, getattr(actor, "id", None))
    application.updated_at = clock.now()
    user = _login_for(application, member, actor)
    # The applicant password was only for following the application: it is now the
    # login's (or dropped, when an existing login is linked), never a second credential.
    application.password_hash = ""
    db.session.flush()
    audit.record(actor, "application.admit", application,
                 summary=f"{application.full_name}: admitted on {decided_on.isoformat()}, "
                         f"n. {member.number}",
                 changes={"status": [previous, application.status], "member_number": [None, member.number],
                          "decided_on": [None, decided_on]})
    share_value = value_on("share_value", decided_on)
    letter = letters.admission_letter(application, member, share_value)
    activation_url = None
    if user is not None and not user.is_active:
        activation_url = public_url("lifecycle.activate",
                                    token=access.activation_token(user, application.id))
    notifications.admitted(application, member, letter=letter, activation_url=activation_url,
                           amount_due=rules.amount_due(member.shares_subscribed, share_value))
    return member


# Why an admission went on without a login (application.login_not_linked in the audit
# log; queries.login_not_linked_reason reads it back for the board).
LOGIN_STAFF = LoginNotLinked.STAFF.value
LOGIN_OTHER_MEMBER = LoginNotLinked.OTHER_MEMBER.value
LOGIN_UNVERIFIED = LoginNotLinked.UNVERIFIED.value


def _is_returning_member(user: User, application: Application) -> bool:
    """The login belongs to a former member (no longer active) with the applicant's tax
    code: the same person joining again, whose login may follow them."""
    former = db.session.get(Member, user.member_id) if user.member_id else None
    return (former is not None and former.status != MemberStatus.ACTIVE
            and former.tax_code == application.tax_code)


def _login_for(application: Application, member: Member, actor) -> User | None:
    """The new member's login: created inactive with the password chosen when applying,
    activated by the emailed link.

    Anyone may apply with any email, so an existing login with this email is linked
    only when it is a returning member's (a former member with the same tax code).
    Otherwise (a staff login, another member's login, a login nothing ties to this
    person) the admission goes on without a login: it is audited and the board is told,
    so the office links one by hand."""
    user = find_user_by_email(application.email)
    if user is None:
        user = create_user(application.email, None, [Role.MEMBER], full_name=application.full_name,
                           member=member, locale=application.locale, active=False, actor=actor)
        user.password_hash = application.password_hash
    elif _is_returning_member(user, application):
        before = db.session.get(Member, user.member_id)
        user.member_id = member.id
        user.set_roles(user.role_set | {Role.MEMBER})
        audit.record(actor, "application.login_linked", application,
                     summary=f"{user.email}: login of former member n. {before.number} linked")
    else:
        if user.role_set - {Role.MEMBER}:
            reason = LOGIN_STAFF
        elif user.member_id is not None:
            reason = LOGIN_OTHER_MEMBER
        else:
            reason = LOGIN_UNVERIFIED
        audit.record(actor, "application.login_not_linked", application,
                     summary=f"{user.email}: existing login not linked ({reason})",
                     changes={"reason": [None, reason], "user_id": [None, user.id]})
        return None
    application.user_id = user.id
    return user


def login_not_linked_message(application: Application) -> str | None:
    """For the board, after an admission without a login: why, and what to do."""
    if application.status != ApplicationStatus.ADMITTED or application.user_id is not None:
        return None
    reason = queries.login_not_linked_reason(application)
    if reason == LOGIN_STAFF:
        why = _("the email %(email)s belongs to a login of the cooperative's staff",
                email=application.email)
    elif reason == LOGIN_OTHER_MEMBER:
        why = _("the email %(email)s belongs to the login of another member", email=application.email)
    else:
        why = _("the email %(email)s belongs to an existing login that nothing ties to this "
                "applicant", email=application.email)
    return _("No login was created for the new member: %(why)s. Check with the member and "
             "link a login by hand from the users page.", why=why)


def reject_applicant(application: Application, decided_on: date, reasons: str, actor) -> Application:
    """Refusal with mandatory reasons, emailed to the applicant; the notice is the day
    the email is queued, and the appeal term runs from it."""
    today = clock.today()
    previous = application.status
    application.mark_rejected(decided_on, reasons, getattr(actor, "id", None), notice_on=today)
    application.updated_at = clock.now()
    db.session.flush()
    audit.record(actor, "application.reject", application,
                 summary=f"{application.full_name}: refused on {decided_on.isoformat()}",
                 changes={"status": [previous, application.status], "refusal_reasons": [None, reasons],
                          "decided_on": [None, decided_on]})
    deadline = rules.appeal_deadline(today, value_on("appeal_days", today))
    notifications.rejected(application, appeal_deadline=deadline)
    return application


def _activated_since(user: User, since: datetime) -> bool:
    """Was this login activated (by a link) at or after `since`? The audit log is the
    record: an admin who deactivates the account later does not erase it."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "user.activate", AuditEntry.object_type == User.__tablename__,
        AuditEntry.object_id == str(user.id), AuditEntry.at >= since)) > 0


def _ensure_activatable(user: User, since: datetime) -> None:
    """An activation link only ever turns a new, never-activated login on: an active
    account, or one that was activated and then deactivated by the office, is refused."""
    if user.is_active:
        raise Conflict("already_active", _("This account is already active: log in with your "
                                           "email and password."))
    if _activated_since(user, since):
        raise Conflict("account_deactivated", _(
            "This account was deactivated by the cooperative after its activation: an "
            "activation link cannot enable it again. Contact the secretary."))


def resend_activation(application: Application) -> None:
    """A new activation link to the application's email (the first one may expire)."""
    if application.status != ApplicationStatus.ADMITTED or application.user_id is None:
        raise Conflict("not_admitted", _("Only an admitted applicant's account can be activated."))
    user = db.session.get(User, application.user_id)
    if user is None:
        raise Conflict("not_admitted", _("Only an admitted applicant's account can be activated."))
    _ensure_activatable(user, application.submitted_at)
    audit.record(None, "application.activation_resent", application)
    notifications.activation(application, activation_url=public_url(
        "lifecycle.activate", token=access.activation_token(user, application.id)))


def new_activation_for_login(user: User) -> bool:
    """A new activation link for a login never activated that belongs to an admitted
    applicant (the welcome link expired). Nothing for an active login, a login with no
    admission, or one the office deactivated after its activation. True if sent."""
    if user.is_active:
        return False
    application = db.session.scalar(
        sa.select(Application).where(Application.user_id == user.id,
                                     Application.status == ApplicationStatus.ADMITTED)
        .order_by(Application.id.desc()).limit(1))
    if application is None:
        return False
    try:
        resend_activation(application)
    except Conflict:   # already active, or deactivated by the cooperative: never re-enabled
        return False
    return True


def request_new_activation(email: str) -> None:
    """Anyone may ask for a new activation link by email: it is sent only when that
    email's login is an admitted applicant's, never activated. The caller answers the
    same whatever happened, so nobody learns who applied or was admitted."""
    user = find_user_by_email(email)
    if user is not None:
        new_activation_for_login(user)


def activation_user(token: str) -> User:
    """The login an activation link may still activate, or the reason it may not:
    404 invalid_token (forged, expired, or its password changed since: the link was
    used with a new password), 409 already_active / account_deactivated (the link was
    used, or the office deactivated the account after it was activated)."""
    data = access.read_activation_token(token)
    user = db.session.get(User, data["u"]) if data else None
    if user is not None:
        # A genuine link: say why it no longer works (already active, or deactivated
        # by the office after its activation) before checking it is still current.
        _ensure_activatable(user, data["issued_at"])
    if user is None or data.get("v") != user.session_version:
        raise DomainError("invalid_token", _("This activation link is not valid, has expired or "
                                             "was already used. Ask for a new one."), status=404)
    return user


def activate_account(token: str, new_password: str | None = None) -> User:
    """The emailed link, once: the login becomes active, with the password chosen when
    applying unless a new one is given."""
    user = activation_user(token)
    if not new_password and not user.password_hash:  # invited without applying: no password yet
        raise DomainError("validation", _("Choose a password for your account."), field="password")
    if new_password:
        try:
            user.set_password(passwords.checked(new_password))
        except inputs.InvalidInput as problem:
            raise DomainError("validation", problem.message, field="password") from None
    user.is_active_account = True
    audit.record(user, "user.activate", user, summary=user.email)
    return user
