"""One language: every page of every role, and every email, over the demo cooperative.

1. Pseudo-locale: every catalogue string is wrapped in ⟦ ⟧; any visible word outside
   the markers that is not data (names, addresses, emails: words stored in the
   database) was written in code, outside the catalogue, and fails the test.
2. Italian: no English word on any Italian page.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from governance import demo
from governance.auth.models import User
from governance.core import clock
from governance.core.outbox import OutboxMessage
from governance.core.permissions import Role
from governance.extensions import db
from governance.lifecycle import operations
from governance.lifecycle.models import Application, ApplicationStatus, WithdrawalRequest, WithdrawalStatus
from governance.loans.models import LoanAccount
from governance.members.models import Member, MemberStatus
from tests.core.clients import make_client
from tests.core.language import URL, WORD, crawl, data_words, foreign_words, pseudo_locale

# English words that are never Italian (nor data of the demo): one is enough to fail.
ENGLISH = {
    "the", "and", "of", "to", "not", "allowed", "at", "most", "least", "from", "on", "by", "paid", "days",
    "day", "entries", "imported", "application", "applications", "board", "decision", "member", "members",
    "active", "status", "true", "false", "yes", "is", "are", "with", "without", "this", "that", "for",
    "your", "you", "shares", "amount", "accounts", "export", "change", "changes", "action",
    "system", "queued", "sent", "stored", "failed", "pending", "secretary", "auditor", "error", "page",
    "back", "home", "logout", "overdue", "left", "refused", "admitted", "withdrawal", "exclusion",
    "death", "lapse", "worker", "volunteer", "user", "users", "roles", "none", "loan", "loans", "rate",
    "balance", "interest", "deposit", "register", "entry", "search", "save", "cancel", "submit", "next",
    "previous", "name", "surname", "phone", "address", "category", "fixed", "law", "update",
    "notice", "share", "value", "values", "regulations", "repayment", "who", "when", "what", "changed",
}


@pytest.fixture
def pseudo(monkeypatch):
    pseudo_locale(monkeypatch)


@pytest.fixture
def demo_world(app, today):
    app.config["DEFAULT_LANGUAGE"] = "it"
    demo.seed_demo(if_empty=True, echo=lambda line: None)
    users = {}
    for email, roles, _name, _link in demo.LOGINS:
        users.setdefault(Role(roles[0]), db.session.scalar(sa.select(User).where(User.email == email)))
    users[Role.MEMBER] = db.session.scalar(sa.select(User).where(User.email == "socio@demo.coop"))
    for user in users.values():
        user.locale = "it"
    db.session.flush()
    params = {"number": users[Role.MEMBER].member.number,
              "application_id": db.session.scalar(sa.select(Application.id).order_by(Application.id)),
              "request_id": db.session.scalar(sa.select(WithdrawalRequest.id).order_by(WithdrawalRequest.id)),
              "account_id": db.session.scalar(sa.select(LoanAccount.id).order_by(LoanAccount.id)),
              "user_id": users[Role.MEMBER].id,
              "message_id": db.session.scalar(sa.select(OutboxMessage.id).order_by(OutboxMessage.id)),
              "token": "not-a-valid-token"}
    yield users, params
    app.config["DEFAULT_LANGUAGE"] = "en"


def _every_kind_of_email(board):
    """Admit, refuse, appeal, pay, decide a withdrawal, exclude: each queues its emails."""
    waiting = list(db.session.scalars(sa.select(Application).where(
        Application.status == ApplicationStatus.SUBMITTED).order_by(Application.id)))
    today = clock.today()
    operations.decide_application(waiting[0], {"outcome": "admitted", "decided_on": today}, board)
    operations.decide_application(waiting[1], {"outcome": "rejected", "reasons": "Requisiti mancanti.",
                                               "decided_on": today}, board)
    waiting[1].notice_sent_on = today
    operations.lodge_appeal(waiting[1], "Chiedo che decida l'assemblea.")
    member = waiting[0].member
    operations.record_share_payment(member, {"amount": "25.00", "paid_on": today}, board)
    request = db.session.scalar(sa.select(WithdrawalRequest).where(
        WithdrawalRequest.status == WithdrawalStatus.PENDING).order_by(WithdrawalRequest.id))
    operations.decide_withdrawal(request, {"outcome": "accepted", "decided_on": today}, board)
    other = db.session.scalar(sa.select(Member).where(Member.status == MemberStatus.ACTIVE,
                                                      Member.id != member.id, Member.id != request.member_id)
                              .order_by(Member.number.desc()))
    operations.record_exit(other, {"kind": "exclusion", "date": today, "reasons": "Morosità."}, board)
    operations.send_board_digest(today - timedelta(days=3))
    db.session.flush()


def _failed_forms(app, users) -> list[tuple[str, str]]:
    """Pages answering a POST: re-rendered with errors (422), and the confirmations of
    decisions that cannot be undone, as Italian users meet them."""
    out = []
    today = clock.today().isoformat()
    waiting = db.session.scalar(sa.select(Application.id).where(
        Application.status == ApplicationStatus.SUBMITTED).order_by(Application.id))
    active = db.session.scalar(sa.select(Member.number).where(Member.status == MemberStatus.ACTIVE)
                               .order_by(Member.number))
    posts = [
        (Role.BOARD, f"/board/applications/{waiting}/decision", {"outcome": "admitted", "decided_on": today}),
        (Role.BOARD, f"/board/applications/{waiting}/decision", {"outcome": "rejected", "decided_on": today,
                                                                 "reasons": "Requisiti mancanti."}),
        (Role.BOARD, f"/members/{active}/exit", {"exit-kind": "exclusion", "exit-date": today,
                                                 "exit-reasons": "Morosità."}),
        (Role.BOARD, f"/members/{active}/exit", {"exit-kind": "lapse", "exit-date": today}),
        (Role.ADMIN, "/statute/parameters/max_proxies_per_delegate", {"value": "11",
                                                                     "effective_from": "2027-01-01"}),
        (Role.ADMIN, "/statute/parameters/share_value", {"value": "24,999", "effective_from": "2027-01-01"}),
        (Role.BOARD, "/members/new", {"first_name": "Mario"}),
        ("anonymous", "/apply", {"category": "worker"}),
        (Role.MEMBER, "/me/withdrawal", {"reason": "Trasferimento altrove. " * 300}),
    ]
    for role, url, data in posts:
        client = make_client(app)
        if role != "anonymous":
            with client.session_transaction() as session:
                session["_user_id"] = users[role].get_id()
                session["_fresh"] = True
        response = client.post(url, data=data)
        typed = {w.lower() for value in data.values() for w in WORD.findall(str(value))}
        out.append((f"{role} POST {url} {response.status_code}", response.get_data(as_text=True), typed))
    return out


def _pages(app, users, params):
    clients = {"anonymous": make_client(app), **{role: make_client(app) for role in users}}
    return crawl(app, clients, users, params, extra_urls=[
        "/admin/outbox?status=queued", "/members?status=excluded", "/members?shares=due",
        "/members/999999", "/admin/audit?action=member.correct",
        "/board/applications?show=decided", "/board/withdrawals?show=decided",
        "/statute/parameters/notice_days", "/statute/parameters/proxies_allowed",
        "/statute/parameters/share_value", "/statute/parameters/votes_per_member"])


def test_pseudo_locale_every_page_and_email(app, pseudo, demo_world):
    users, params = demo_world
    _every_kind_of_email(users[Role.BOARD])
    data = data_words()
    problems = []
    for page in _pages(app, users, params):
        words = foreign_words("\n".join(page.parts), data)
        if words:
            problems.append(f"{page.role} GET {page.url} ({page.status}): {sorted(set(words))[:8]}")
    from tests.visible import visible_parts
    for where, html, typed in _failed_forms(app, users):
        words = foreign_words("\n".join(visible_parts(html, keep_untranslated=False)), data | typed)
        if words:
            problems.append(f"{where}: {sorted(set(words))[:8]}")
    for message in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)):
        words = foreign_words(f"{message.subject}\n{message.body}", data)
        if words:
            problems.append(f"email {message.topic} {message.subject!r}: {sorted(set(words))[:8]}")
    assert not problems, "text outside the catalogue:\n" + "\n".join(problems)


def test_no_english_word_on_italian_pages_and_emails(app, demo_world):
    users, params = demo_world
    _every_kind_of_email(users[Role.BOARD])
    data = data_words()
    problems = []

    def check(where, text):
        english = {w for w in WORD.findall(URL.sub(" ", text)) if w.lower() in ENGLISH and w.lower() not in data}
        if english:
            problems.append(f"{where}: {sorted(english)}")

    for page in _pages(app, users, params):
        check(f"{page.role} GET {page.url} ({page.status})", "\n".join(page.parts))
    from tests.visible import visible_text
    for where, html, typed in _failed_forms(app, users):
        check(where, visible_text(html, keep_untranslated=False))
    for message in db.session.scalars(sa.select(OutboxMessage)):
        check(f"email {message.topic}", f"{message.subject}\n{message.body}")
    assert not problems, "English on Italian pages:\n" + "\n".join(problems)
