"""3. The new member activates the account from the welcome email and logs in."""
import re
import secrets

import pytest
import sqlalchemy as sa

from governance.lifecycle import access, operations
from governance.auth.models import User
from governance.auth.operations import authenticate, update_user
from governance.core import clock
from governance.core.audit import AuditEntry
from governance.core.errors import Conflict, DomainError
from governance.core.outbox import OutboxMessage
from governance.extensions import db

from . import factories


@pytest.fixture
def admitted(today, apply, board_user, _db):
    application = apply(email="nuovo.socio@example.org")
    factories.admit(application, board_user)
    _db.commit()
    return application


def activation_path(email: str) -> str:
    bodies = db.session.scalars(sa.select(OutboxMessage.body).where(OutboxMessage.recipient == email)
                                .order_by(OutboxMessage.id.desc()))
    for body in bodies:
        found = re.search(r"https?://[^/\s]+(/activate/\S+)", body)
        if found:
            return found.group(1)
    raise AssertionError("no activation link sent")


def test_the_link_activates_the_account_with_the_password_chosen_when_applying(client, admitted):
    with pytest.raises(DomainError) as info:
        authenticate("nuovo.socio@example.org", factories.PASSWORD)
    assert info.value.code == "inactive_account"
    path = activation_path("nuovo.socio@example.org")
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "", "password_confirm": ""})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    user = authenticate("nuovo.socio@example.org", factories.PASSWORD)
    assert user.member_id == admitted.member_id


def test_the_member_logs_in_and_sees_their_number(client, admitted):
    client.post(activation_path("nuovo.socio@example.org"), data={})
    login = client.post("/login", data={"email": "nuovo.socio@example.org", "password": factories.PASSWORD})
    assert login.status_code == 302
    html = client.get("/application").get_data(as_text=True)
    assert str(admitted.member.number) in html


def test_a_new_password_may_be_chosen_at_activation(client, admitted):
    path = activation_path("nuovo.socio@example.org")
    short = client.post(path, data={"password": "short", "password_confirm": "short"})
    assert short.status_code == 422
    assert not db.session.get(User, admitted.user_id).is_active
    client.post(path, data={"password": "un-altra-password-lunga", "password_confirm": "un-altra-password-lunga"})
    assert authenticate("nuovo.socio@example.org", "un-altra-password-lunga").id == admitted.user_id


def test_a_forged_link_does_not_work(client, admitted):
    assert client.get("/activate/not-a-token").status_code == 404
    assert client.post("/activate/not-a-token", data={}).status_code == 404
    forged = access.activation_token(db.session.get(User, admitted.user_id), admitted.id)[:-2] + "xx"
    assert client.get(f"/activate/{forged}").status_code == 404


def test_the_applicant_may_ask_for_a_new_link(client, today, apply, board_user, _db):
    application = apply(email="nuovo.socio@example.org")
    _db.commit()
    # The applicant follows the application in this browser before the decision.
    client.post("/application/login", data={"email": "nuovo.socio@example.org", "password": factories.PASSWORD})
    factories.admit(application, board_user)
    _db.commit()
    before = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    assert client.post("/application/activation").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == before + 1
    client.post(activation_path("nuovo.socio@example.org"), data={})  # forgets the applicant page
    with pytest.raises(Conflict) as info:
        operations.resend_activation(application)
    assert info.value.code == "already_active"


# --- single use (review finding: a reusable link reactivated a deactivated account) ------

def test_the_link_works_once_without_a_new_password(client, admitted):
    path = activation_path("nuovo.socio@example.org")
    assert client.post(path, data={}).status_code == 302
    again = client.get(path)
    assert again.status_code == 409 and "already active" in again.get_data(as_text=True)
    reuse = client.post(path, data={"password": "password-di-altri-1", "password_confirm": "password-di-altri-1"})
    assert reuse.status_code == 409
    assert authenticate("nuovo.socio@example.org", factories.PASSWORD).id == admitted.user_id


def test_the_link_dies_once_a_new_password_is_chosen(client, admitted):
    path = activation_path("nuovo.socio@example.org")
    client.post(path, data={"password": "la-mia-password-1", "password_confirm": "la-mia-password-1"})
    # the account is active now: the link only says so, and changes nothing
    assert client.get(path).status_code == 409
    assert client.post(path, data={"password": "password-di-altri-1",
                                   "password_confirm": "password-di-altri-1"}).status_code == 409
    assert authenticate("nuovo.socio@example.org", "la-mia-password-1").id == admitted.user_id


def test_the_link_does_not_reactivate_an_account_the_office_deactivated(client, admitted, admin_user, _db):
    path = activation_path("nuovo.socio@example.org")
    client.post(path, data={})
    user = db.session.get(User, admitted.user_id)
    update_user(user, actor=admin_user, active=False)
    _db.commit()
    hash_before = user.password_hash
    for response in (client.get(path), client.post(path, data={"password": "password-di-altri-1",
                                                                "password_confirm": "password-di-altri-1"})):
        assert response.status_code == 409
        assert "deactivated" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert not user.is_active and user.password_hash == hash_before
    with pytest.raises(Conflict) as info:
        operations.resend_activation(admitted)   # no new link for it either
    assert info.value.code == "account_deactivated"


def test_the_link_expires_on_the_platform_clock(client, admitted):
    path = activation_path("nuovo.socio@example.org")
    clock.advance(days=59)
    assert client.get(path).status_code == 200
    clock.advance(days=2)   # 61 days after the welcome email
    assert client.get(path).status_code == 404
    assert client.post(path, data={}).status_code == 404
    assert not db.session.get(User, admitted.user_id).is_active


def test_applicant_api_tokens_expire_on_the_platform_clock(client, app, today, apply, _db):
    application = apply()
    _db.commit()
    token = access.applicant_token(application)
    url = f"/api/v1/applications/{application.id}"
    headers = {"Authorization": f"Bearer {token}"}
    clock.advance(days=app.config["API_TOKEN_DAYS"] - 1)
    assert client.get(url, headers=headers).status_code == 200
    clock.advance(days=2)
    assert client.get(url, headers=headers).status_code == 401


# --- an expired link (review of issue 8, item 3): a new one by email, without the -------
# application's password (no longer in use after admission)

def _outbox_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))


def _expire_first_link(client, email):
    path = activation_path(email)
    clock.advance(days=61)
    expired = client.get(path)
    assert expired.status_code == 404
    return expired.get_data(as_text=True)


def test_an_expired_link_leads_to_a_new_one_then_activation_and_login(client, admitted):
    page = _expire_first_link(client, "nuovo.socio@example.org")
    assert 'href="/activate/new"' in page
    assert client.get("/activate/new").status_code == 200
    before = _outbox_count()
    sent = client.post("/activate/new", data={"email": "Nuovo.Socio@example.org"})
    assert sent.status_code == 302
    assert _outbox_count() == before + 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "application.activation_resent")) == 1
    fresh = activation_path("nuovo.socio@example.org")
    assert client.get(fresh).status_code == 200
    assert client.post(fresh, data={}).status_code == 302
    login = client.post("/login", data={"email": "nuovo.socio@example.org", "password": factories.PASSWORD})
    assert login.status_code == 302 and "/login" not in login.headers["Location"]


def test_the_forgotten_password_form_sends_a_new_activation_link_to_an_admitted_applicant(client, admitted):
    _expire_first_link(client, "nuovo.socio@example.org")
    before = _outbox_count()
    assert client.post("/password/forgot", data={"email": "nuovo.socio@example.org"}).status_code == 302
    assert _outbox_count() == before + 1
    fresh = activation_path("nuovo.socio@example.org")
    assert client.post(fresh, data={}).status_code == 302
    assert authenticate("nuovo.socio@example.org", factories.PASSWORD).id == admitted.user_id


def test_the_same_answer_for_an_unknown_email_and_nothing_sent(client, admitted):
    before = _outbox_count()
    known = client.post("/activate/new", data={"email": "nuovo.socio@example.org"}, follow_redirects=True)
    unknown = client.post("/activate/new", data={"email": "nessuno@example.org"}, follow_redirects=True)
    assert _outbox_count() == before + 1
    flash = "we have sent it a new activation link"
    assert flash in known.get_data(as_text=True) and flash in unknown.get_data(as_text=True)


def test_no_new_link_for_a_login_the_office_deactivated_after_activation(client, admitted, admin_user, _db):
    client.post(activation_path("nuovo.socio@example.org"), data={})
    update_user(db.session.get(User, admitted.user_id), actor=admin_user, active=False)
    _db.commit()
    before = _outbox_count()
    assert client.post("/activate/new", data={"email": "nuovo.socio@example.org"}).status_code == 302
    assert client.post("/password/forgot", data={"email": "nuovo.socio@example.org"}).status_code == 302
    assert _outbox_count() == before
    assert not db.session.get(User, admitted.user_id).is_active


def test_new_activation_links_are_limited_per_address(app, client, admitted, monkeypatch):
    monkeypatch.setitem(app.config, "EMAIL_LINK_RATE_LIMIT", "2 per hour")
    # an address no earlier run used (a Redis storage keeps the counts between runs)
    where = {"environ_base": {"REMOTE_ADDR": f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"}}
    for _ in range(2):
        assert client.post("/activate/new", data={"email": "x@example.org"}, **where).status_code == 302
    # one limit shared with the forgotten-password forms
    assert client.post("/password/forgot", data={"email": "x@example.org"}, **where).status_code == 429
    assert client.post("/activate/new", data={"email": "x@example.org"}, **where).status_code == 429
