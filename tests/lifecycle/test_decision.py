"""2-3. The board's queue, the decision, admission (number, entry, login, letter)."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from governance.lifecycle import access, operations
from governance.lifecycle.models import Application, ApplicationStatus
from governance.auth.models import User
from governance.core import clock
from governance.core.audit import AuditEntry
from governance.core.errors import DomainError
from governance.core.outbox import OutboxMessage
from governance.core.permissions import Role
from governance.extensions import db
from governance.members.models import Category, Member, MemberHistory, MemberStatus

from . import factories


def decide(application, actor, **data):
    return operations.decide_application(application, data, actor)


def members() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Member))


# --- admission ------------------------------------------------------------------------------

def test_admission_enters_the_register_with_the_next_number(today, apply, board_user, member_factory):
    member_factory(number=7)
    application = apply(email="new@example.org", shares=3)
    clock.advance(days=10)
    decide(application, board_user, outcome="admitted", decided_on="2026-12-01")
    member = application.member
    assert application.status == ApplicationStatus.ADMITTED
    assert member.number == 8
    assert member.admitted_on == application.decided_on == date(2026, 12, 1)
    assert (member.tax_code, member.email, member.shares_subscribed) == (application.tax_code, "new@example.org", 3)
    assert member.category == Category.WORKER and member.shares_paid_amount == 0
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"application.admit", "member.admit"} <= actions
    assert db.session.scalar(sa.select(MemberHistory.action).where(MemberHistory.member_id == member.id)) \
        == "member.admit"


def test_admission_prepares_an_inactive_login_with_the_chosen_password(today, apply, board_user):
    application = apply(email="login@example.org")
    factories.admit(application, board_user)
    user = db.session.get(User, application.user_id)
    assert user.email == "login@example.org" and user.member_id == application.member_id
    assert not user.is_active
    assert user.role_set == {Role.MEMBER}
    assert user.check_password(factories.PASSWORD)


def test_admission_sends_the_welcome_letter_and_activation_link(today, apply, board_user):
    application = apply(email="welcome@example.org")
    factories.admit(application, board_user)
    message = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.recipient == "welcome@example.org").order_by(OutboxMessage.id)).all()[-1]
    (attachment,) = message.attachments
    assert attachment.filename == "lettera-ammissione.pdf"
    assert attachment.content_type == "application/pdf" and attachment.data.startswith(b"%PDF")
    assert str(application.member.number) in message.body
    link = next(line for line in message.body.splitlines() if "/activate/" in line)
    token = link.rsplit("/activate/", 1)[1].strip()
    data = access.read_activation_token(token)
    user = db.session.get(User, application.user_id)
    assert (data["u"], data["a"], data["v"]) == (user.id, application.id, user.session_version)
    assert data["issued_at"] == clock.now()  # signed on the platform's clock


def test_a_staff_login_with_the_same_email_is_never_linked(today, apply, board_user, user_factory):
    """Anyone may apply with the secretary's email: admitting them must not make the
    secretary's login a member's (nor give the new member the secretary's login)."""
    staff = user_factory(email="staff@example.org", roles=["secretary"])
    application = apply(email="staff@example.org")
    factories.admit(application, board_user)
    assert application.status == ApplicationStatus.ADMITTED and application.member_id
    assert staff.member_id is None and staff.role_set == {Role.SECRETARY}
    assert application.user_id is None
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "application.login_not_linked"))
    assert entry.object_id == str(application.id) and entry.changes["reason"] == [None, "staff_login"]
    message = operations.login_not_linked_message(application)
    assert "staff@example.org" in message and "by hand" in message


def test_another_members_login_is_never_linked(today, apply, board_user, user_factory, member_factory):
    other = member_factory()
    login = user_factory(email="taken@example.org", roles=["member"], member=other)
    application = apply(email="taken@example.org")
    factories.admit(application, board_user)
    assert login.member_id == other.id and application.user_id is None
    assert "another member" in operations.login_not_linked_message(application)


def test_a_former_member_with_another_tax_code_is_not_linked(today, apply, board_user, user_factory,
                                                             member_factory):
    former = member_factory(status=MemberStatus.WITHDRAWN)
    login = user_factory(email="former@example.org", roles=["member"], member=former)
    application = apply(email="former@example.org")   # a different person (tax code)
    factories.admit(application, board_user)
    assert login.member_id == former.id and application.user_id is None


def test_a_returning_member_gets_their_login_back(today, apply, board_user, user_factory, member_factory):
    data = factories.application_data(email="back@example.org")
    former = member_factory(status=MemberStatus.WITHDRAWN, tax_code=data["tax_code"])
    login = user_factory(email="back@example.org", roles=["member"], member=former)
    application = apply(**data)
    factories.admit(application, board_user)
    assert application.user_id == login.id and login.member_id == application.member_id
    assert login.role_set == {Role.MEMBER}


def test_the_board_is_told_when_no_login_was_created(client, login, today, apply, board, bearer,
                                                     user_factory, _db):
    user_factory(email="segreteria@example.org", roles=["secretary"])
    by_api, by_form = apply(email="segreteria@example.org"), apply(email="segreteria@example.org")
    headers = bearer(board)
    _db.commit()
    answer = client.post(f"/api/v1/applications/{by_api.id}/decision", headers=headers,
                         json={"outcome": "admitted", "decided_on": "2026-11-26"})
    assert answer.status_code == 200
    assert answer.json["login_created"] is False and "by hand" in answer.json["login_reason"]
    login(board)
    page = client.post(f"/board/applications/{by_form.id}/decision",
                       data={"outcome": "admitted", "decided_on": "2026-11-26"}, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "No login was created" in html and "segreteria@example.org" in html


# --- the volunteer cap (L. 381/1991 art. 2) -------------------------------------------------------

def test_volunteer_cap_exactly_half_is_allowed_one_more_is_refused(today, apply, board_user, member_factory):
    member_factory(category=Category.VOLUNTEER)
    member_factory()
    member_factory()
    first = apply(category="volunteer")
    second = apply(category="volunteer")
    factories.admit(first, board_user)  # 2 volunteers of 4 members: exactly 50%
    assert first.status == ApplicationStatus.ADMITTED
    before = members()
    with pytest.raises(DomainError) as info:
        factories.admit(second, board_user)  # 3 of 5 would be 60%
    assert info.value.code == "volunteer_cap"
    assert "3" in info.value.message and "5" in info.value.message and "60" in info.value.message
    assert members() == before
    assert second.status == ApplicationStatus.SUBMITTED and second.member_id is None


def test_volunteer_cap_through_the_api_names_the_figures(client, today, apply, board, bearer, member_factory, _db):
    member_factory(category=Category.VOLUNTEER)
    application = apply(category="volunteer")
    headers = bearer(board)
    _db.commit()
    response = client.post(f"/api/v1/applications/{application.id}/decision", headers=headers,
                           json={"outcome": "admitted", "decided_on": "2026-11-26"})
    assert response.status_code == 422
    assert response.json["code"] == "volunteer_cap"
    assert "2" in response.json["detail"] and "100" in response.json["detail"]
    assert members() == 1


# --- refusal ------------------------------------------------------------------------------------

def test_refusal_needs_reasons_and_sends_them(today, apply, board_user):
    application = apply(email="no@example.org")
    with pytest.raises(DomainError) as info:
        decide(application, board_user, outcome="rejected", decided_on="2026-11-26", reasons="  ")
    assert info.value.code == "reasons_required" and "reasons" in info.value.errors
    assert application.status == ApplicationStatus.SUBMITTED
    decide(application, board_user, outcome="rejected", decided_on="2026-11-26",
           reasons="Manca il requisito della residenza nel territorio.")
    assert application.status == ApplicationStatus.REJECTED
    assert application.notice_sent_on == today and application.refused_on == today
    message = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == "no@example.org")
                                 .order_by(OutboxMessage.id)).all()[-1]
    assert "Manca il requisito della residenza" in message.body
    assert "2027" in message.body  # the appeal deadline, 25 January 2027


# --- the decision date and the state ------------------------------------------------------------------

@pytest.mark.parametrize("decided_on", ["2026-11-27", "2026-11-25"])
def test_decision_date_neither_future_nor_before_the_application(today, apply, board_user, decided_on):
    application = apply()  # submitted today, 26 November 2026
    with pytest.raises(DomainError) as info:
        decide(application, board_user, outcome="admitted", decided_on=decided_on)
    assert info.value.code == "decision_date" and "decided_on" in info.value.errors
    assert application.status == ApplicationStatus.SUBMITTED and members() == 0


@pytest.mark.parametrize("data, field", [
    ({"outcome": "maybe", "decided_on": "2026-11-26"}, "outcome"),
    ({"outcome": "admitted"}, "decided_on"),
    ({"outcome": "admitted", "decided_on": "26.11.2026"}, "decided_on"),
    ({"outcome": "admitted", "decided_on": "31/02/2026"}, "decided_on"),
])
def test_decision_input_is_checked(today, apply, board_user, data, field):
    application = apply()
    with pytest.raises(DomainError) as info:
        operations.decide_application(application, data, board_user)
    assert info.value.code == "validation" and field in info.value.errors
    assert members() == 0


def test_a_decision_on_a_decided_application_is_a_conflict(today, apply, board_user):
    application = apply()
    factories.admit(application, board_user)
    for outcome in ("admitted", "rejected"):
        with pytest.raises(DomainError) as info:
            decide(application, board_user, outcome=outcome, decided_on="2026-11-26", reasons="x")
        assert info.value.status == 409 and info.value.code == "already_decided"
    assert members() == 1


def test_api_decision_twice_is_409_and_changes_nothing(client, today, apply, board, bearer, _db):
    application = apply()
    headers = bearer(board)
    _db.commit()
    url = f"/api/v1/applications/{application.id}/decision"
    first = client.post(url, headers=headers, json={"outcome": "admitted", "decided_on": "2026-11-26"})
    assert first.status_code == 200
    assert first.json == {"status": "admitted", "member_number": application.member.number,
                          "login_created": True, "login_reason": None}
    again = client.post(url, headers=headers, json={"outcome": "rejected", "decided_on": "2026-11-26",
                                                    "reasons": "ripensamento"})
    assert again.status_code == 409 and again.json["code"] == "already_decided"
    db.session.expire_all()
    assert application.status == ApplicationStatus.ADMITTED and members() == 1


@pytest.mark.parametrize("body, code", [
    ({"outcome": "admitted", "decided_on": "2026-11-27"}, "decision_date"),
    ({"outcome": "rejected", "decided_on": "2026-11-26"}, "reasons_required"),
    ({"outcome": "admitted", "decided_on": "yesterday"}, "validation"),
])
def test_api_decision_errors(client, today, apply, board, bearer, _db, body, code):
    application = apply()
    headers = bearer(board)
    _db.commit()
    response = client.post(f"/api/v1/applications/{application.id}/decision", headers=headers, json=body)
    assert response.status_code == 422 and response.json["code"] == code
    db.session.expire_all()
    assert application.status == ApplicationStatus.SUBMITTED and members() == 0


def test_api_decision_needs_the_board(client, today, apply, secretary_user, bearer, _db):
    application = apply()
    headers = bearer(secretary_user)
    _db.commit()
    url = f"/api/v1/applications/{application.id}/decision"
    assert client.post(url, json={"outcome": "admitted", "decided_on": "2026-11-26"}).status_code == 401
    assert client.post(url, headers=headers,
                       json={"outcome": "admitted", "decided_on": "2026-11-26"}).status_code == 403
    assert client.post("/api/v1/applications/999999/decision", headers=bearer(secretary_user),
                       json={}).status_code == 403


# --- the queue --------------------------------------------------------------------------------------------

def test_queue_sorted_by_due_date_with_countdown_and_day_60_boundary(client, login, today, apply, board, _db):
    clock.set_now(date(2026, 1, 1))
    early = apply(last_name="Primo")          # due 2 March 2026 (day 60)
    clock.set_now(date(2026, 1, 20))
    late = apply(last_name="Secondo")         # due 21 March 2026
    _db.commit()
    login(board)

    clock.set_now(date(2026, 3, 2))           # day 60 of the first: due today, not overdue
    html = client.get("/board/applications").get_data(as_text=True)
    assert html.index("Primo") < html.index("Secondo")
    assert f'class="overdue table-warning" data-application="{early.id}"' not in html
    assert f'class="" data-application="{early.id}"' in html

    clock.set_now(date(2026, 3, 3))           # day 61: overdue, highlighted
    html = client.get("/board/applications").get_data(as_text=True)
    assert f'class="overdue table-warning" data-application="{early.id}"' in html
    assert f'class="" data-application="{late.id}"' in html
    row = html[html.index(f'data-application="{early.id}"'):]
    row = row[:row.index("</tr>")]
    assert "badge text-bg-danger" in row and "-1" not in row  # "1 day overdue", not "-1"


def test_the_queue_is_for_the_board_and_the_secretary(client, login, today, secretary_user, member_user,
                                                      auditor_user, _db):
    _db.commit()
    assert client.get("/board/applications").status_code == 302  # to the login page
    login(member_user)
    assert client.get("/board/applications").status_code == 403
    login(auditor_user)
    assert client.get("/board/applications").status_code == 403
    login(secretary_user)
    assert client.get("/board/applications").status_code == 200


def test_the_board_decides_from_the_application_page(client, login, today, apply, board, _db):
    application = apply()
    _db.commit()
    login(board)
    page = client.get(f"/board/applications/{application.id}")
    assert page.status_code == 200 and 'name="outcome"' in page.get_data(as_text=True)
    refused = client.post(f"/board/applications/{application.id}/decision",
                          data={"outcome": "rejected", "decided_on": "2026-11-26", "reasons": ""})
    assert refused.status_code == 422
    assert 'id="reasons-errors"' in refused.get_data(as_text=True)
    future = client.post(f"/board/applications/{application.id}/decision",
                         data={"outcome": "admitted", "decided_on": "2026-12-25"})
    assert future.status_code == 422 and 'id="decided_on-errors"' in future.get_data(as_text=True)
    summary = client.post(f"/board/applications/{application.id}/decision",
                          data={"outcome": "admitted", "decided_on": "2026-11-26"})
    assert summary.status_code == 200 and 'name="confirmed" value="1"' in summary.get_data(as_text=True)
    db.session.expire_all()
    assert application.status == ApplicationStatus.SUBMITTED  # nothing decided before the confirmation
    admitted = client.post(f"/board/applications/{application.id}/decision",
                           data={"outcome": "admitted", "decided_on": "2026-11-26", "confirmed": "1"})
    assert admitted.status_code == 302
    db.session.expire_all()
    assert application.status == ApplicationStatus.ADMITTED
    assert admitted.headers["Location"].endswith(f"/members/{application.member.number}")  # what it made
    twice = client.post(f"/board/applications/{application.id}/decision",
                        data={"outcome": "admitted", "decided_on": "2026-11-26", "confirmed": "1"})
    assert twice.status_code == 409


def test_the_secretary_reads_but_does_not_decide(client, login, today, apply, secretary_user, _db):
    application = apply()
    _db.commit()
    login(secretary_user)
    page = client.get(f"/board/applications/{application.id}")
    assert page.status_code == 200 and 'name="outcome"' not in page.get_data(as_text=True)
    assert client.post(f"/board/applications/{application.id}/decision",
                       data={"outcome": "admitted", "decided_on": "2026-11-26"}).status_code == 403
    assert application.status == ApplicationStatus.SUBMITTED


# --- reading an application through the API ------------------------------------------------------------

def test_api_application_for_the_board_or_the_applicant(client, today, board, bearer, _db):
    created = client.post("/api/v1/applications", json=factories.application_data()).json
    other = client.post("/api/v1/applications", json=factories.application_data()).json
    board_headers = bearer(board)
    _db.commit()
    url = f"/api/v1/applications/{created['id']}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": f"Bearer {other['token']}"}).status_code == 403
    assert client.get(url, headers={"Authorization": "Bearer app_forged"}).status_code == 401
    mine = client.get(url, headers={"Authorization": f"Bearer {created['token']}"})
    assert mine.status_code == 200 and mine.json["status"] == "submitted"
    assert mine.json["days_left"] == 60 and mine.json["amount_due"] == "50.00"
    assert client.get(url, headers=board_headers).json["id"] == created["id"]
    listed = client.get("/api/v1/applications?status=submitted", headers=board_headers).json
    assert listed["total"] == 2 and {i["id"] for i in listed["items"]} == {created["id"], other["id"]}
    assert client.get("/api/v1/applications?status=nonsense", headers=board_headers).status_code == 422


def test_api_applicant_token_from_email_and_password(client, today, apply, _db):
    application = apply(email="token@example.org")
    _db.commit()
    bad = client.post("/api/v1/applications/tokens",
                      json={"email": "token@example.org", "password": "wrong-password"})
    assert bad.status_code == 401
    good = client.post("/api/v1/applications/tokens",
                       json={"email": "token@example.org", "password": factories.PASSWORD})
    assert good.status_code == 201 and good.json["id"] == application.id
    read = client.get(f"/api/v1/applications/{application.id}",
                      headers={"Authorization": f"Bearer {good.json['token']}"})
    assert read.status_code == 200


def test_decision_due_uses_the_statute_value_in_force(today, board_user):
    from governance.statute.operations import change_parameters
    change_parameters({"application_decision_days": 30}, today - timedelta(days=1), board_user,
                      note="in force since yesterday", correction=True)
    application = factories.submit()
    assert application.decision_due_on == today + timedelta(days=30)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 1


def test_an_applicant_with_the_longest_names_can_be_admitted(today, apply, board_user):
    """First name 100 + last name 200: the login made at admission carries the full name,
    so users.full_name is as wide as both with the space (issue 6: widths agree)."""
    first, last = "Maria" + "a" * 95, "Rossi" + "i" * 195
    application = apply(first_name=first, last_name=last)
    member = factories.admit(application, board_user)
    db.session.flush()
    user = db.session.scalar(sa.select(User).where(User.member_id == member.id))
    assert user.full_name == f"{first} {last}" and len(user.full_name) == 301
    db.session.expire(user)
    assert len(user.full_name) == 301  # as stored, not only as set
