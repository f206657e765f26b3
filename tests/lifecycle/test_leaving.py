"""5. Leaving: withdrawal (art. 2532 c.c.), exclusion (art. 2533), death, lapse."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from governance.lifecycle import operations, queries
from governance.lifecycle.models import ExitKind, MemberExit, WithdrawalRequest, WithdrawalStatus
from governance.core import clock
from governance.core.audit import AuditEntry
from governance.core.errors import DomainError
from governance.core.outbox import OutboxMessage
from governance.extensions import db
from governance.members.models import MemberHistory, MemberStatus


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def accept(request, actor, decided_on=None):
    return operations.decide_withdrawal(request, {"outcome": "accepted",
                                                  "decided_on": decided_on or clock.today()}, actor)


# --- withdrawal --------------------------------------------------------------------------------

@pytest.mark.parametrize("requested_on, effective_on", [
    (date(2026, 9, 30), date(2026, 12, 31)),   # exactly three months before the year end
    (date(2026, 10, 1), date(2027, 12, 31)),   # one day later
])
def test_withdrawal_effective_date_from_the_request_day(member_factory, requested_on, effective_on):
    clock.set_now(requested_on)
    member = member_factory()
    request = operations.request_withdrawal(member, {"reason": "Trasferimento"}, None)
    assert request.requested_on == requested_on
    assert request.effective_on == effective_on
    assert (request.decision_due_on - requested_on).days == 60
    assert request.status == WithdrawalStatus.PENDING


@pytest.mark.parametrize("requested_on, allowed", [("2020-01-14", False), ("2020-01-15", True)])
def test_a_withdrawal_request_is_not_before_the_admission(today, member_factory, board_user,
                                                          requested_on, allowed):
    """A paper request dated before the member was admitted (15 Jan 2020) is a mistake."""
    member = member_factory(admitted_on=date(2020, 1, 15))
    if allowed:
        assert operations.request_withdrawal(member, {"requested_on": requested_on}, board_user)
        return
    with pytest.raises(DomainError) as info:
        operations.request_withdrawal(member, {"requested_on": requested_on}, board_user)
    assert "requested_on" in info.value.errors
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WithdrawalRequest)) == 0


def test_accepted_withdrawal_ends_membership_on_the_notice_and_the_mutual_relationship_at_the_year_close(
        today, member_factory, board_user):
    """DOMAIN.md §3.4 (art. 2532 c.3 c.c.): the membership ends on the day the acceptance
    is notified; the mutual relationship at the close of the financial year."""
    member = member_factory(email="leaving@example.org")
    request = operations.request_withdrawal(member, {}, None)   # 26 Nov 2026: after 30 Sep
    accept(request, board_user)
    exit_ = queries.member_exit(member)
    assert exit_.kind == ExitKind.WITHDRAWAL and exit_.effective_on == today == exit_.notice_on
    assert exit_.mutual_ends_on == date(2027, 12, 31) and request.notice_on == today
    assert member.exit_on == today and member.exit_kind == ExitKind.WITHDRAWAL
    assert member.status == MemberStatus.WITHDRAWN and exit_.applied_on == today  # off the roll at once
    assert exit_.loans_to_close is True and exit_.refund_due_on is None
    assert operations.apply_due_exits(date(2027, 12, 31)) == []  # nothing left for the year close
    actions = set(db.session.scalars(sa.select(MemberHistory.action).where(MemberHistory.member_id == member.id)))
    assert {"member.exit_withdrawal", "member.status"} <= actions
    subjects = db.session.scalars(sa.select(OutboxMessage.subject).where(
        OutboxMessage.recipient == "leaving@example.org")).all()
    assert len(subjects) == 2  # request received, decision


def test_one_pending_request_at_a_time(today, member_factory):
    member = member_factory()
    operations.request_withdrawal(member, {}, None)
    with pytest.raises(DomainError) as info:
        operations.request_withdrawal(member, {}, None)
    assert info.value.status == 409 and info.value.code == "already_requested"
    assert count(WithdrawalRequest) == 1


def test_refusal_of_a_withdrawal_needs_reasons(today, member_factory, board_user):
    member = member_factory()
    request = operations.request_withdrawal(member, {}, None)
    with pytest.raises(DomainError) as info:
        operations.decide_withdrawal(request, {"outcome": "refused", "decided_on": today}, board_user)
    assert info.value.code == "reasons_required"
    assert request.status == WithdrawalStatus.PENDING
    operations.decide_withdrawal(request, {"outcome": "refused", "decided_on": today,
                                           "reasons": "Vincolo statutario di durata minima."}, board_user)
    assert request.status == WithdrawalStatus.REFUSED and count(MemberExit) == 0
    operations.request_withdrawal(member, {}, None)  # may ask again


@pytest.mark.parametrize("decided_on", [date(2026, 11, 27), date(2026, 11, 25)])
def test_withdrawal_decision_date_rules(today, member_factory, board_user, decided_on):
    request = operations.request_withdrawal(member_factory(), {}, None)
    with pytest.raises(DomainError) as info:
        accept(request, board_user, decided_on)
    assert info.value.code == "decision_date" and count(MemberExit) == 0


def test_a_decided_withdrawal_is_a_conflict(today, member_factory, board_user):
    request = operations.request_withdrawal(member_factory(), {}, None)
    accept(request, board_user)
    with pytest.raises(DomainError) as info:
        accept(request, board_user)
    assert info.value.status == 409 and count(MemberExit) == 1


# --- exclusion, death, lapse ----------------------------------------------------------------------

def exit_(member, actor, **data):
    return operations.record_exit(member, data, actor)


def test_exclusion_needs_reasons_and_nothing_is_stored_without(today, member_factory, board_user):
    member = member_factory()
    with pytest.raises(DomainError) as info:
        exit_(member, board_user, kind="exclusion", date=today, reasons="")
    assert info.value.code == "reasons_required"
    assert member.status == MemberStatus.ACTIVE and count(MemberExit) == 0 and count(AuditEntry) == 0


def test_exclusion_takes_effect_with_notice_and_a_later_challenge(today, member_factory, board_user):
    member = member_factory(email="excluded@example.org")
    record = exit_(member, board_user, kind="exclusion", date="2026-11-20", notice_on="2026-11-23",
                   reasons="Gravi inadempienze (art. 2533 c.c.).")
    assert member.status == MemberStatus.EXCLUDED and member.exit_on == date(2026, 11, 20)
    assert record.notice_on == date(2026, 11, 23) and record.challenged_on is None
    body = db.session.scalar(sa.select(OutboxMessage.body).where(OutboxMessage.recipient == "excluded@example.org"))
    assert "Gravi inadempienze" in body
    with pytest.raises(DomainError) as info:
        operations.record_challenge(member, {"challenged_on": "2026-11-22"}, board_user)
    assert "challenged_on" in info.value.errors
    operations.record_challenge(member, {"challenged_on": "2026-11-25"}, board_user)
    assert record.challenged_on == date(2026, 11, 25)


@pytest.mark.parametrize("data, field", [
    ({"notice_on": "2026-11-19"}, "notice_on"),        # before the decision
    ({"notice_on": "2026-11-27"}, "notice_on"),        # in the future
    ({"challenged_on": "2026-11-19"}, "challenged_on"),
])
def test_exclusion_dates_are_checked(today, member_factory, board_user, data, field):
    member = member_factory()
    with pytest.raises(DomainError) as info:
        exit_(member, board_user, kind="exclusion", date="2026-11-20", reasons="Motivi", **data)
    assert field in info.value.errors and count(MemberExit) == 0


@pytest.mark.parametrize("kind, status", [("death", MemberStatus.DECEASED), ("lapse", MemberStatus.LAPSED)])
def test_death_and_lapse_are_recorded_with_their_date(today, member_factory, board_user, kind, status):
    member = member_factory()
    record = exit_(member, board_user, kind=kind, date="2026-11-02")
    assert member.status == status and member.exit_on == date(2026, 11, 2)
    assert record.kind == ExitKind(kind) and record.loans_to_close


@pytest.mark.parametrize("data, field, code", [
    ({"kind": "death", "date": "2026-11-27"}, "date", "decision_date"),
    ({"kind": "death", "date": "2019-01-01"}, "date", "decision_date"),  # before the admission
    ({"kind": "death"}, "date", "validation"),
    ({"kind": "vanished", "date": "2026-11-20"}, "kind", "validation"),
    ({"kind": "death", "date": "2026-11-20", "notice_on": "2026-11-20"}, "notice_on", "validation"),
])
def test_exit_input_is_checked(today, member_factory, board_user, data, field, code):
    member = member_factory(admitted_on=date(2020, 1, 15))
    with pytest.raises(DomainError) as info:
        operations.record_exit(member, data, board_user)
    assert info.value.code == code and field in info.value.errors
    assert member.status == MemberStatus.ACTIVE and count(MemberExit) == 0


def test_one_exit_per_member(today, member_factory, board_user):
    member = member_factory()
    exit_(member, board_user, kind="lapse", date=today)
    with pytest.raises(DomainError) as info:
        exit_(member, board_user, kind="death", date=today)
    assert info.value.status == 409


def test_a_paper_withdrawal_recorded_by_the_board(today, member_factory, board_user):
    member = member_factory()
    record = exit_(member, board_user, kind="withdrawal", date="2026-11-20", requested_on="2026-09-30")
    assert record.effective_on == today and record.mutual_ends_on == date(2026, 12, 31)
    notified = exit_(member_factory(), board_user, kind="withdrawal", date="2026-11-20",
                     requested_on="2026-09-30", notice_on="2026-11-21")  # notified on paper
    assert notified.effective_on == notified.notice_on == date(2026, 11, 21)
    assert notified.member.status == MemberStatus.WITHDRAWN
    for wrong in ("2026-11-19", "2026-11-27"):  # before the decision, in the future
        with pytest.raises(DomainError) as info:
            exit_(member_factory(), board_user, kind="withdrawal", date="2026-11-20", notice_on=wrong)
        assert "notice_on" in info.value.errors
    assert record.withdrawal_request.status == WithdrawalStatus.ACCEPTED
    with pytest.raises(DomainError):
        exit_(member_factory(), board_user, kind="withdrawal", date="2026-11-20", requested_on="2026-11-21")
    assert count(WithdrawalRequest) == 2


# --- pages -------------------------------------------------------------------------------------------

def test_the_member_asks_to_withdraw_from_their_page(client, login, today, member_user, _db):
    _db.commit()
    login(member_user)
    page = client.get("/me/withdrawal")
    assert page.status_code == 200 and "2027" in page.get_data(as_text=True)  # effective 31 Dec 2027
    assert client.post("/me/withdrawal", data={"reason": "x"}).status_code == 422  # not confirmed
    assert count(WithdrawalRequest) == 0
    assert client.post("/me/withdrawal", data={"reason": "Trasferimento", "confirm": "y"}).status_code == 302
    assert client.post("/me/withdrawal", data={"confirm": "y"}).status_code == 409
    assert count(WithdrawalRequest) == 1


def test_a_login_without_a_register_entry_cannot_withdraw(client, login, today, user_factory, _db):
    user = user_factory(roles=["member"])
    _db.commit()
    login(user)
    assert client.get("/me/withdrawal").status_code == 403


def test_withdrawal_queue_countdown_and_overdue(client, login, today, member_factory, board, _db):
    clock.set_now(date(2026, 9, 1))
    first = operations.request_withdrawal(member_factory(last_name="Aaa"), {}, None)   # due 31 Oct
    clock.set_now(date(2026, 9, 15))
    second = operations.request_withdrawal(member_factory(last_name="Bbb"), {}, None)  # due 14 Nov
    _db.commit()
    login(board)
    clock.set_now(date(2026, 10, 31))
    html = client.get("/board/withdrawals").get_data(as_text=True)
    assert html.index("Aaa") < html.index("Bbb")
    assert f'class="" data-request="{first.id}"' in html
    clock.set_now(date(2026, 11, 1))
    html = client.get("/board/withdrawals").get_data(as_text=True)
    assert f'class="overdue table-warning" data-request="{first.id}"' in html
    assert f'class="" data-request="{second.id}"' in html
    decided = client.post(f"/board/withdrawals/{first.id}/decision",
                          data={"outcome": "accepted", "decided_on": "2026-11-01", "confirmed": "1"})
    assert decided.status_code == 302
    db.session.expire_all()
    assert first.status == WithdrawalStatus.ACCEPTED and first.effective_on == date(2026, 12, 31)


def test_the_board_records_an_exclusion_on_the_member_page(client, login, today, member_factory, board, _db):
    member = member_factory()
    _db.commit()
    login(board)
    page = client.get(f"/members/{member.number}/lifecycle")
    assert page.status_code == 200 and 'name="exit-kind"' in page.get_data(as_text=True)
    missing = client.post(f"/members/{member.number}/exit",
                          data={"exit-kind": "exclusion", "exit-date": "2026-11-26", "exit-reasons": ""})
    assert missing.status_code == 422 and 'id="exit-reasons-errors"' in missing.get_data(as_text=True)
    assert count(MemberExit) == 0
    summary = client.post(f"/members/{member.number}/exit",
                          data={"exit-kind": "exclusion", "exit-date": "2026-11-26", "exit-reasons": "Morosità"})
    assert summary.status_code == 200 and "within 60 days" in summary.get_data(as_text=True)
    assert count(MemberExit) == 0
    ok = client.post(f"/members/{member.number}/exit",
                     data={"exit-kind": "exclusion", "exit-date": "2026-11-26", "exit-reasons": "Morosità",
                           "confirmed": "1"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert member.status == MemberStatus.EXCLUDED


# --- the API ------------------------------------------------------------------------------------------

def test_api_exit_and_reading_it(client, today, member_user, board, bearer, member_factory, _db):
    other = member_factory()
    board_headers, member_headers = bearer(board), bearer(member_user)
    _db.commit()
    number = member_user.member.number
    missing = client.post(f"/api/v1/members/{number}/exit", headers=board_headers,
                          json={"kind": "exclusion", "date": "2026-11-26"})
    assert missing.status_code == 422 and missing.json["code"] == "reasons_required"
    assert client.post(f"/api/v1/members/{number}/exit", headers=member_headers,
                       json={"kind": "death", "date": "2026-11-26"}).status_code == 403
    ok = client.post(f"/api/v1/members/{number}/exit", headers=board_headers,
                     json={"kind": "exclusion", "date": "2026-11-26", "reasons": "Morosità"})
    assert ok.status_code == 200
    assert ok.json["member_status"] == "excluded" and ok.json["loans_to_close"] is True
    again = client.post(f"/api/v1/members/{number}/exit", headers=board_headers,
                        json={"kind": "death", "date": "2026-11-26"})
    assert again.status_code == 409
    assert client.get(f"/api/v1/members/{number}/exit", headers=member_headers).json["kind"] == "exclusion"
    assert client.get(f"/api/v1/members/{other.number}/exit", headers=member_headers).status_code == 403
    assert client.post("/api/v1/members/999999/exit", headers=board_headers,
                       json={"kind": "death", "date": "2026-11-26"}).status_code == 404


def test_api_withdrawal_request_and_decision(client, today, member_user, board, bearer, member_factory, _db):
    other = member_factory()
    board_headers, member_headers = bearer(board), bearer(member_user)
    _db.commit()
    number = member_user.member.number
    assert client.post(f"/api/v1/members/{other.number}/withdrawal-requests", headers=member_headers,
                       json={}).status_code == 403
    dated = client.post(f"/api/v1/members/{number}/withdrawal-requests", headers=member_headers,
                        json={"requested_on": "2026-09-30"})
    assert dated.status_code == 422  # only the board dates a request
    created = client.post(f"/api/v1/members/{number}/withdrawal-requests", headers=member_headers,
                          json={"reason": "Trasferimento"})
    assert created.status_code == 201
    assert created.json["effective_on"] == "2027-12-31" and created.json["decision_due_on"] == "2027-01-25"
    queue = client.get("/api/v1/withdrawal-requests?status=pending", headers=board_headers).json
    assert [i["id"] for i in queue["items"]] == [created.json["id"]]
    url = f"/api/v1/withdrawal-requests/{created.json['id']}/decision"
    refused = client.post(url, headers=board_headers, json={"outcome": "refused", "decided_on": "2026-11-26"})
    assert refused.status_code == 422 and refused.json["code"] == "reasons_required"
    accepted = client.post(url, headers=board_headers, json={"outcome": "accepted", "decided_on": "2026-11-26"})
    assert accepted.status_code == 200 and accepted.json["status"] == "accepted"
    assert client.post(url, headers=board_headers,
                       json={"outcome": "accepted", "decided_on": "2026-11-26"}).status_code == 409


def test_the_daily_command_applies_the_exits_due(app, today, member_factory, board_user):
    """An exit whose day has come but whose status has not changed yet (as migration 0014
    leaves the withdrawals accepted before the correction) is applied by the daily job."""
    member = member_factory()
    accept(operations.request_withdrawal(member, {}, None), board_user)
    exit_record = queries.member_exit(member)
    exit_record.applied_on, member.status = None, MemberStatus.ACTIVE   # as before the correction
    exit_record.effective_on = member.exit_on = today + timedelta(days=1)
    db.session.flush()
    runner = app.test_cli_runner()
    assert "0 exit(s) applied" in runner.invoke(args=["lifecycle", "apply-exits"]).output
    clock.advance(days=1)
    assert "1 exit(s) applied" in runner.invoke(args=["lifecycle", "apply-exits"]).output
    db.session.expire_all()
    assert member.status == MemberStatus.WITHDRAWN


# --- another exit while a withdrawal request waits (review finding) -------------------------------

@pytest.mark.parametrize("kind, extra", [("exclusion", {"reasons": "Morosità"}), ("death", {}), ("lapse", {})])
def test_an_exit_closes_the_pending_withdrawal_request_without_email(today, member_factory, board_user,
                                                                     kind, extra):
    member = member_factory(email="in-uscita@example.org")
    request = operations.request_withdrawal(member, {"reason": "Trasloco"}, None)
    emails_before = count(OutboxMessage)
    exit_(member, board_user, kind=kind, date="2026-11-20", **extra)
    assert request.status == WithdrawalStatus.REFUSED and request.decided_on == today
    assert "superseded" in request.decision_reasons and "20/11/2026" in request.decision_reasons
    assert queries.pending_withdrawal(member) is None
    assert queries.withdrawal_queue(today) == []
    subjects = db.session.scalars(sa.select(OutboxMessage.subject).where(
        OutboxMessage.id > 0).order_by(OutboxMessage.id)).all()[emails_before:]
    assert not any("withdrawal" in s.lower() for s in subjects)   # only the exit's own email, if any
    assert db.session.scalar(sa.select(AuditEntry.action).where(
        AuditEntry.action == "withdrawal.superseded", AuditEntry.object_id == str(request.id)))
    with pytest.raises(DomainError) as info:   # the old request cannot be decided any more
        accept(request, board_user)
    assert info.value.status == 409 and "(status: Refused)" in info.value.message


def test_the_exit_dates_use_the_decision_date_rule(today, member_factory, board_user):
    member = member_factory(admitted_on=date(2020, 1, 15))
    with pytest.raises(DomainError) as info:
        exit_(member, board_user, kind="death", date="2019-01-01")
    assert info.value.errors["date"] == ["The date 01/01/2019 is before the admission (15/01/2020)."]
    with pytest.raises(DomainError) as info:
        exit_(member, board_user, kind="death", date="2026-11-27")
    assert "27/11/2026" in info.value.errors["date"][0] and "future" in info.value.errors["date"][0]


def test_messages_name_statuses_and_kinds_in_words(today, member_factory, board_user):
    member = member_factory()
    exit_(member, board_user, kind="exclusion", date="2026-11-20", reasons="Morosità")
    with pytest.raises(DomainError) as info:
        operations.request_withdrawal(member, {}, None)
    assert info.value.message == f"Member n. {member.number} is not active (Excluded)."
    other = member_factory()
    exit_(other, board_user, kind="withdrawal", date="2026-11-20", requested_on="2026-11-20")
    with pytest.raises(DomainError) as info:
        exit_(other, board_user, kind="death", date="2026-11-20")
    assert info.value.message == f"Member n. {other.number} is not active (Withdrawn)."


def test_messages_are_italian_for_italian_users(app, today, member_factory, board_user):
    from flask_babel import force_locale
    member = member_factory()
    exit_(member, board_user, kind="exclusion", date="2026-11-20", reasons="Morosità")
    with force_locale("it"), pytest.raises(DomainError) as info:
        operations.request_withdrawal(member, {}, None)
    assert info.value.message == f"Il socio n. {member.number} non è attivo (Esclusione)."


# --- a member cannot probe which register numbers exist (review finding) ----------------------------

@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/members/{n}/shares"),
    ("get", "/api/v1/members/{n}/exit"),
    ("post", "/api/v1/members/{n}/withdrawal-requests"),
])
def test_a_member_gets_403_for_any_number_not_their_own(client, today, member_user, bearer, member_factory,
                                                        _db, method, path):
    other = member_factory()
    headers = bearer(member_user)
    _db.commit()
    existing = getattr(client, method)(path.format(n=other.number), headers=headers, json={})
    missing = getattr(client, method)(path.format(n=999_999), headers=headers, json={})
    assert existing.status_code == missing.status_code == 403
    assert missing.json["code"] == existing.json["code"]


def test_register_readers_still_get_404_for_a_missing_number(client, today, secretary_user, bearer, _db):
    headers = bearer(secretary_user)
    _db.commit()
    assert client.get("/api/v1/members/999999/shares", headers=headers).status_code == 404
    assert client.get("/api/v1/members/999999/exit", headers=headers).status_code == 404


@pytest.mark.parametrize("method, path", [
    ("get", "/members/{n}/lifecycle"), ("post", "/members/{n}/exit"),
    ("post", "/members/{n}/share-payments"), ("get", "/members/lifecycle?number={n}"),
])
def test_html_member_pages_refuse_a_member_alike(client, login, today, member_user, member_factory, _db,
                                                 method, path):
    other = member_factory()
    _db.commit()
    login(member_user)
    existing = getattr(client, method)(path.format(n=other.number))
    missing = getattr(client, method)(path.format(n=999_999))
    assert existing.status_code == missing.status_code == 403


@pytest.mark.parametrize("role", ["auditor", "secretary", "board", "admin"])
def test_only_the_member_themself_files_their_withdrawal(client, today, member_user, bearer, user_factory,
                                                         _db, role):
    """An auditor or a secretary could file a member's withdrawal through the API (it
    emailed the member and blocked their own request): issue 6."""
    from governance.lifecycle.models import WithdrawalRequest
    staff = user_factory(roles=[role])
    _db.commit()
    number = member_user.member.number
    response = client.post(f"/api/v1/members/{number}/withdrawal-requests", headers=bearer(staff),
                           json={"reason": "Per conto del socio"})
    assert response.status_code == 403
    assert _db.scalar(sa.select(sa.func.count()).select_from(WithdrawalRequest)) == 0
    own = client.post(f"/api/v1/members/{number}/withdrawal-requests", headers=bearer(member_user),
                      json={"reason": "Trasferimento"})
    assert own.status_code == 201


# --- a refused withdrawal: notice and challenge in court (DOMAIN.md §3.4) -------------------------

def test_a_refusal_is_notified_at_once_and_its_challenge_recorded(today, member_factory, board_user):
    member = member_factory()
    request = operations.request_withdrawal(member, {}, None)
    operations.decide_withdrawal(request, {"outcome": "refused", "decided_on": today.isoformat(),
                                           "reasons": "Debito verso la cooperativa"}, board_user)
    assert request.notice_on == today and member.status == MemberStatus.ACTIVE
    with pytest.raises(DomainError) as info:   # not before the notice
        operations.record_withdrawal_challenge(request, {"challenged_on": "2026-11-25"}, board_user)
    assert "challenged_on" in info.value.errors and request.challenged_on is None
    with pytest.raises(DomainError) as info:   # not in the future
        operations.record_withdrawal_challenge(request, {"challenged_on": "2026-11-27"}, board_user)
    assert "challenged_on" in info.value.errors
    operations.record_withdrawal_challenge(request, {"challenged_on": today.isoformat()}, board_user)
    assert request.challenged_on == today   # on the notice day itself
    assert db.session.scalar(sa.select(AuditEntry.action).where(
        AuditEntry.action == "withdrawal.refusal_challenged", AuditEntry.object_id == str(request.id)))


def test_only_a_refusal_can_be_challenged(client, today, member_factory, board, bearer, _db):
    request = operations.request_withdrawal(member_factory(), {}, None)
    accept(request, board)
    _db.commit()
    response = client.post(f"/api/v1/withdrawal-requests/{request.id}/challenge",
                           json={"challenged_on": today.isoformat()}, headers=bearer(board))
    assert response.status_code == 409 and response.json["code"] == "not_refused"


def test_a_member_cancels_a_pending_withdrawal_before_the_decision(client, login, today, member_factory,
                                                                  user_factory, board, _db):
    from governance.core.audit import AuditEntry
    member = member_factory(admitted_on=date(2020, 1, 1))
    user = user_factory(roles=["member"], member=member)
    request = operations.request_withdrawal(member, {}, user)
    _db.commit()
    login(user)
    page = client.get("/me/withdrawal").get_data(as_text=True)
    assert 'action="/me/withdrawal/cancel"' in page
    assert client.post("/me/withdrawal/cancel").status_code == 302
    assert count(WithdrawalRequest) == 0
    assert _db.scalar(sa.select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)) == "withdrawal.cancel"
    # decided: nothing to take back any more
    again = operations.request_withdrawal(member, {}, user)
    operations.decide_withdrawal(again, {"outcome": "accepted", "decided_on": today}, board)
    _db.commit()
    client.post("/me/withdrawal/cancel")
    _db.expire_all()
    assert again.status == WithdrawalStatus.ACCEPTED


# --- dates instead of terms in the emails (review of issue 8, item 12) ---------------------------

def _last_body(email: str) -> str:
    return db.session.scalar(sa.select(OutboxMessage.body).where(OutboxMessage.recipient == email)
                             .order_by(OutboxMessage.id.desc()))


def test_the_exclusion_email_gives_the_last_day_to_challenge_and_the_refund_term(today, member_factory,
                                                                                 board_user):
    member = member_factory(email="escluso@example.org")
    exit_(member, board_user, kind="exclusion", date="2026-11-20", notice_on="2026-11-23",
          reasons="Gravi inadempienze.")
    body = _last_body("escluso@example.org")
    assert "entro il 22/01/2027" in body          # 23 November + 60 days
    assert "da questa comunicazione" not in body.split("entro il 22/01/2027")[0].splitlines()[-1]
    assert "entro 180 giorni dall'approvazione del bilancio 2026" in body
    assert "termine di legge" not in body


def test_the_withdrawal_emails_give_dates(today, member_factory, board_user):
    leaving = member_factory(email="recede@example.org", admitted_on=date(2020, 1, 1))
    accept(operations.request_withdrawal(leaving, {}, None), board_user)
    accepted = _last_body("recede@example.org")
    assert "termine di legge" not in accepted
    assert f"entro 180 giorni dall'approvazione del bilancio {today.year}" in accepted
    staying = member_factory(email="resta@example.org", admitted_on=date(2020, 1, 1))
    operations.decide_withdrawal(operations.request_withdrawal(staying, {}, None),
                                 {"outcome": "refused", "decided_on": today, "reasons": "Motivi."}, board_user)
    refused = _last_body("resta@example.org")
    assert f"entro il {(today + timedelta(days=60)).strftime('%d/%m/%Y')}" in refused
