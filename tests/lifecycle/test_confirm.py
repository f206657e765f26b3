"""Decisions that cannot be undone show what will happen and wait for a confirmation:
the first POST runs the operation in a savepoint rolled back (nothing stored, nothing
emailed), the second (confirmed=1) decides. Plain HTML forms, no JavaScript."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from governance.core import clock
from governance.core.audit import AuditEntry
from governance.core.outbox import OutboxMessage
from governance.extensions import db
from governance.lifecycle import operations, queries
from governance.lifecycle.models import ApplicationStatus, MemberExit, WithdrawalRequest, WithdrawalStatus
from governance.members.models import Member, MemberStatus
from tests.visible import visible_text


def _counts():
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (Member, AuditEntry, OutboxMessage, MemberExit))


@pytest.fixture
def italian_board(board, _db):
    board.locale = "it"
    _db.commit()
    return board


def _hidden_fields(html: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


def test_admission_shows_number_shares_and_letter_then_admits(client, login, today, apply, italian_board, _db):
    application = apply(first_name="Giulia", last_name="Bianchi", shares=2)
    _db.commit()
    login(italian_board)
    before = _counts()
    page = client.post(f"/board/applications/{application.id}/decision",
                       data={"outcome": "admitted", "decided_on": today.isoformat()})
    html = page.get_data(as_text=True)
    text = visible_text(html)
    assert page.status_code == 200
    assert "Stai per ammettere Giulia Bianchi" in text
    next_number = (db.session.scalar(sa.select(sa.func.max(Member.number))) or 0) + 1
    assert f"Numero di iscrizione {next_number}" in text and "€ 50,00" in text
    assert application.email in text and "lettera di ammissione" in text
    assert _counts() == before  # the preview kept nothing: no entry, no audit, no email
    db.session.expire_all()
    assert application.status == ApplicationStatus.SUBMITTED
    fields = _hidden_fields(html)
    assert fields["confirmed"] == "1" and fields["outcome"] == "admitted"
    done = client.post(f"/board/applications/{application.id}/decision", data=fields)
    assert done.status_code == 302
    db.session.expire_all()
    assert application.status == ApplicationStatus.ADMITTED and application.member.number == next_number
    assert done.headers["Location"].endswith(f"/members/{next_number}")


def test_an_error_shows_at_the_first_step(client, login, today, apply, italian_board, _db):
    application = apply()
    _db.commit()
    login(italian_board)
    page = client.post(f"/board/applications/{application.id}/decision",
                       data={"outcome": "rejected", "decided_on": today.isoformat(), "reasons": ""})
    assert page.status_code == 422 and 'name="confirmed"' not in page.get_data(as_text=True)


def test_refusal_names_the_appeal_deadline(client, login, today, apply, italian_board, _db):
    application = apply(first_name="Marco", last_name="Verdi")
    _db.commit()
    login(italian_board)
    page = client.post(f"/board/applications/{application.id}/decision",
                       data={"outcome": "rejected", "decided_on": today.isoformat(), "reasons": "Requisiti."})
    text = visible_text(page.get_data(as_text=True))
    deadline = today + timedelta(days=60)
    assert "Stai per respingere la domanda di Marco Verdi" in text and deadline.strftime("%d/%m/%Y") in text
    db.session.expire_all()
    assert application.status == ApplicationStatus.SUBMITTED


def test_withdrawal_decision_and_exits_are_confirmed(client, login, today, member_factory, italian_board, _db):
    member = member_factory(first_name="Anna", last_name="Neri", admitted_on=date(2020, 1, 1))
    request = operations.request_withdrawal(member, {}, None)
    _db.commit()
    login(italian_board)
    page = client.post(f"/board/withdrawals/{request.id}/decision",
                       data={"outcome": "accepted", "decided_on": today.isoformat()})
    text = visible_text(page.get_data(as_text=True))
    assert "Stai per accogliere il recesso di Anna Neri" in text and "31/12/2027" in text
    db.session.expire_all()
    assert request.status == WithdrawalStatus.PENDING
    client.post(f"/board/withdrawals/{request.id}/decision",
                data={"outcome": "accepted", "decided_on": today.isoformat(), "confirmed": "1"})
    db.session.expire_all()
    assert request.status == WithdrawalStatus.ACCEPTED
    assert member.status == MemberStatus.WITHDRAWN   # on the day of the notice (art. 2532 c.3 c.c.)


def test_applying_the_exits_due_is_confirmed(client, login, today, member_factory, italian_board, _db):
    """Exits whose day has come (as migration 0014 leaves the withdrawals accepted before
    the correction) are listed by name before they are applied."""
    member = member_factory(first_name="Anna", last_name="Neri", admitted_on=date(2020, 1, 1))
    operations.decide_withdrawal(operations.request_withdrawal(member, {}, None),
                                 {"outcome": "accepted", "decided_on": today.isoformat()}, italian_board)
    exit_record = queries.member_exit(member)
    exit_record.applied_on, member.status = None, MemberStatus.ACTIVE
    _db.commit()
    login(italian_board)
    page = client.post("/board/withdrawals/apply-exits", data={})
    text = visible_text(page.get_data(as_text=True))
    assert "Anna Neri" in text and "Applica le cessazioni" in text
    db.session.expire_all()
    assert member.status == MemberStatus.ACTIVE
    client.post("/board/withdrawals/apply-exits", data={"confirmed": "1"})
    db.session.expire_all()
    assert member.status == MemberStatus.WITHDRAWN


def test_death_is_confirmed_without_an_email(client, login, today, member_factory, italian_board, _db):
    member = member_factory(first_name="Luigi", last_name="Bruno")
    _db.commit()
    login(italian_board)
    page = client.post(f"/members/{member.number}/exit",
                       data={"exit-kind": "death", "exit-date": today.isoformat()})
    text = visible_text(page.get_data(as_text=True))
    assert "Luigi Bruno" in text and member.email not in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MemberExit)) == 0


def test_decided_items_stay_findable_in_the_decided_tab(client, login, today, apply, member_factory,
                                                        italian_board, _db):
    from tests.lifecycle import factories
    admitted = apply(first_name="Chiara", last_name="Galli")
    factories.admit(admitted, italian_board)
    waiting = apply(first_name="Paolo", last_name="Sala")
    member = member_factory(first_name="Anna", last_name="Neri", admitted_on=date(2020, 1, 1))
    request = operations.request_withdrawal(member, {}, None)
    operations.decide_withdrawal(request, {"outcome": "accepted", "decided_on": today}, italian_board)
    _db.commit()
    login(italian_board)
    queue = visible_text(client.get("/board/applications").get_data(as_text=True))
    assert "Paolo Sala" in queue and "Chiara Galli" not in queue
    decided = client.get("/board/applications?show=decided").get_data(as_text=True)
    assert "Chiara Galli" in decided and "Paolo Sala" not in decided
    assert f'href="/members/{admitted.member.number}"' in decided  # what the decision made
    withdrawals = client.get("/board/withdrawals?show=decided").get_data(as_text=True)
    assert "Anna Neri" in withdrawals and "Accolta" in withdrawals
    # each tab says what it lists
    assert "Domande decise dal consiglio" in decided and "Domande in attesa" not in decided
    assert "Richieste di recesso decise" in withdrawals
    assert waiting.id


def test_the_admission_letter_has_letterhead_place_date_and_the_right_greeting(app, today, apply, board):
    import io

    from pypdf import PdfReader
    from governance.lifecycle import letters
    from governance.statute.queries import value_on
    from tests.lifecycle import factories
    app.config.update(PAYMENT_IBAN="IT60X0542811101000000123456", LETTER_SIGNATORY="Il Presidente, Mario Rossi")
    try:
        company = operations.submit_application(factories.legal_person_data(), locale="it")
        member = factories.admit(company, board)
        with app.test_request_context():
            pdf = letters.admission_letter(company, member, value_on("share_value", today))
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    finally:
        app.config.update(PAYMENT_IBAN="", LETTER_SIGNATORY="")
    assert "Albo delle società cooperative n." in text and "C.F. e P. IVA" in text
    assert "Melegnano, 26 novembre 2026" in text
    assert "Spett.le Cooperativa Esempio srl" in text and "Maria Verdi" in text
    assert "IT60X0542811101000000123456" in text and "€ 50,00" in text
    assert "Potrà votare nelle assemblee dal 24 febbraio 2027" in text
    assert "Il Presidente, Mario Rossi" in text


def test_emails_greet_a_legal_person_with_spett_le(app, today):
    from tests.lifecycle import factories
    company = operations.submit_application(factories.legal_person_data(), locale="it")
    db.session.flush()
    body = db.session.scalar(sa.select(OutboxMessage.body).where(OutboxMessage.recipient == company.email))
    assert body.startswith("Spett.le Cooperativa Esempio srl,")
    person = operations.submit_application(factories.application_data(first_name="Giulia", last_name="Bianchi"),
                                           locale="it")
    db.session.flush()
    body = db.session.scalar(sa.select(OutboxMessage.body).where(OutboxMessage.recipient == person.email))
    assert body.startswith("Gentile Giulia Bianchi,")


def test_an_accepted_withdrawal_lands_on_the_entry_with_its_cause_and_refund_term(
        client, login, today, member_factory, italian_board, _db):
    """Review of issue 8, item 14: the result leads to what changed (the entry); the entry
    says "Recesso", not "—"; the refund reads as a term until the accounts are approved."""
    member = member_factory(first_name="Anna", last_name="Neri", admitted_on=date(2020, 1, 1))
    request = operations.request_withdrawal(member, {}, None)
    _db.commit()
    login(italian_board)
    done = client.post(f"/board/withdrawals/{request.id}/decision",
                       data={"outcome": "accepted", "decided_on": today.isoformat(), "confirmed": "1"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/members/{member.number}")
    entry = visible_text(client.get(done.headers["Location"]).get_data(as_text=True))
    assert "Recesso di Anna Neri" in entry and "accolto" in entry
    assert re.search(r"Causa di cessazione\s+Recesso", entry), entry
    lifecycle = visible_text(client.get(f"/members/{member.number}/lifecycle").get_data(as_text=True))
    assert "entro il —" not in lifecycle
    assert f"entro 180 giorni dall'approvazione del bilancio {today.year}" in lifecycle


def test_a_refused_withdrawal_lands_on_the_decided_request(client, login, today, member_factory,
                                                            italian_board, _db):
    member = member_factory(first_name="Anna", last_name="Neri", admitted_on=date(2020, 1, 1))
    request = operations.request_withdrawal(member, {}, None)
    _db.commit()
    login(italian_board)
    done = client.post(f"/board/withdrawals/{request.id}/decision",
                       data={"outcome": "refused", "decided_on": today.isoformat(),
                             "reasons": "Motivi.", "confirmed": "1"})
    assert done.headers["Location"].endswith(f"/board/withdrawals/{request.id}")


def test_exit_form_labels_the_date_for_the_kind_chosen(client, login, today, member_factory, italian_board, _db):
    """A failed paper withdrawal names its own date, in the field and in the error summary."""
    member = member_factory(first_name="Luigi", last_name="Bruno")
    _db.commit()
    login(italian_board)
    page = client.post(f"/members/{member.number}/exit", data={"exit-kind": "withdrawal", "exit-date": "x"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Data della delibera del consiglio di amministrazione che accoglie il recesso" in html
    assert "del decesso o della decadenza" not in html
    assert "data-exit-labels=" in client.get(f"/members/{member.number}/lifecycle").get_data(as_text=True)
