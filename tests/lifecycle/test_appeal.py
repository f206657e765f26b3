"""4. Refusal and appeal to the assembly (art. 2528 c.c.): 60 days from the notice."""
from datetime import date

import pytest
import sqlalchemy as sa

from governance.lifecycle import operations, queries
from governance.lifecycle.models import AdmissionAppeal, AppealStatus, ApplicationStatus
from governance.core import clock
from governance.core.errors import DomainError
from governance.core.outbox import OutboxMessage
from governance.extensions import db

from . import factories


def appeals() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AdmissionAppeal))


@pytest.fixture
def refused(today, apply, board_user):
    """An application refused today, 26 November 2026: the appeal term ends on
    25 January 2027 (day 60)."""
    return factories.reject(apply(email="refused@example.org"), board_user)


def test_appeal_on_day_60_is_accepted(refused):
    clock.advance(days=60)
    assert clock.today() == date(2027, 1, 25)
    appeal = operations.lodge_appeal(refused, "Chiedo che decida l'assemblea.")
    assert refused.status == ApplicationStatus.APPEALED
    assert appeal.status == AppealStatus.PENDING and appeal.agenda_item_id is None
    assert appeal.lodged_on == date(2027, 1, 25)
    assert db.session.scalar(sa.select(OutboxMessage.subject).where(
        OutboxMessage.recipient == "refused@example.org").order_by(OutboxMessage.id.desc()).limit(1))


def test_appeal_on_day_61_is_refused_and_nothing_is_stored(refused):
    clock.advance(days=61)
    with pytest.raises(DomainError) as info:
        operations.lodge_appeal(refused, "Troppo tardi?")
    assert info.value.code == "appeal_deadline" and info.value.status == 422
    assert "25/01/2027" in info.value.message and "2027-01-25" not in info.value.message
    assert refused.status == ApplicationStatus.REJECTED and appeals() == 0


def test_the_appeal_needs_a_text(refused):
    with pytest.raises(DomainError) as info:
        operations.lodge_appeal(refused, "   ")
    assert "text" in info.value.errors and appeals() == 0


def test_only_a_refused_application_is_appealed_once(refused, apply):
    with pytest.raises(DomainError) as info:
        operations.lodge_appeal(apply(), "Non ancora deciso")
    assert info.value.status == 409
    operations.lodge_appeal(refused, "Prima volta")
    with pytest.raises(DomainError) as info:
        operations.lodge_appeal(refused, "Seconda volta")
    assert info.value.status == 409 and appeals() == 1


def test_a_pending_appeal_blocks_a_new_application(refused):
    operations.lodge_appeal(refused, "Ricorso")
    with pytest.raises(DomainError) as info:
        operations.submit_application(factories.application_data(tax_code=refused.tax_code))
    assert info.value.code == "duplicate_application"


def test_pending_appeals_wait_for_the_next_assembly(refused, board_user):
    appeal = operations.lodge_appeal(refused, "Ricorso")
    assert operations.pending_appeals_for_agenda() == [appeal]
    assert operations.attach_pending_appeals(42, board_user) == [appeal]
    assert appeal.agenda_item_id == 42
    assert operations.pending_appeals_for_agenda() == []
    assert queries.pending_appeals() == [appeal]  # still waiting for the assembly's decision


def test_upheld_appeal_returns_to_the_board_which_must_admit(refused, board_user):
    appeal = operations.lodge_appeal(refused, "Ricorso")
    clock.advance(days=20)
    operations.record_appeal_decision(appeal, {"outcome": "upheld", "decided_on": clock.today()}, board_user)
    assert refused.status == ApplicationStatus.APPEAL_UPHELD and appeal.status == AppealStatus.UPHELD
    (row,) = queries.application_queue(clock.today())
    assert row.item is refused and row.overdue is False  # due 25 January 2027, today 16 December
    with pytest.raises(DomainError) as info:
        factories.reject(refused, board_user, decided_on=clock.today())
    assert info.value.status == 409 and info.value.code == "admission_required"
    with pytest.raises(DomainError) as info:  # not before the assembly's decision
        factories.admit(refused, board_user, decided_on=date(2026, 12, 1))
    assert info.value.code == "decision_date"
    member = factories.admit(refused, board_user, decided_on=clock.today())
    assert refused.status == ApplicationStatus.ADMITTED and member.admitted_on == clock.today()
    assert refused.refused_on == date(2026, 11, 26) and refused.refusal_reasons  # kept for the report


def test_rejected_appeal_is_final(refused, board_user):
    appeal = operations.lodge_appeal(refused, "Ricorso")
    operations.record_appeal_decision(appeal, {"outcome": "rejected", "decided_on": "2026-11-26",
                                               "note": "Verbale n. 12"}, board_user)
    assert refused.status == ApplicationStatus.APPEAL_REJECTED
    assert queries.application_queue(clock.today()) == []
    with pytest.raises(DomainError) as info:
        operations.record_appeal_decision(appeal, {"outcome": "upheld", "decided_on": "2026-11-26"}, board_user)
    assert info.value.status == 409


@pytest.mark.parametrize("decided_on", ["2026-11-27", "2026-11-25"])
def test_the_assembly_date_is_neither_future_nor_before_the_appeal(refused, board_user, decided_on):
    appeal = operations.lodge_appeal(refused, "Ricorso")
    with pytest.raises(DomainError) as info:
        operations.record_appeal_decision(appeal, {"outcome": "upheld", "decided_on": decided_on}, board_user)
    assert info.value.code == "decision_date"
    assert appeal.status == AppealStatus.PENDING and refused.status == ApplicationStatus.APPEALED


# --- the applicant's page ----------------------------------------------------------------------

def status_login(client, email="refused@example.org", password=factories.PASSWORD):
    return client.post("/application/login", data={"email": email, "password": password})


def test_the_refused_applicant_logs_in_and_appeals_from_their_page(client, refused, _db):
    _db.commit()
    page = client.get("/application")
    assert 'name="password"' in page.get_data(as_text=True)  # the login form
    assert status_login(client, password="not-the-password").status_code == 422
    assert status_login(client).status_code == 302
    html = client.get("/application").get_data(as_text=True)
    assert refused.refusal_reasons in html and 'name="text"' in html
    response = client.post("/application/appeal", data={"text": "Chiedo il giudizio dell'assemblea."})
    assert response.status_code == 302
    db.session.expire_all()
    assert refused.status == ApplicationStatus.APPEALED
    assert 'name="text"' not in client.get("/application").get_data(as_text=True)


def test_the_page_refuses_a_late_appeal_and_says_why(client, refused, _db):
    _db.commit()
    status_login(client)
    clock.advance(days=61)
    assert 'name="text"' not in client.get("/application").get_data(as_text=True)
    response = client.post("/application/appeal", data={"text": "In ritardo"})
    assert response.status_code == 422
    assert "2027" in response.get_data(as_text=True)
    db.session.expire_all()
    assert refused.status == ApplicationStatus.REJECTED and appeals() == 0


def test_the_board_records_the_assembly_decision_on_its_page(client, login, refused, board, _db):
    appeal = operations.lodge_appeal(refused, "Ricorso")
    _db.commit()
    login(board)
    page = client.get("/board/appeals").get_data(as_text=True)
    assert refused.full_name in page and f'name="appeal{appeal.id}-outcome"' in page
    bad = client.post(f"/board/appeals/{appeal.id}/decision",
                      data={f"appeal{appeal.id}-outcome": "upheld", f"appeal{appeal.id}-decided_on": "2030-01-01"})
    assert bad.status_code == 422 and f'id="appeal{appeal.id}-decided_on-errors"' in bad.get_data(as_text=True)
    ok = client.post(f"/board/appeals/{appeal.id}/decision",
                     data={f"appeal{appeal.id}-outcome": "upheld", f"appeal{appeal.id}-decided_on": "2026-11-26"})
    assert ok.status_code == 302
    queue = client.get("/board/applications").get_data(as_text=True)
    assert refused.full_name in queue and "text-bg-info" in queue  # flagged: admission required
    # decided, the appeal leaves the waiting list and stays findable in the "decided" tab
    waiting = client.get("/board/appeals").get_data(as_text=True)
    assert f'name="appeal{appeal.id}-outcome"' not in waiting
    decided = client.get("/board/appeals?show=decided").get_data(as_text=True)
    assert f'data-appeal="{appeal.id}"' in decided and refused.full_name in decided and "26/11/2026" in decided
    assert "Appeals decided by the assembly" in decided


# --- the API ---------------------------------------------------------------------------------------

def test_api_appeal_by_the_applicant_within_the_term(client, today, board, bearer, _db):
    created = client.post("/api/v1/applications", json=factories.application_data()).json
    board_headers = bearer(board)
    _db.commit()
    client.post(f"/api/v1/applications/{created['id']}/decision", headers=board_headers,
                json={"outcome": "rejected", "decided_on": "2026-11-26", "reasons": "Posti esauriti."})
    applicant = {"Authorization": f"Bearer {created['token']}"}
    url = f"/api/v1/applications/{created['id']}/appeal"
    assert client.post(url, json={"text": "x"}).status_code == 401
    assert client.post(url, headers=board_headers, json={"text": "x"}).status_code == 403
    clock.advance(days=61)
    late = client.post(url, headers=applicant, json={"text": "Ricorso"})
    assert late.status_code == 422 and late.json["code"] == "appeal_deadline"
    clock.advance(days=-1)
    ok = client.post(url, headers=applicant, json={"text": "Ricorso"})
    assert ok.status_code == 200 and ok.json["status"] == "appealed"
    board_headers = bearer(board)  # the first token expired while the clock moved 60 days
    _db.commit()
    listed = client.get("/api/v1/appeals?status=pending", headers=board_headers).json
    assert listed["total"] == 1 and listed["items"][0]["agenda_item_id"] is None
    decided = client.post(f"/api/v1/appeals/{ok.json['appeal_id']}/decision", headers=board_headers,
                          json={"outcome": "upheld", "decided_on": clock.today().isoformat()})
    assert decided.status_code == 200 and decided.json["status"] == "upheld"
    read = client.get(f"/api/v1/applications/{created['id']}", headers=applicant).json
    assert read["status"] == "appeal_upheld" and read["appeal"]["status"] == "upheld"


@pytest.mark.parametrize("days_after_notice, in_time", [(0, True), (60, True), (61, False)])
def test_the_page_and_the_operation_share_one_appeal_term(refused, days_after_notice, in_time):
    """The status page offers the appeal exactly when lodge_appeal accepts it: both ask
    queries.can_appeal / rules.appeal_in_time (art. 2528 c.c.)."""
    clock.advance(days=days_after_notice)
    assert queries.can_appeal(refused, clock.today()) is in_time
    assert queries.appeal_deadline_of(refused) == date(2027, 1, 25)
    if in_time:
        operations.lodge_appeal(refused, "Chiedo all'assemblea di decidere.")
        assert not queries.can_appeal(refused, clock.today())   # once
    else:
        with pytest.raises(DomainError) as info:
            operations.lodge_appeal(refused, "Chiedo all'assemblea di decidere.")
        assert info.value.code == "appeal_deadline"
