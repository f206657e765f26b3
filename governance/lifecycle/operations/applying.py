"""Applying for membership (DOMAIN.md §3.1, art. 2528 c.c.): anyone submits an
application; the applicant follows it with the password chosen."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ...auth import passwords, throttling
from ...core import audit, clock, inputs, limits
from ...core.errors import DomainError
from ...core.formatting import day
from ...core.inputs import Problems
from ...core.request_cycle import keep_changes_despite_error
from ...extensions import db
from ...members import operations as register
from ...members.models import Member, MemberStatus
from ...statute.queries import value_on
from .. import access, notifications, rules
from ..models import OPEN_STATUSES, Application, ApplicationStatus
from .common import APPLICANT_FIELDS


def validate_application(data: dict, today: date) -> tuple[dict, Problems]:
    """Shape and rules of an application: the register's own checks (validate_entry)
    plus what only an applicant gives (password, acceptances)."""
    problems = Problems()
    entry = {field: data.get(field) for field in APPLICANT_FIELDS}
    clean, errors = register.validate_entry(entry, today=today, require_admitted_on=False)
    clean.pop("admitted_on", None)
    problems.merge(errors)
    if not clean.get("email") and "email" not in errors:
        problems.add("email", _("This field is required: we write to you there."))
    if not clean.get("address") and "address" not in errors:
        problems.add("address", _("This field is required."))
    problems.take("password", passwords.checked, data.get("password"))
    if not inputs.flag(data.get("accepts_statute")):
        problems.add("accepts_statute", _("You must accept the statute to apply."))
    if not inputs.flag(data.get("accepts_privacy")):
        problems.add("accepts_privacy", _("You must accept the privacy notice to apply."))
    return clean, problems


def _check_not_duplicate(tax_code: str, problems: Problems, email: str | None) -> None:
    """One open application per tax code, and none from an active member. The public
    answer is the same in both cases and names nothing (anyone can type someone's tax
    code): the details go by email to the address already on file, where the person
    who owns the tax code reads them."""
    pending = db.session.scalar(sa.select(Application).where(
        Application.tax_code == tax_code, Application.status.in_(OPEN_STATUSES))
        .order_by(Application.id.desc()).limit(1))
    member = None if pending is not None else db.session.scalar(sa.select(Member).where(
        Member.tax_code == tax_code, Member.status == MemberStatus.ACTIVE).limit(1))
    if pending is None and member is None:
        return
    if pending is not None:
        notifications.duplicate_application(pending, attempted_email=email)
    else:
        notifications.application_from_a_member(member, attempted_email=email)
    keep_changes_despite_error()  # the email goes although the application is refused
    problems.add("tax_code", _(
        "We cannot accept an application with this tax code. If it is yours, we have "
        "written the reason to the email address we already have for it."),
        "duplicate_application")


def submit_application(data: dict, *, locale: str = "it") -> Application:
    """Anyone applies (no login). Status `submitted`, decision due in
    application_decision_days; acknowledgement email with the due date."""
    today, now = clock.today(), clock.now()
    clean, problems = validate_application(data, today)
    if "tax_code" in clean and "tax_code" not in problems.errors:
        _check_not_duplicate(clean["tax_code"], problems, clean.get("email"))
    problems.raise_if_any(priority=("duplicate_application",))

    application = Application(
        status=ApplicationStatus.SUBMITTED, category=clean["category"],
        first_name=clean.get("first_name") or "", last_name=clean["last_name"],
        tax_code=clean["tax_code"], legal_representative=clean.get("legal_representative"),
        birth_date=clean.get("birth_date"), address=clean["address"], email=clean["email"],
        phone=clean.get("phone"), shares=clean["shares"],
        locale=locale if locale in ("it", "en") else "it",
        password_hash=passwords.hash_password(data["password"]),
        accepted_statute_at=now, accepted_privacy_at=now, submitted_at=now, submitted_on=today,
        decision_due_on=rules.decision_due_on(today, value_on("application_decision_days", today)),
        updated_at=now)
    try:
        with db.session.begin_nested():  # the unique index: two submissions at once
            db.session.add(application)
            db.session.flush()
    except IntegrityError:
        raise DomainError("duplicate_application", _(
            "We cannot accept an application with this tax code. If it is yours, we have "
            "written the reason to the email address we already have for it."),
            field="tax_code") from None
    audit.record(None, "application.submit", application,
                 summary=f"{application.full_name} ({application.category.value}), "
                         f"due {application.decision_due_on.isoformat()}")
    share_value = value_on("share_value", today)
    notifications.application_received(
        application, amount_due=rules.amount_due(application.shares, share_value),
        share_value=share_value)
    notifications.board_new_application(application)
    return application


# Applicants' sign-in attempts are counted like logins', under their own key.
APPLICANT_THROTTLE_PREFIX = "applicant:"


def authenticate_applicant(email: str, password: str, remote_addr: str | None = None) -> Application:
    """The latest application sent from this email whose password matches (only open
    or refused ones: at admission the password moves to the member's login).

    Throttled like the logins (auth.throttling): after LOGIN_MAX_FAILURES attempts for
    the email within the window, even the right password is refused ('too_many_attempts',
    429) until the window passes; an unknown email takes as long as a wrong password."""
    from ...auth.operations import ADDRESS_FAILURES, lookup_email
    limits.refuse_if_exhausted(*ADDRESS_FAILURES, remote_addr)
    email = lookup_email(email)
    key = APPLICANT_THROTTLE_PREFIX + email
    throttling.count_attempt(key)
    candidates = db.session.scalars(sa.select(Application).where(Application.email == email)
                                    .order_by(Application.id.desc()).limit(5)).all()
    for application in candidates:
        if application.password_hash and passwords.matches(application.password_hash, password):
            throttling.clear(key)
            return application
    if not any(a.password_hash for a in candidates):
        passwords.matches(None, password)  # as long as a wrong password: do not tell who applied
    limits.count(*ADDRESS_FAILURES, remote_addr)
    raise DomainError("invalid_credentials", _("Email or password is not correct."), status=401)


def revoke_applicant_tokens(application: Application) -> None:
    """The applicant ends every token they were given (a lost phone, a shared computer)."""
    access.new_access_version(application)
    db.session.flush()
    audit.record(None, "application.tokens_revoked", application)


# --- forgotten applicant password -----------------------------------------------------------

def request_applicant_password_reset(email: str) -> None:
    """Email a reset link for the latest application from this email that the applicant
    still follows (a password, not admitted). The caller answers the same whatever
    happened, so nobody learns who applied."""
    from ...auth.operations import lookup_email
    email = lookup_email(email)
    application = db.session.scalar(
        sa.select(Application).where(Application.email == email,
                                     Application.password_hash != "",
                                     Application.status != ApplicationStatus.ADMITTED)
        .order_by(Application.id.desc()).limit(1))
    if application is not None:
        notifications.applicant_password_reset(application, access.reset_token(application))


def reset_applicant_password(token: str, new_password: str) -> Application:
    """Set the applicant's new password from a reset link: the link dies with the old
    password, and every applicant token and session of the application ends."""
    application = access.application_for_reset_token(token)
    if application is None:
        raise DomainError("token_invalid", _("This link has expired, has already been used or is "
                                             "not valid. Ask for a new one."), status=400)
    try:
        password = passwords.checked(new_password)
    except inputs.InvalidInput as problem:
        raise DomainError("validation", problem.message, field="password") from None
    application.password_hash = passwords.hash_password(password)
    access.new_access_version(application)
    throttling.clear(APPLICANT_THROTTLE_PREFIX + application.email)
    db.session.flush()
    audit.record(None, "application.password_reset", application)
    return application
