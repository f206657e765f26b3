"""Each role lands on its work: the board's deadlines, the secretary's shares to
collect, the auditor's recent changes, the administrator's failed emails, the member's
own card; counts in the menu; the board hears of new arrivals."""
from __future__ import annotations

import re

from datetime import timedelta
from decimal import Decimal

import pytest

from governance.core import clock
from governance.core.outbox import OutboxMessage, OutboxStatus, send_email
from governance.extensions import db
from governance.lifecycle import operations
from governance.members.models import MemberStatus
from tests.lifecycle import factories as lf
from tests.sql import count_statements


@pytest.fixture(autouse=True)
def _italian(app):
    app.config["DEFAULT_LANGUAGE"] = "it"
    yield
    app.config["DEFAULT_LANGUAGE"] = "en"


def _home(client, login, user) -> str:
    user.locale = "it"
    db.session.flush()
    login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_board_home_names_overdue_and_due_applications_with_days(client, login, board_user, today):
    late = lf.submit(first_name="Giulia", last_name="Bianchi")
    clock.advance(days=64)  # 60-day term: 4 days past it
    soon = lf.submit(first_name="Marco", last_name="Verdi")
    html = _home(client, login, board_user)
    assert "Giulia Bianchi" in html and "4 giorni di ritardo" in html
    assert "Marco Verdi" in html and "60 giorni rimanenti" in html
    assert "1 domanda ha superato il termine di legge." in html
    # counts in the menu: two applications waiting
    assert re.search(r'href="/board/applications">[^<]*<span class="badge[^>]*>2<', html)
    assert late.id and soon.id


def test_board_home_lists_withdrawals_and_appeals(client, login, board_user, member_factory, today):
    member = member_factory(first_name="Anna", last_name="Neri", admitted_on=today - timedelta(days=400))
    operations.request_withdrawal(member, {}, None)
    refused = lf.reject(lf.submit(first_name="Sara", last_name="Gallo"), board_user)
    refused.notice_sent_on = today
    operations.lodge_appeal(refused, "Chiedo che decida l'assemblea.")
    db.session.flush()
    html = _home(client, login, board_user)
    assert "Anna Neri" in html and "Sara Gallo" in html
    assert "Nessuna domanda in attesa." in html


def test_secretary_home_counts_shares_to_collect_and_the_register_filters_them(
        client, login, secretary_user, member_factory, today):
    unpaid = member_factory(shares_subscribed=2, shares_paid_amount=Decimal("25.00"))
    paid = member_factory(shares_subscribed=2, shares_paid_amount=Decimal("50.00"))
    member_factory(shares_subscribed=2, shares_paid_amount=Decimal("0.00"), status=MemberStatus.EXCLUDED,
                   exit_on=today)
    html = _home(client, login, secretary_user)
    assert "1 socio non ha versato tutte le quote." in html
    register = client.get("/members?shares=due").get_data(as_text=True)
    assert unpaid.last_name in register and paid.last_name not in register


def test_shares_due_count_is_one_query(app, member_factory, today):
    from governance.members.queries import count_shares_due
    for _ in range(5):
        member_factory(shares_subscribed=3, shares_paid_amount=Decimal("0.00"))
    count_shares_due()
    with count_statements() as statements:
        assert count_shares_due() == 5
    assert len(statements) == 1  # the statute's history (cached) and the count


def test_member_home_shows_their_card_and_pending_withdrawal(client, login, user_factory, member_factory, today):
    member = member_factory(shares_subscribed=2, shares_paid_amount=Decimal("25.00"),
                            admitted_on=today - timedelta(days=30))
    user = user_factory(roles=["member"], member=member)
    operations.request_withdrawal(member, {}, user)
    html = _home(client, login, user)
    assert f"<dd class=\"col-6\">{member.number}</dd>" in html
    assert "€ 25,00 / € 50,00" in html
    assert "è in attesa del consiglio" in html


def test_admin_home_shows_failed_emails_and_outbox_count(client, login, admin_user, today):
    message = send_email("x@example.org", "Oggetto", "Testo")
    message.status = OutboxStatus.FAILED
    db.session.flush()
    html = _home(client, login, admin_user)
    assert "1 email non è stata consegnata." in html
    assert 'href="/admin/outbox?status=failed"' in html


def test_auditor_home_shows_recent_changes_in_words(client, login, auditor_user, today):
    lf.submit()
    html = _home(client, login, auditor_user)
    assert "Domanda di ammissione presentata" in html and "application.submit" not in html


def test_board_is_emailed_each_arrival(app, board_user, member_factory, today):
    board_user.locale = "it"
    lf.submit(first_name="Giulia", last_name="Bianchi")
    member = member_factory(admitted_on=today - timedelta(days=400))
    operations.request_withdrawal(member, {}, None)
    to_board = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.recipient == board_user.email)).all()
    assert sorted(m.subject for m in to_board) == ["Nuova domanda di ammissione", "Nuova richiesta di recesso"]
    assert "Giulia Bianchi" in to_board[0].body + to_board[1].body


def test_board_digest_sends_one_email_a_day_once(app, board_user, member_factory, today):
    app.config["BOARD_NOTIFICATIONS"] = "digest"
    board_user.locale = "it"
    try:
        lf.submit(first_name="Giulia", last_name="Bianchi")
        lf.submit(first_name="Marco", last_name="Verdi")
        assert db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(
            OutboxMessage.recipient == board_user.email)) == 0
        assert operations.send_board_digest(today) == 1
        assert operations.send_board_digest(today) == 0  # run twice: not sent again
        assert operations.send_board_digest(today - timedelta(days=1)) == 0  # nothing arrived
        body = db.session.scalar(db.select(OutboxMessage.body).where(OutboxMessage.recipient == board_user.email))
        assert "Giulia Bianchi" in body and "Marco Verdi" in body
    finally:
        app.config["BOARD_NOTIFICATIONS"] = "each"


def test_the_digest_command_sends_yesterdays_arrivals(app, board_user, today):
    app.config["BOARD_NOTIFICATIONS"] = "digest"
    try:
        lf.submit(first_name="Giulia", last_name="Bianchi")
        db.session.commit()
        clock.advance(days=1)
        result = app.test_cli_runner().invoke(args=["lifecycle", "digest"])
        assert result.exit_code == 0, result.output
        assert f"1 digest email(s) queued for {today.isoformat()}" in result.output
    finally:
        app.config["BOARD_NOTIFICATIONS"] = "each"


def test_the_digest_does_not_ask_to_decide_what_was_already_decided(app, board_user, member_factory, today):
    """Review of issue 8, item 14: arrivals decided the same day read "already decided"."""
    app.config["BOARD_NOTIFICATIONS"] = "digest"
    try:
        lf.admit(lf.submit(first_name="Giulia", last_name="Bianchi"), board_user)
        lf.submit(first_name="Marco", last_name="Verdi")
        member = member_factory(first_name="Anna", last_name="Neri", admitted_on=today - timedelta(days=400))
        request = operations.request_withdrawal(member, {}, None)
        operations.decide_withdrawal(request, {"outcome": "refused", "decided_on": today,
                                               "reasons": "Motivi."}, board_user)
        assert operations.send_board_digest(today) == 1
        body = db.session.scalar(db.select(OutboxMessage.body).where(
            OutboxMessage.recipient == board_user.email, OutboxMessage.subject.contains("igest")
            | OutboxMessage.body.contains("Bianchi")).order_by(OutboxMessage.id.desc()))
        lines = {line.split(",")[0].split(" (")[0].lstrip("- "): line for line in body.splitlines()}
        assert "already decided (admitted" in lines["Giulia Bianchi"]
        assert "to decide by" in lines["Marco Verdi"]
        assert "already decided (refused" in lines["Anna Neri"]
    finally:
        app.config["BOARD_NOTIFICATIONS"] = "each"


def test_exports_heading_only_with_something_to_export(client, login, admin_user, auditor_user, today):
    """The administrator reads the audit log but exports nothing: no empty 'Esportazioni'."""
    assert "Esportazioni" not in _home(client, login, admin_user)
    client.post("/logout")
    assert "Esportazioni" in _home(client, login, auditor_user)


def test_menu_badge_of_failed_emails_says_not_delivered(client, login, admin_user, today):
    message = send_email("x@example.org", "Oggetto", "Testo")
    message.status = OutboxStatus.FAILED
    db.session.flush()
    html = _home(client, login, admin_user)
    assert "non consegnate</span>" in html and "Vedila nella posta in uscita" in html
