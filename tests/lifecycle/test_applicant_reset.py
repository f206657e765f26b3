"""A forgotten applicant password (issue 8 §4): /application/forgot emails a signed,
single-use link valid one hour, the same answer whether or not someone applied."""
import re

import sqlalchemy as sa

from governance.core import clock
from governance.core.audit import AuditEntry
from governance.core.outbox import OutboxMessage
from governance.extensions import db

from . import factories

NEW_PASSWORD = "una-nuova-password-9"


def reset_mails(email: str) -> list[str]:
    return list(db.session.scalars(sa.select(OutboxMessage.body).where(OutboxMessage.recipient == email)
                                   .where(OutboxMessage.body.contains("/application/reset/"))))


def reset_path(email: str) -> str:
    return re.search(r"https?://[^/\s]+(/application/reset/\S+)", reset_mails(email)[-1]).group(1)


def login(client, email, password):
    return client.post("/application/login", data={"email": email, "password": password})


def test_known_and_unknown_email_get_the_same_answer(client, today, apply, _db):
    apply(email="aspirante@example.org")
    _db.commit()
    assert client.get("/application/forgot").status_code == 200
    known = client.post("/application/forgot", data={"email": "Aspirante@example.org"},
                        follow_redirects=True)
    unknown = client.post("/application/forgot", data={"email": "nessuno@example.org"},
                          follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    def page(response):  # the CSP nonce differs on every answer, a CSRF token from one second to the next
        html = re.sub(r'nonce="[^"]*"', "", response.get_data(as_text=True))
        return re.sub(r'(<input[^>]*name="csrf_token"[^>]*value=")[^"]*"', r"\1", html)
    assert page(known) == page(unknown)
    assert len(reset_mails("aspirante@example.org")) == 1
    assert reset_mails("nessuno@example.org") == []


def test_the_login_form_links_to_the_forgotten_password(client, today):
    assert "/application/forgot" in client.get("/application").get_data(as_text=True)


def test_the_link_sets_a_new_password_once(client, today, apply, _db):
    application = apply(email="aspirante@example.org")
    _db.commit()
    other_browser = client.application.test_client()
    assert login(other_browser, "aspirante@example.org", factories.PASSWORD).status_code == 302
    client.post("/application/forgot", data={"email": "aspirante@example.org"})
    path = reset_path("aspirante@example.org")
    assert client.get(path).status_code == 200
    short = client.post(path, data={"password": "corta", "password_confirm": "corta"})
    assert short.status_code == 422
    response = client.post(path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/application")
    assert "Follow your application" not in client.get("/application").get_data(as_text=True)  # logged in
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "application.password_reset")
                             .where(AuditEntry.object_id == str(application.id))) is not None
    # the other browser's session has ended
    assert "Follow your application" in other_browser.get("/application").get_data(as_text=True)
    fresh = client.application.test_client()
    assert login(fresh, "aspirante@example.org", factories.PASSWORD).status_code == 422
    assert login(fresh, "aspirante@example.org", NEW_PASSWORD).status_code == 302
    # once
    again = client.post(path, data={"password": "ancora-un-altra-1", "password_confirm": "ancora-un-altra-1"})
    assert again.status_code == 400
    assert client.get(path).status_code == 400
    assert login(client.application.test_client(), "aspirante@example.org", NEW_PASSWORD).status_code == 302


def test_an_expired_or_forged_link_is_refused(client, today, apply, _db):
    apply(email="aspirante@example.org")
    _db.commit()
    client.post("/application/forgot", data={"email": "aspirante@example.org"})
    path = reset_path("aspirante@example.org")
    assert client.get(path + "x").status_code == 400
    assert client.get("/application/reset/not-a-token").status_code == 400
    clock.advance(hours=2)
    response = client.post(path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert "Ask for a new link" in response.get_data(as_text=True)
    assert login(client, "aspirante@example.org", factories.PASSWORD).status_code == 302


def test_an_admitted_application_gets_no_email(client, today, apply, board_user, _db):
    application = apply(email="ammessa@example.org")
    factories.admit(application, board_user)
    _db.commit()
    response = client.post("/application/forgot", data={"email": "ammessa@example.org"})
    assert response.status_code == 302
    assert reset_mails("ammessa@example.org") == []


def test_a_bad_email_gets_the_form_message(client, today):
    for email in ("non-una-email", "a\x00b@example.org", "x" * 300 + "@example.org"):
        response = client.post("/application/forgot", data={"email": email})
        assert response.status_code == 422
        assert 'is-invalid' in response.get_data(as_text=True) or "email" in response.get_data(as_text=True)
