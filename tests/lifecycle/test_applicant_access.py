"""How an applicant follows the application (access.py): the applicant password ends
at admission, sign-ins are throttled like logins, and the applicant's page does not
outlive someone else's login or logout in the same browser."""
import re

import pytest
import sqlalchemy as sa

from governance.lifecycle import operations
from governance.lifecycle.access import SESSION_KEY
from governance.auth.models import LoginThrottle
from governance.core import clock
from governance.core.errors import DomainError
from governance.core.outbox import OutboxMessage
from governance.extensions import db

from . import factories

USER_PASSWORD = "password-1234"  # tests/factories.py UserFactory


def activation_path(email: str) -> str:
    body = db.session.scalar(sa.select(OutboxMessage.body).where(OutboxMessage.recipient == email)
                             .where(OutboxMessage.body.contains("/activate/"))
                             .order_by(OutboxMessage.id.desc()))
    return re.search(r"https?://[^/\s]+(/activate/\S+)", body).group(1)


# --- the applicant password is no second credential after admission -----------------------

def test_admission_clears_the_applicant_password(client, today, apply, board_user, _db):
    application = apply(email="ammessa@example.org")
    factories.admit(application, board_user)
    _db.commit()
    assert not application.password_hash
    with pytest.raises(DomainError) as info:
        operations.authenticate_applicant("ammessa@example.org", factories.PASSWORD)
    assert info.value.code == "invalid_credentials"
    token = client.post("/api/v1/applications/tokens",
                        json={"email": "ammessa@example.org", "password": factories.PASSWORD})
    assert token.status_code == 401
    page = client.post("/application/login", data={"email": "ammessa@example.org",
                                                   "password": factories.PASSWORD})
    assert page.status_code == 422
    assert "log in like every member" in page.get_data(as_text=True)
    # ... while the login made from it works, once activated, with the same password.
    assert client.post(activation_path("ammessa@example.org"), data={}).status_code == 302
    assert client.post("/login", data={"email": "ammessa@example.org",
                                       "password": factories.PASSWORD}).status_code == 302


def test_after_admission_the_status_page_says_to_log_in_normally(client, today, apply, board_user, _db):
    application = apply(email="ammessa@example.org")
    _db.commit()
    client.post("/application/login", data={"email": "ammessa@example.org", "password": factories.PASSWORD})
    factories.admit(application, board_user)
    _db.commit()
    other_browser = client.application.test_client()
    other_browser.post(activation_path("ammessa@example.org"), data={})
    html = client.get("/application").get_data(as_text=True)
    assert "log in like every member" in html and "no longer accepts" in html


# --- throttling, like the logins -----------------------------------------------------------

def test_applicant_sign_in_is_throttled_in_the_api(client, app, today, apply, _db):
    application = apply(email="lenta@example.org")
    _db.commit()
    url = "/api/v1/applications/tokens"
    for attempt in range(app.config["LOGIN_MAX_FAILURES"]):
        wrong = client.post(url, json={"email": "lenta@example.org", "password": f"sbagliata-{attempt}"})
        assert wrong.status_code == 401
    locked = client.post(url, json={"email": "lenta@example.org", "password": factories.PASSWORD})
    assert locked.status_code == 429 and locked.json["code"] == "too_many_attempts"
    # every attempt is counted, the refused one too
    assert db.session.get(LoginThrottle, "applicant:lenta@example.org").attempts == \
        app.config["LOGIN_MAX_FAILURES"] + 1
    clock.advance(minutes=app.config["LOGIN_FAILURE_WINDOW_MINUTES"] + 1)
    good = client.post(url, json={"email": "lenta@example.org", "password": factories.PASSWORD})
    assert good.status_code == 201 and good.json["id"] == application.id


def test_applicant_sign_in_is_throttled_on_the_status_page(client, app, today, apply, _db):
    apply(email="lenta@example.org")
    _db.commit()
    for attempt in range(app.config["LOGIN_MAX_FAILURES"]):
        assert client.post("/application/login", data={"email": "lenta@example.org",
                                                       "password": f"sbagliata-{attempt}"}).status_code == 422
    locked = client.post("/application/login", data={"email": "lenta@example.org",
                                                     "password": factories.PASSWORD})
    assert locked.status_code == 429
    with client.session_transaction() as session:
        assert SESSION_KEY not in session


def test_applicant_failures_do_not_lock_the_login_with_the_same_email(client, app, today, apply,
                                                                      user_factory, _db):
    user_factory(email="stessa@example.org", password="password-del-login-1", roles=["member"])
    apply(email="stessa@example.org")
    _db.commit()
    for attempt in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/api/v1/applications/tokens", json={"email": "stessa@example.org",
                                                         "password": f"sbagliata-{attempt}"})
    assert client.post("/login", data={"email": "stessa@example.org",
                                       "password": "password-del-login-1"}).status_code == 302


# --- the applicant's page and other people's logins in the same browser ----------------------

@pytest.fixture
def shared_browser(client, today, apply, member_user, _db):
    application = apply(email="ospite@example.org", last_name="Ospitalieri")
    _db.commit()
    assert client.post("/application/login", data={"email": "ospite@example.org",
                                                   "password": factories.PASSWORD}).status_code == 302
    assert "Ospitalieri" in client.get("/application").get_data(as_text=True)
    return client, member_user


def test_a_login_in_the_same_browser_forgets_the_applicant(shared_browser):
    client, member_user = shared_browser
    assert client.post("/login", data={"email": member_user.email,
                                       "password": USER_PASSWORD}).status_code == 302
    with client.session_transaction() as session:
        assert SESSION_KEY not in session
    assert "Ospitalieri" not in client.get("/application").get_data(as_text=True)


def test_a_logout_in_the_same_browser_forgets_the_applicant(shared_browser, login):
    client, member_user = shared_browser
    login(member_user)   # (sets the session directly: the applicant's id is still there)
    with client.session_transaction() as session:
        assert SESSION_KEY in session
    assert client.post("/logout").status_code == 302
    with client.session_transaction() as session:
        assert SESSION_KEY not in session


def test_the_applicants_own_logout_forgets_them(shared_browser):
    client, _ = shared_browser
    assert client.post("/application/logout").status_code == 302
    with client.session_transaction() as session:
        assert SESSION_KEY not in session
    assert "Ospitalieri" not in client.get("/application").get_data(as_text=True)


# --- applicant tokens end when the applicant says so, and at admission (issue 6) -------------

def _applicant_token(client, email):
    response = client.post("/api/v1/applications/tokens",
                           json={"email": email, "password": factories.PASSWORD})
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.json['token']}"}


def test_the_applicant_revokes_every_token_at_once(client, today, apply, _db):
    application = apply(email="revoca@example.org")
    _db.commit()
    phone, laptop = _applicant_token(client, "revoca@example.org"), _applicant_token(client, "revoca@example.org")
    url = f"/api/v1/applications/{application.id}"
    assert client.get(url, headers=laptop).status_code == 200
    assert client.delete("/api/v1/applications/tokens", headers=phone).status_code == 204
    for headers in (phone, laptop):
        assert client.get(url, headers=headers).status_code == 401
    assert client.get(url, headers=_applicant_token(client, "revoca@example.org")).status_code == 200


def test_an_applicant_token_stops_at_admission(client, today, apply, board_user, _db):
    application = apply(email="ammessa2@example.org")
    _db.commit()
    headers = _applicant_token(client, "ammessa2@example.org")
    url = f"/api/v1/applications/{application.id}"
    assert client.get(url, headers=headers).status_code == 200
    factories.admit(application, board_user)
    _db.commit()
    assert client.get(url, headers=headers).status_code == 401
