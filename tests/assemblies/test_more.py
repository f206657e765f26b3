"""More of the assemblies: appeals landing on the agenda, re-convening, resending,
declining, documents refused, no N+1 in the roll and the quorum, the minutes locked."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from governance.assemblies import documents, operations, queries
from governance.assemblies.models import AssemblyStatus, Proxy, ProxyStatus, Receipt
from governance.core.errors import Conflict, DomainError
from governance.core.outbox import OutboxMessage
from governance.extensions import db
from governance.lifecycle import operations as lifecycle
from tests import factories
from tests.lifecycle import factories as lifecycle_factories
from tests.sql import count_statements

from .conftest import open_now


def test_an_appeal_becomes_an_item_of_the_next_ordinary_draft(today, make_assembly, board_user):
    extraordinary = make_assembly(kind="extraordinary", items=0)
    assembly = make_assembly(items=1)
    refused = lifecycle_factories.reject(lifecycle_factories.submit(email="ricorso@example.org"), board_user)
    appeal = lifecycle.lodge_appeal(refused, "Chiedo che decida l'assemblea.")
    item = db.session.get(type(assembly.items[0]), appeal.agenda_item_id)
    assert item.assembly_id == assembly.id and item.application_id == refused.id
    assert not extraordinary.items


def test_an_appeal_waiting_goes_on_the_next_ordinary_created(today, make_assembly, board_user):
    refused = lifecycle_factories.reject(lifecycle_factories.submit(email="attesa@example.org"), board_user)
    appeal = lifecycle.lodge_appeal(refused, "Chiedo che decida l'assemblea.")
    assert appeal.agenda_item_id is None
    assembly = make_assembly(items=0)
    assert [i.application_id for i in assembly.items] == [refused.id]


def test_reconvene_unlocks_the_agenda_and_restarts_the_notice(convened, board, today):
    assembly, people = convened
    operations.reconvene(assembly, board)
    assert assembly.status == AssemblyStatus.DRAFT and assembly.published_on is None
    operations.add_item(assembly, {"title": "Nuovo punto"}, board)
    assembly.first_call_at = assembly.first_call_at - timedelta(days=15)  # now 5 days away
    with pytest.raises(DomainError) as error:
        operations.publish(assembly, board)
    assert error.value.code == "notice_period"


def test_resend_to_one_and_to_all_unconfirmed(convened, board):
    assembly, people = convened
    operations.confirm_own_receipt(assembly, people[0].id)
    before = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    assert operations.resend(assembly, board) == 5
    assert operations.resend(assembly, board, member_id=people[0].id) == 1
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == before + 6


def test_delegate_declines_and_delegator_is_told(convened, office):
    assembly, people = convened
    proxy = operations.give_proxy(assembly, people[0], people[1], office)
    operations.decline_proxy(proxy, office)
    assert proxy.status == ProxyStatus.DECLINED
    told = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.topic == f"assembly_proxy:{proxy.id}",
                                                           OutboxMessage.recipient == people[0].email))
    assert told is not None
    operations.give_proxy(assembly, people[0], people[2], office)  # free to delegate again
    with pytest.raises(Conflict):
        operations.revoke_proxy(proxy, office)


def test_no_sub_delegation(convened, office):
    assembly, people = convened
    operations.give_proxy(assembly, people[0], people[1], office)
    with pytest.raises(DomainError) as error:
        operations.give_proxy(assembly, people[1], people[2], office)  # a delegate delegating
    assert error.value.code == "proxy_duplicate"
    with pytest.raises(DomainError) as error:
        operations.give_proxy(assembly, people[3], people[0], office)  # to a delegator
    assert error.value.code == "proxy_duplicate"


def test_proxy_for_a_draft_is_refused(make_assembly, voters, office):
    people = voters(2)
    with pytest.raises(Conflict):
        operations.give_proxy(make_assembly(), people[0], people[1], office)


@pytest.mark.parametrize("name, data, code", [
    ("big.pdf", b"%PDF-" + b"x" * (10 * 1024 * 1024), "file_too_large"),
    ("claims.docx", b"%PDF-1.4 not a zip", "file_type"),
    ("zip.docx", b"PK\x03\x04 a plain archive", "file_type"),
    ("script.html", b"<html>", "file_type"),
    ("empty.pdf", b"", "validation"),
])
def test_documents_refused(app, name, data, code):
    with pytest.raises(DomainError) as error:
        documents.checked_upload(name, data)
    assert error.value.code == code


def test_markdown_is_sanitised():
    html = str(documents.markdown("**ok** <img src=x onerror=alert(1)> [a](javascript:alert(1)) [b](https://x.org)"))
    assert "<strong>ok</strong>" in html and "<img" not in html and 'href="javascript' not in html
    assert 'href="https://x.org"' in html and 'rel="noopener noreferrer"' in html


def test_roll_and_quorum_queries_do_not_grow_with_the_register(convened, office, voters):
    assembly, people = convened
    for a, b in ((people[0], people[1]), (people[2], people[3])):
        operations.give_proxy(assembly, a, b, office)
    open_now(assembly, office)
    for person in people[1:4]:
        operations.check_in(assembly, person, office)
    with count_statements() as few:
        queries.quorum_now(assembly)
    voters(20)
    for person in voters(5):
        operations.check_in(assembly, person, office)
    with count_statements() as more:
        queries.quorum_now(assembly)
    assert len(more) == len(few) <= 8


def test_signed_minutes_are_read_only_and_their_pdf_holds_the_figures(convened, office):
    assembly, people = convened
    open_now(assembly, office)
    for person in people[:4]:
        operations.check_in(assembly, person, office)
    operations.set_item_summary(assembly.items[0], {"summary": "Approvato all'unanimità."}, office)
    operations.close_session(assembly, office)
    minutes = operations.regenerate_minutes(assembly, office)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(documents.minutes_pdf(assembly, minutes))).pages)
    assert "Approvato" in text and "6" in text and "4" in text
    operations.sign_minutes(assembly, "firmato.pdf", b"%PDF-1.4 signed", office)
    with pytest.raises(Conflict):
        operations.update_minutes(assembly, {"text": "altro"}, office)
    with pytest.raises(Conflict):
        operations.set_item_summary(assembly.items[0], {"summary": "altro"}, office)


def test_check_in_of_someone_not_a_member_any_more(convened, office, today):
    assembly, people = convened
    gone = factories.MemberFactory(status="excluded", exit_on=today)
    open_now(assembly, office)
    with pytest.raises(DomainError):
        operations.check_in(assembly, gone, office)


def test_receipts_for_everyone_active_even_without_email(make_assembly, board, voters):
    voters(2)
    factories.MemberFactory(email=None)
    assembly = make_assembly()
    operations.publish(assembly, board)
    assert db.session.scalar(sa.select(sa.func.count(Receipt.id)).where(Receipt.email.is_(None))) == 1
    assert not db.session.scalar(sa.select(sa.func.count(Proxy.id)))


def test_the_assembly_decision_on_an_appeal_is_in_the_minutes(today, make_assembly, board, board_user, office,
                                                              voters):
    from governance.core import clock
    voters(2)
    assembly = make_assembly(items=1)
    refused = lifecycle_factories.reject(lifecycle_factories.submit(email="verbale@example.org"), board_user)
    appeal = lifecycle.lodge_appeal(refused, "Chiedo che decida l'assemblea.")
    operations.publish(assembly, board)
    open_now(assembly, office)
    lifecycle.record_appeal_decision(appeal, {"outcome": "upheld", "decided_on": clock.today().isoformat()},
                                     board_user)
    operations.close_session(assembly, office)
    minutes = operations.regenerate_minutes(assembly, office)
    assert "Decisione dell'assemblea sul ricorso: accolto." in minutes.text
    assert "Ricorso contro il rigetto della domanda di ammissione di" in minutes.text  # in Italian, whoever lodged it


def test_the_roll_page_counts_and_pages(client, login, convened, board, voters):
    assembly, people = convened
    voters(205)
    login(board)
    first = client.get(f"/assemblies/{assembly.id}/roll").get_data(as_text=True)
    assert "211 members may vote" in first and "1 / 2" in first
    second = client.get(f"/assemblies/{assembly.id}/roll?page=2").get_data(as_text=True)
    assert second.count("<tr>") == 1 + 11
