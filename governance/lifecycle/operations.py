"""Use cases of the membership lifecycle (DOMAIN.md §3), one function each.

Each one validates its input and the rules, changes the models, writes the audit log
and queues its emails through the outbox, then flushes; the request wrapper commits.
Any DomainError leaves nothing stored (the wrapper rolls the whole request back).
The HTML views and the JSON API both call these functions and nothing else.
"""
from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..auth.models import LoginFailure, User
from ..auth.operations import create_user, find_user_by_email
from ..core import audit, clock
from ..core.audit import AuditEntry
from ..core.errors import Conflict, DomainError
from ..core.money import format_eur, parse_money
from ..core.outbox import send_email
from ..core.permissions import Role
from ..core.request_cycle import keep_changes_despite_error
from ..extensions import db
from ..members import operations as register
from ..members import queries as register_queries
from ..members.models import Member, MemberStatus
from ..statute.queries import value_on
from . import access, letters, queries, rules
from .labels import day, exit_kind_label, status_label
from .models import (AccountsApproval, AdmissionAppeal, AppealStatus, Application,
                     ApplicationStatus, ExitKind, MemberExit, OPEN_STATUSES, SharePayment,
                     WithdrawalRequest, WithdrawalStatus)

# The applicant's fields (API.md names), as in a register entry.
APPLICANT_FIELDS = ("category", "first_name", "last_name", "tax_code", "birth_date", "address",
                    "email", "phone", "shares", "legal_representative")
PASSWORD_MIN_LENGTH = 10
REASONS_MAX_LENGTH = 5000
EXIT_STATUS = {ExitKind.WITHDRAWAL: MemberStatus.WITHDRAWN, ExitKind.EXCLUSION: MemberStatus.EXCLUDED,
               ExitKind.DEATH: MemberStatus.DECEASED, ExitKind.LAPSE: MemberStatus.LAPSED}


# --- small helpers -------------------------------------------------------------------

class Problems:
    """Field errors collected across a use case, raised once with the code of the most
    important rule broken (so a form shows every message next to its field)."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}
        self.codes: list[str] = []

    def add(self, field: str, message: str, code: str = "validation") -> None:
        self.errors.setdefault(field, []).append(message)
        self.codes.append(code)

    def merge(self, errors: dict[str, list[str]], code: str = "validation") -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add(field, message, code)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self, priority: tuple[str, ...] = ()) -> None:
        if not self.errors:
            return
        code = next((c for c in priority if c in self.codes), None)
        if code is None:
            code = "tax_code" if set(self.errors) == {"tax_code"} and "validation" in self.codes \
                else self.codes[0]
        if len(self.errors) == 1:
            (field, messages), = self.errors.items()
            message = messages[0]
        else:
            message = _("Some fields are not valid: %(fields)s.", fields=", ".join(sorted(self.errors)))
        raise DomainError(code, message, errors=self.errors)


def parse_date(raw: Any, field: str, problems: Problems, *, required: bool = True) -> date | None:
    if raw in (None, ""):
        if required:
            problems.add(field, _("This field is required."))
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        problems.add(field, _("Not a date (use YYYY-MM-DD)."))
        return None


def clean_text(raw: Any, field: str, problems: Problems, *, max_length: int = REASONS_MAX_LENGTH
               ) -> str | None:
    text = str(raw or "").strip()
    if len(text) > max_length:
        problems.add(field, _("At most %(n)d characters.", n=max_length))
    return text or None


def _truthy(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    return str(raw or "").strip().lower() in {"1", "true", "on", "yes", "y", "si", "sì"}


def hash_password(password: str) -> str:
    # Werkzeug's default (scrypt), as for logins: the hash moves to the login later.
    return generate_password_hash(password)


def public_url(endpoint: str, **values) -> str:
    """An absolute link for emails (PUBLIC_BASE_URL + path); works outside requests."""
    adapter = current_app.url_map.bind("localhost", script_name="/")
    path = adapter.build(endpoint, values, force_external=False)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def _email(recipient: str | None, locale: str, subject, template: str, *, topic: str,
           attachments=None, **context) -> None:
    """Queue one email written in the recipient's language: `subject` is a lazy string
    (_l) and the template's strings are translated inside force_locale."""
    if not recipient:
        return
    with force_locale(locale or "it"):
        body = render_template(template, cooperative_name=current_app.config["COOPERATIVE_NAME"],
                               **context)
        send_email(recipient, str(subject), body, attachments=attachments, topic=topic)


def _member_locale(member: Member) -> str:
    user = db.session.scalar(sa.select(User).where(User.member_id == member.id))
    return user.locale if user is not None else "it"


def _lock(obj) -> None:
    """Reload `obj` with its row locked until the end of the transaction, so two
    concurrent decisions on it queue up and the second sees the first one's result
    (PostgreSQL: SELECT ... FOR UPDATE; SQLite serialises writers with BEGIN IMMEDIATE)."""
    db.session.flush()
    db.session.refresh(obj, with_for_update=True)


def _decision_date(raw: Any, earliest: date, today: date, problems: Problems, *,
                   field: str = "decided_on", what: str | None = None) -> date | None:
    decided_on = parse_date(raw, field, problems)
    if decided_on is None:
        return None
    problem = rules.decision_date_problem(decided_on, earliest, today)
    if problem == "future":
        problems.add(field, _("The date %(date)s is in the future: give the date of the board "
                              "meeting.", date=day(decided_on)), "decision_date")
    elif problem == "before":
        problems.add(field, _("The date %(date)s is before %(what)s (%(earliest)s).",
                              date=day(decided_on),
                              what=what or _("the application"), earliest=day(earliest)),
                     "decision_date")
    return decided_on


# --- 1. applying ----------------------------------------------------------------------

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
    password = data.get("password") or ""
    if not isinstance(password, str) or len(password) < PASSWORD_MIN_LENGTH:
        problems.add("password", _("The password must be at least %(n)d characters long.",
                                   n=PASSWORD_MIN_LENGTH))
    elif len(password) > 200:
        problems.add("password", _("At most %(n)d characters.", n=200))
    if not _truthy(data.get("accepts_statute")):
        problems.add("accepts_statute", _("You must accept the statute to apply."))
    if not _truthy(data.get("accepts_privacy")):
        problems.add("accepts_privacy", _("You must accept the privacy notice to apply."))
    return clean, problems


def _check_not_duplicate(tax_code: str, problems: Problems) -> None:
    pending = db.session.scalar(sa.select(Application.submitted_on).where(
        Application.tax_code == tax_code, Application.status.in_(OPEN_STATUSES)))
    if pending is not None:
        problems.add("tax_code", _(
            "An application with tax code %(code)s submitted on %(date)s is still pending: "
            "follow it from the status page instead of applying again.",
            code=tax_code, date=day(pending)), "duplicate_application")
        return
    number = db.session.scalar(sa.select(Member.number).where(
        Member.tax_code == tax_code, Member.status == MemberStatus.ACTIVE))
    if number is not None:
        problems.add("tax_code", _("Tax code %(code)s already belongs to an active member "
                                   "(register number %(n)d).", code=tax_code, n=number),
                     "already_member")


def submit_application(data: dict, *, locale: str = "it") -> Application:
    """Anyone applies (no login). Status `submitted`, decision due in
    application_decision_days; acknowledgement email with the due date."""
    today, now = clock.today(), clock.now()
    clean, problems = validate_application(data, today)
    if "tax_code" in clean and "tax_code" not in problems.errors:
        _check_not_duplicate(clean["tax_code"], problems)
    problems.raise_if_any(priority=("duplicate_application", "already_member"))

    application = Application(
        status=ApplicationStatus.SUBMITTED, category=clean["category"],
        first_name=clean.get("first_name") or "", last_name=clean["last_name"],
        tax_code=clean["tax_code"], legal_representative=clean.get("legal_representative"),
        birth_date=clean.get("birth_date"), address=clean["address"], email=clean["email"],
        phone=clean.get("phone"), shares=clean["shares"],
        locale=locale if locale in ("it", "en") else "it",
        password_hash=hash_password(data["password"]),
        accepted_statute_at=now, accepted_privacy_at=now, submitted_at=now, submitted_on=today,
        decision_due_on=rules.decision_due_on(today, value_on("application_decision_days", today)),
        updated_at=now)
    try:
        with db.session.begin_nested():  # the unique index: two submissions at once
            db.session.add(application)
            db.session.flush()
    except IntegrityError:
        raise DomainError("duplicate_application", _(
            "An application with tax code %(code)s is already pending.", code=clean["tax_code"]),
            field="tax_code") from None
    audit.record(None, "application.submit", application,
                 summary=f"{application.full_name} ({application.category.value}), "
                         f"due {application.decision_due_on.isoformat()}")
    share_value = value_on("share_value", today)
    _email(application.email, application.locale, _l("Your application has been received"),
           "lifecycle/email/acknowledgement.txt", topic=f"application {application.id}",
           application=application, status_url=public_url("lifecycle.status"),
           amount_due=format_eur(rules.amount_due(application.shares, share_value)),
           share_value=format_eur(share_value))
    return application


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("not-a-password")


# Failed applicant sign-ins share the users' table of failures, under their own key, so
# guessing an applicant's password is slowed down like guessing a login's.
APPLICANT_FAILURE_PREFIX = "applicant:"


def _applicant_failure_key(email: str) -> str:
    return (APPLICANT_FAILURE_PREFIX + email)[:254]


def authenticate_applicant(email: str, password: str, remote_addr: str | None = None) -> Application:
    """The latest application sent from this email whose password matches (only open
    or refused ones: at admission the password moves to the member's login).

    Throttled like the logins (governance.auth.operations.authenticate): after
    LOGIN_MAX_FAILURES failures for the email within LOGIN_FAILURE_WINDOW_MINUTES, even
    the right password is refused ('too_many_attempts', 429) until the window passes; a
    failure is remembered although the request fails."""
    config = current_app.config
    email = (email or "").strip().lower()
    key = _applicant_failure_key(email)
    now = clock.now()
    window = timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"])
    failures, first_failure = db.session.execute(
        sa.select(sa.func.count(), sa.func.min(LoginFailure.at))
        .where(LoginFailure.email == key, LoginFailure.at > now - window)).one()
    if failures >= config["LOGIN_MAX_FAILURES"]:
        wait = max(1, int((first_failure + window - now).total_seconds() // 60) + 1)
        raise DomainError("too_many_attempts", _(
            "Too many failed attempts for this email: try again in %(minutes)d minutes.",
            minutes=wait), status=429)
    candidates = db.session.scalars(sa.select(Application).where(Application.email == email)
                                    .order_by(Application.id.desc()).limit(5)).all()
    for application in candidates:
        if application.password_hash and check_password_hash(application.password_hash, password or ""):
            # A success starts the count again (as a login does).
            db.session.execute(sa.delete(LoginFailure).where(LoginFailure.email == key))
            return application
    if not any(a.password_hash for a in candidates):
        # Take as long as a wrong password: do not tell who applied.
        check_password_hash(_dummy_hash(), password or "")
    db.session.add(LoginFailure(email=key, at=now, remote_addr=(remote_addr or "")[:45] or None))
    keep_changes_despite_error()
    raise DomainError("invalid_credentials", _("Email or password is not correct."), status=401)


# --- 2-3. the board's decision ---------------------------------------------------------

def decide_application(application: Application, data: dict, actor) -> Application:
    """The board's decision {outcome: admitted|rejected, decided_on, reasons}. The
    decision date is the board meeting's: not in the future, not before the
    application (nor before the assembly's decision on an appeal)."""
    _lock(application)
    application.ensure_decidable()  # 409 already_decided, before looking at the input
    today = clock.today()
    problems = Problems()
    outcome = str(data.get("outcome") or "").strip()
    if outcome not in ("admitted", "rejected"):
        problems.add("outcome", _("Choose admitted or rejected."))
    earliest, what = application.submitted_on, _("the application")
    if application.status == ApplicationStatus.APPEAL_UPHELD and application.appeal is not None:
        earliest, what = application.appeal.assembly_decided_on, _("the assembly's decision")
    decided_on = _decision_date(data.get("decided_on"), earliest, today, problems, what=what)
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
        note=f"application {application.id}, board decision of {decided_on.isoformat()}")
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
    _email(application.email, application.locale, _l("Welcome: you are a member of the cooperative"),
           "lifecycle/email/admitted.txt", topic=f"application {application.id}",
           attachments=[("lettera-ammissione.pdf", "application/pdf", letter)],
           application=application, member=member, activation_url=activation_url,
           login_url=public_url("auth.login"),
           amount_due=format_eur(rules.amount_due(member.shares_subscribed, share_value)))
    return member


# Why an admission went on without a login (application.login_not_linked in the audit
# log; queries.login_not_linked_reason reads it back for the board).
LOGIN_STAFF = "staff_login"            # the email is a login with other roles than member
LOGIN_OTHER_MEMBER = "other_member"    # the email is the login of another register entry
LOGIN_UNVERIFIED = "unverified_login"  # a member login with no entry: nothing proves it is theirs


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
    _email(application.email, application.locale, _l("Your application for membership"),
           "lifecycle/email/rejected.txt", topic=f"application {application.id}",
           application=application, appeal_deadline=deadline,
           status_url=public_url("lifecycle.status"))
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
    _email(application.email, application.locale, _l("Activate your account"),
           "lifecycle/email/activation.txt", topic=f"application {application.id}",
           application=application, activation_url=public_url(
               "lifecycle.activate", token=access.activation_token(user, application.id)))


def activation_user(token: str) -> User:
    """The login an activation link may still activate, or the reason it may not:
    404 invalid_token (forged, expired, or its password changed since: the link was
    used with a new password), 409 already_active / account_deactivated (the link was
    used, or the office deactivated the account after it was activated)."""
    data = access.read_activation_token(token)
    user = db.session.get(User, data["u"]) if data else None
    if user is None or data.get("f") != user.session_fingerprint():
        raise DomainError("invalid_token", _("This activation link is not valid, has expired or "
                                             "was already used. Open your application's page "
                                             "to get a new one."), status=404)
    _ensure_activatable(user, data["issued_at"])
    return user


def activate_account(token: str, new_password: str | None = None) -> User:
    """The emailed link, once: the login becomes active, with the password chosen when
    applying unless a new one is given."""
    user = activation_user(token)
    if new_password:
        if len(new_password) < PASSWORD_MIN_LENGTH:
            raise DomainError("validation", _("The password must be at least %(n)d characters "
                                              "long.", n=PASSWORD_MIN_LENGTH), field="password")
        user.set_password(new_password)
    user.is_active_account = True
    audit.record(user, "user.activate", user, summary=user.email)
    return user


# --- 4. appeals --------------------------------------------------------------------------

def lodge_appeal(application: Application, text: Any) -> AdmissionAppeal:
    """The refused applicant asks the assembly to decide (art. 2528 c.c.), within
    appeal_days of the refusal notice: day 60 is in time, day 61 is late."""
    _lock(application)
    if application.status != ApplicationStatus.REJECTED or application.appeal is not None:
        application.mark_appealed()  # raises the 409 with the current status
    today = clock.today()
    if not queries.appeal_in_time(application, today):
        deadline = queries.appeal_deadline_of(application)
        raise DomainError("appeal_deadline", _(
            "The appeal term ended on %(deadline)s (%(days)d days from the refusal notice of "
            "%(notice)s).", deadline=day(deadline), notice=day(application.notice_sent_on),
            days=(deadline - application.notice_sent_on).days), field="text")
    problems = Problems()
    body = clean_text(text, "text", problems, max_length=10_000)
    if not body and not problems:
        problems.add("text", _("Explain why the assembly should admit you."))
    problems.raise_if_any()
    application.mark_appealed()
    appeal = AdmissionAppeal(application=application, text=body, lodged_on=today,
                             lodged_at=clock.now(), status=AppealStatus.PENDING)
    db.session.add(appeal)
    application.updated_at = clock.now()
    db.session.flush()
    audit.record(None, "application.appeal", application,
                 summary=f"{application.full_name}: appeal to the assembly",
                 changes={"status": [ApplicationStatus.REJECTED, application.status]})
    _email(application.email, application.locale, _l("Your appeal has been received"),
           "lifecycle/email/appeal_received.txt", topic=f"application {application.id}",
           application=application, status_url=public_url("lifecycle.status"))
    return appeal


def pending_appeals_for_agenda() -> list[AdmissionAppeal]:
    """Appeals waiting for an assembly and not yet on any agenda: what the assemblies
    domain adds to the next ordinary assembly it creates (DOMAIN.md §3.3)."""
    return list(db.session.scalars(
        sa.select(AdmissionAppeal).where(AdmissionAppeal.status == AppealStatus.PENDING,
                                         AdmissionAppeal.agenda_item_id.is_(None))
        .order_by(AdmissionAppeal.lodged_on, AdmissionAppeal.id)))


def attach_pending_appeals(agenda_item_id: int, actor) -> list[AdmissionAppeal]:
    """For the assemblies domain: put every waiting appeal on this agenda item (of the
    next ordinary assembly not yet convened)."""
    appeals = pending_appeals_for_agenda()
    for appeal in appeals:
        appeal.agenda_item_id = agenda_item_id
        audit.record(actor, "appeal.schedule", appeal, summary=f"agenda item {agenda_item_id}")
    db.session.flush()
    return appeals


def record_appeal_decision(appeal: AdmissionAppeal, data: dict, actor) -> AdmissionAppeal:
    """The board records what the assembly decided on an appeal {outcome:
    upheld|rejected, decided_on (the assembly's date), note}. Upheld: the application
    returns to the board's queue, where only admission is possible."""
    _lock(appeal)
    if appeal.status != AppealStatus.PENDING:
        raise Conflict("already_decided", _("The assembly's decision on this appeal was already "
                                            "recorded (%(status)s).", status=status_label(appeal.status)))
    today = clock.today()
    problems = Problems()
    outcome = str(data.get("outcome") or "").strip()
    if outcome not in ("upheld", "rejected"):
        problems.add("outcome", _("Choose upheld or rejected."))
    decided_on = _decision_date(data.get("decided_on"), appeal.lodged_on, today, problems,
                                what=_("the appeal"))
    note = clean_text(data.get("note"), "note", problems)
    problems.raise_if_any(priority=("validation", "decision_date"))
    application = appeal.application
    previous = application.status
    application.mark_appeal_outcome(upheld=outcome == "upheld")
    appeal.status = AppealStatus.UPHELD if outcome == "upheld" else AppealStatus.REJECTED
    appeal.assembly_decided_on = decided_on
    appeal.assembly_note = note
    appeal.recorded_by_id = getattr(actor, "id", None)
    application.updated_at = clock.now()
    db.session.flush()
    audit.record(actor, "appeal.decide", appeal,
                 summary=f"{application.full_name}: assembly of {decided_on.isoformat()} {outcome}",
                 changes={"status": [AppealStatus.PENDING, appeal.status],
                          "application_status": [previous, application.status]})
    _email(application.email, application.locale, _l("The assembly decided on your appeal"),
           "lifecycle/email/appeal_decided.txt", topic=f"application {application.id}",
           application=application, appeal=appeal, status_url=public_url("lifecycle.status"))
    return appeal


# --- 5. leaving ---------------------------------------------------------------------------

def _ensure_member_can_leave(member: Member) -> None:
    if member.status != MemberStatus.ACTIVE:
        raise Conflict("not_active", _("Member n. %(n)d is not active (%(status)s).",
                                       n=member.number, status=status_label(member.status)))
    scheduled = db.session.scalar(sa.select(MemberExit).where(MemberExit.member_id == member.id))
    if scheduled is not None:
        raise Conflict("already_exited", _(
            "Member n. %(n)d already has an exit recorded (%(kind)s, effective %(date)s).",
            n=member.number, kind=exit_kind_label(scheduled.kind), date=day(scheduled.effective_on)))


def request_withdrawal(member: Member, data: dict, actor) -> WithdrawalRequest:
    """A member asks to withdraw (from their page: today; the board may record a paper
    request with its date). The board decides within withdrawal_decision_days."""
    _lock(member)
    _ensure_member_can_leave(member)
    pending = db.session.scalar(sa.select(WithdrawalRequest.requested_on).where(
        WithdrawalRequest.member_id == member.id, WithdrawalRequest.status == WithdrawalStatus.PENDING))
    if pending is not None:
        raise Conflict("already_requested", _("A withdrawal request of %(date)s is already waiting "
                                              "for the board.", date=day(pending)))
    today = clock.today()
    problems = Problems()
    requested_on = parse_date(data.get("requested_on"), "requested_on", problems, required=False) or today
    if requested_on > today:
        problems.add("requested_on", _("The date %(date)s is in the future.", date=day(requested_on)))
    elif requested_on < member.admitted_on:
        problems.add("requested_on", _("The date %(date)s is before the admission (%(admitted)s).",
                                       date=day(requested_on), admitted=day(member.admitted_on)))
    reason = clean_text(data.get("reason"), "reason", problems)
    problems.raise_if_any()
    request = WithdrawalRequest(
        member=member, requested_on=requested_on, requested_at=clock.now(), reason=reason,
        decision_due_on=rules.withdrawal_decision_due_on(
            requested_on, value_on("withdrawal_decision_days", requested_on)),
        effective_on=rules.withdrawal_effective_on(requested_on),
        status=WithdrawalStatus.PENDING, created_by_id=getattr(actor, "id", None))
    try:
        with db.session.begin_nested():
            db.session.add(request)
            db.session.flush()
    except IntegrityError:
        raise Conflict("already_requested", _("A withdrawal request is already waiting for the "
                                              "board.")) from None
    audit.record(actor, "withdrawal.request", request,
                 summary=f"n. {member.number} {member.full_name}: effective "
                         f"{request.effective_on.isoformat()} if accepted")
    _email(member.email, _member_locale(member), _l("Your withdrawal request has been received"),
           "lifecycle/email/withdrawal_received.txt", topic=f"member {member.number}",
           member=member, request=request)
    return request


def decide_withdrawal(request: WithdrawalRequest, data: dict, actor) -> WithdrawalRequest:
    """The board's decision on a withdrawal {outcome: accepted|refused, decided_on,
    reasons}. Accepted: the exit is recorded, effective as DOMAIN.md §3.4 says."""
    _lock(request)
    request.ensure_pending()
    today = clock.today()
    problems = Problems()
    outcome = str(data.get("outcome") or "").strip()
    if outcome not in ("accepted", "refused"):
        problems.add("outcome", _("Choose accepted or refused."))
    decided_on = _decision_date(data.get("decided_on"), request.requested_on, today, problems,
                                what=_("the request"))
    reasons = clean_text(data.get("reasons"), "reasons", problems)
    if outcome == "refused" and not reasons:
        problems.add("reasons", _("The reasons for a refusal are mandatory: they are sent to the "
                                  "member (art. 2532 c.c.)."), "reasons_required")
    problems.raise_if_any(priority=("validation", "decision_date", "reasons_required"))
    member = request.member
    request.decided_on = decided_on
    request.decided_by_id = getattr(actor, "id", None)
    request.decision_reasons = reasons
    if outcome == "accepted":
        _ensure_member_can_leave(member)
        request.status = WithdrawalStatus.ACCEPTED
        _create_exit(member, ExitKind.WITHDRAWAL, decided_on=decided_on,
                     effective_on=request.effective_on, reasons=request.reason or reasons,
                     notice_on=today, actor=actor, withdrawal_request=request)
    else:
        request.status = WithdrawalStatus.REFUSED
    db.session.flush()
    audit.record(actor, f"withdrawal.{outcome}", request,
                 summary=f"n. {member.number} {member.full_name}: {outcome} on {decided_on.isoformat()}",
                 changes={"status": [WithdrawalStatus.PENDING, request.status]})
    _email(member.email, _member_locale(member), _l("The board decided on your withdrawal"),
           "lifecycle/email/withdrawal_decided.txt", topic=f"member {member.number}",
           member=member, request=request)
    return request


def record_exit(member: Member, data: dict, actor) -> MemberExit:
    """The board records an exit {kind: withdrawal|exclusion|death|lapse, date, reasons,
    notice_on, challenged_on, requested_on}. `date` is the board's decision (exclusion,
    withdrawal) or the day of the death or lapse. A withdrawal accepts the member's
    pending request, or records a paper request (requested_on, default `date`) and
    accepts it."""
    problems = Problems()
    kind_raw = str(data.get("kind") or "").strip()
    try:
        kind = ExitKind(kind_raw)
    except ValueError:
        problems.add("kind", _("Choose one of %(choices)s.", choices=", ".join(k.value for k in ExitKind)))
        problems.raise_if_any()
    if kind == ExitKind.WITHDRAWAL:
        # Check the dates before writing the paper request, so a mistake stores nothing.
        decided_on = _decision_date(data.get("date"), date.min, clock.today(), problems, field="date")
        requested_on = parse_date(data.get("requested_on"), "requested_on", problems, required=False)
        if decided_on and requested_on and requested_on > decided_on:
            problems.add("requested_on", _("The request cannot be after the decision (%(date)s).",
                                           date=day(decided_on)))
        problems.raise_if_any(priority=("validation", "decision_date"))
        request = db.session.scalar(sa.select(WithdrawalRequest).where(
            WithdrawalRequest.member_id == member.id, WithdrawalRequest.status == WithdrawalStatus.PENDING))
        if request is None:
            request = request_withdrawal(member, {"requested_on": requested_on or decided_on,
                                                  "reason": data.get("reasons")}, actor)
        decide_withdrawal(request, {"outcome": "accepted", "decided_on": decided_on,
                                    "reasons": data.get("reasons")}, actor)
        return db.session.scalar(sa.select(MemberExit).where(MemberExit.member_id == member.id))

    _lock(member)
    _ensure_member_can_leave(member)
    today = clock.today()
    exit_on = _decision_date(data.get("date"), member.admitted_on, today, problems, field="date",
                             what=_("the admission"))
    reasons = clean_text(data.get("reasons"), "reasons", problems)
    notice_on = challenged_on = None
    if kind == ExitKind.EXCLUSION:
        if not reasons:
            problems.add("reasons", _("The reasons for an exclusion are mandatory (art. 2533 c.c.)."),
                         "reasons_required")
        notice_on = parse_date(data.get("notice_on"), "notice_on", problems, required=False) or exit_on
        challenged_on = parse_date(data.get("challenged_on"), "challenged_on", problems, required=False)
        _check_notice_and_challenge(exit_on, notice_on, challenged_on, today, problems)
    else:
        for field in ("notice_on", "challenged_on"):
            if data.get(field):
                problems.add(field, _("Only an exclusion has a notice and a challenge date."))
    problems.raise_if_any(priority=("validation", "decision_date", "reasons_required"))
    return _create_exit(member, kind, decided_on=exit_on, effective_on=exit_on, reasons=reasons,
                        notice_on=notice_on, challenged_on=challenged_on, actor=actor)


def _check_notice_and_challenge(decided_on, notice_on, challenged_on, today, problems) -> None:
    if notice_on is not None and decided_on is not None and notice_on < decided_on:
        problems.add("notice_on", _("The notice cannot be before the decision (%(date)s).",
                                    date=day(decided_on)))
    if notice_on is not None and notice_on > today:
        problems.add("notice_on", _("The date %(date)s is in the future.", date=day(notice_on)))
    if challenged_on is not None:
        if challenged_on > today:
            problems.add("challenged_on", _("The date %(date)s is in the future.",
                                            date=day(challenged_on)))
        elif notice_on is not None and challenged_on < notice_on:
            problems.add("challenged_on", _("The challenge cannot be before the notice (%(date)s).",
                                            date=day(notice_on)))


def _exit_reason_text(kind: ExitKind, reasons: str | None) -> str:
    label = {ExitKind.WITHDRAWAL: "Recesso", ExitKind.EXCLUSION: "Esclusione",
             ExitKind.DEATH: "Decesso", ExitKind.LAPSE: "Decadenza"}[kind]
    return f"{label}: {reasons}" if reasons else label


def _create_exit(member: Member, kind: ExitKind, *, decided_on: date, effective_on: date,
                 reasons: str | None, actor, notice_on: date | None = None,
                 challenged_on: date | None = None,
                 withdrawal_request: WithdrawalRequest | None = None) -> MemberExit:
    today = clock.today()
    if kind != ExitKind.WITHDRAWAL:
        _close_superseded_withdrawal(member, kind, decided_on, actor)
    exit_ = MemberExit(member=member, kind=kind, decided_on=decided_on, effective_on=effective_on,
                       reasons=reasons, notice_on=notice_on, challenged_on=challenged_on,
                       withdrawal_request=withdrawal_request, loans_to_close=True,
                       refund_due_on=_refund_due_on(effective_on),
                       recorded_by_id=getattr(actor, "id", None), created_at=clock.now())
    db.session.add(exit_)
    before = {"exit_on": member.exit_on, "exit_reason": member.exit_reason}
    member.exit_on = effective_on
    member.exit_reason = _exit_reason_text(kind, reasons)
    member.updated_at = clock.now()
    db.session.flush()
    register.add_history(member, actor, f"member.exit_{kind.value}",
                         audit.changes_between(before, {"exit_on": member.exit_on,
                                                        "exit_reason": member.exit_reason}))
    audit.record(actor, f"member.exit_{kind.value}", exit_,
                 summary=f"n. {member.number} {member.full_name}: {kind.value}, effective "
                         f"{effective_on.isoformat()}",
                 changes={"exit_on": [before["exit_on"], effective_on], "loans_to_close": [None, True]})
    if effective_on <= today:
        _apply_exit(exit_, today, actor)
    if kind in (ExitKind.EXCLUSION, ExitKind.LAPSE):
        _email(member.email, _member_locale(member),
               _l("Exclusion from the cooperative") if kind == ExitKind.EXCLUSION else
               _l("End of your membership"), "lifecycle/email/exit.txt",
               topic=f"member {member.number}", member=member, exit=exit_,
               challenge_days=60)  # art. 2533 c.c.: fixed by law
    return exit_


def _close_superseded_withdrawal(member: Member, kind: ExitKind, exit_on: date, actor) -> None:
    """An exclusion, death or lapse ends the membership before the board decided the
    member's withdrawal request: the request is closed (refused, with the reason
    saying it was superseded, so it leaves the board's queue) without an email; the
    exit's own email, if any, is what the member receives."""
    request = db.session.scalar(sa.select(WithdrawalRequest).where(
        WithdrawalRequest.member_id == member.id, WithdrawalRequest.status == WithdrawalStatus.PENDING)
        .with_for_update())
    if request is None:
        return
    today = clock.today()
    request.status = WithdrawalStatus.REFUSED
    request.decided_on = max(today, request.requested_on)
    request.decided_by_id = getattr(actor, "id", None)
    request.decision_reasons = _(
        "No decision needed: superseded by the exit recorded with date %(date)s (%(kind)s).",
        kind=exit_kind_label(kind), date=day(exit_on))
    db.session.flush()
    audit.record(actor, "withdrawal.superseded", request,
                 summary=f"n. {member.number} {member.full_name}: pending request closed by the "
                         f"{kind.value} of {exit_on.isoformat()}",
                 changes={"status": [WithdrawalStatus.PENDING, request.status]})


def _apply_exit(exit_: MemberExit, today: date, actor) -> None:
    member = exit_.member
    before = member.status
    member.status = EXIT_STATUS[exit_.kind]
    member.updated_at = clock.now()
    exit_.applied_on = today
    register.add_history(member, actor, "member.status", {"status": [before, member.status]},
                         note=_exit_reason_text(exit_.kind, None))


def apply_due_exits(today: date | None = None, actor=None) -> list[MemberExit]:
    """Change the status of the members whose exit took effect (accepted withdrawals at
    the close of the financial year). Run daily (`flask lifecycle apply-exits`);
    running it twice changes nothing the second time."""
    today = today or clock.today()
    due = list(db.session.scalars(
        sa.select(MemberExit).where(MemberExit.applied_on.is_(None), MemberExit.effective_on <= today)
        .order_by(MemberExit.effective_on, MemberExit.id).with_for_update()))
    for exit_ in due:
        _apply_exit(exit_, today, actor)
        audit.record(actor, "member.exit_applied", exit_,
                     summary=f"n. {exit_.member.number}: {exit_.kind.value} effective "
                             f"{exit_.effective_on.isoformat()}")
    db.session.flush()
    return due


def record_challenge(member: Member, data: dict, actor) -> MemberExit:
    """The excluded member challenged the exclusion in court: record the date."""
    exit_ = db.session.scalar(sa.select(MemberExit).where(MemberExit.member_id == member.id))
    if exit_ is None or exit_.kind != ExitKind.EXCLUSION:
        raise Conflict("not_excluded", _("Member n. %(n)d has no exclusion recorded.", n=member.number))
    problems = Problems()
    challenged_on = parse_date(data.get("challenged_on"), "challenged_on", problems)
    _check_notice_and_challenge(exit_.decided_on, exit_.notice_on, challenged_on, clock.today(), problems)
    problems.raise_if_any()
    before = exit_.challenged_on
    exit_.challenged_on = challenged_on
    db.session.flush()
    register.add_history(member, actor, "member.exclusion_challenged",
                         {"challenged_on": [before, challenged_on]})
    audit.record(actor, "member.exclusion_challenged", exit_, summary=f"n. {member.number}",
                 changes={"challenged_on": [before, challenged_on]})
    return exit_


def refund_due_after(approval: AccountsApproval) -> date:
    """art. 2535 c.c.: share_refund_days (in force on the approval day) after it."""
    return rules.share_refund_due_on(approval.approved_on,
                                     value_on("share_refund_days", approval.approved_on))


def _refund_due_on(effective_on: date) -> date | None:
    approval = db.session.scalar(sa.select(AccountsApproval).where(
        AccountsApproval.financial_year == rules.financial_year_of(effective_on)))
    return refund_due_after(approval) if approval is not None else None


def record_accounts_approval(data: dict, actor) -> AccountsApproval:
    """The board records the day a financial year's accounts were approved: the share
    refunds of that year's exits fall due share_refund_days later (art. 2535 c.c.)."""
    today = clock.today()
    problems = Problems()
    year = None
    try:
        raw = data.get("year")
        if isinstance(raw, bool) or raw in (None, ""):
            raise ValueError
        year = int(str(raw).strip())
    except ValueError:
        problems.add("year", _("Give the financial year, e.g. %(year)d.", year=today.year - 1))
    approved_on = parse_date(data.get("approved_on"), "approved_on", problems)
    if year is not None:
        if not 1900 <= year < today.year:
            problems.add("year", _("The accounts of %(year)d cannot be approved yet: the year has "
                                   "not ended.", year=year) if year >= today.year else
                         _("Not a plausible year."))
        elif approved_on is not None and approved_on <= date(year, 12, 31):
            problems.add("approved_on", _("The accounts of %(year)d are approved after the year "
                                          "ends.", year=year))
    if approved_on is not None and approved_on > today:
        problems.add("approved_on", _("The date %(date)s is in the future.", date=day(approved_on)))
    problems.raise_if_any()
    existing = db.session.scalar(sa.select(AccountsApproval).where(AccountsApproval.financial_year == year))
    if existing is not None:
        raise Conflict("already_recorded", _("The approval of the %(year)d accounts was already "
                                             "recorded (%(date)s).", year=year,
                                             date=day(existing.approved_on)))
    approval = AccountsApproval(financial_year=year, approved_on=approved_on, recorded_at=clock.now(),
                                recorded_by_id=getattr(actor, "id", None))
    db.session.add(approval)
    db.session.flush()
    due_on = refund_due_after(approval)
    exits = queries.exits_in_year(year)
    for exit_ in exits:
        exit_.refund_due_on = due_on
        _email(exit_.member.email, _member_locale(exit_.member), _l("Refund of your shares"),
               "lifecycle/email/refund_due.txt", topic=f"member {exit_.member.number}",
               member=exit_.member, exit=exit_, approval=approval)
    db.session.flush()
    audit.record(actor, "accounts.approved", approval,
                 summary=f"accounts {year} approved on {approved_on.isoformat()}: "
                         f"{len(exits)} refund(s) due {due_on.isoformat()}")
    return approval


# --- shares -------------------------------------------------------------------------------

def subscribed_amount(member: Member) -> Decimal:
    """Shares subscribed x the nominal value in force when the member was admitted."""
    return register_queries.amount_due(member)


def record_share_payment(member: Member, data: dict, actor) -> SharePayment:
    """The secretary records a payment of shares {amount, paid_on, note}; the entry's
    paid amount grows by it and may not exceed what was subscribed."""
    _lock(member)
    if member.status != MemberStatus.ACTIVE:
        raise Conflict("not_active", _("Member n. %(n)d is not active (%(status)s).",
                                       n=member.number, status=status_label(member.status)))
    today = clock.today()
    problems = Problems()
    amount = None
    raw = data.get("amount")
    try:
        if isinstance(raw, float | bool) or raw in (None, ""):
            raise ValueError
        amount = parse_money(raw)
    except ValueError:
        problems.add("amount", _("Not an amount (use 25.00)."))
    else:
        if amount <= 0:
            problems.add("amount", _("The amount must be more than zero."))
            amount = None
    paid_on = parse_date(data.get("paid_on"), "paid_on", problems)
    if paid_on is not None:
        if paid_on > today:
            problems.add("paid_on", _("The date %(date)s is in the future.", date=day(paid_on)))
        elif paid_on < member.admitted_on:
            problems.add("paid_on", _("The date %(date)s is before the admission (%(admitted)s).",
                                      date=day(paid_on), admitted=day(member.admitted_on)))
    note = clean_text(data.get("note"), "note", problems, max_length=500)
    if amount is not None:
        subscribed = subscribed_amount(member)
        still_due = subscribed - member.shares_paid_amount
        if amount > still_due:
            problems.add("amount", _(
                "%(amount)s is more than what is still due (%(due)s of %(subscribed)s subscribed).",
                amount=format_eur(amount), due=format_eur(max(still_due, Decimal("0.00"))),
                subscribed=format_eur(subscribed)))
    problems.raise_if_any()
    payment = SharePayment(member=member, amount=amount, paid_on=paid_on, note=note,
                           recorded_at=clock.now(), recorded_by_id=getattr(actor, "id", None))
    db.session.add(payment)
    before = member.shares_paid_amount
    member.shares_paid_amount = before + amount
    member.updated_at = clock.now()
    db.session.flush()
    changes = {"shares_paid_amount": [before, member.shares_paid_amount]}
    register.add_history(member, actor, "member.share_payment", changes,
                         note=f"{format_eur(amount)} paid on {paid_on.isoformat()}")
    audit.record(actor, "member.share_payment", payment,
                 summary=f"n. {member.number}: {format_eur(amount)} on {paid_on.isoformat()}",
                 changes=changes)
    _email(member.email, _member_locale(member), _l("Payment of your shares received"),
           "lifecycle/email/share_payment.txt", topic=f"member {member.number}",
           member=member, payment=payment, subscribed=format_eur(subscribed_amount(member)))
    return payment
