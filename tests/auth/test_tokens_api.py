"""Personal API tokens through the JSON API; who the API lets in."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from governance.auth.models import ApiToken
from governance.core import clock
from governance.core.audit import AuditEntry
from governance.extensions import db


def _log_in(api, email, password="password-1234", **extra):
    return api.post("/api/v1/auth/tokens", json={"email": email, "password": password, **extra})


def _auth(raw):
    return {"Authorization": f"Bearer {raw}"}


def test_exchange_credentials_for_a_token(app, api, user_factory, today):
    user = user_factory(email="anna@example.org", roles=["member"])
    response = _log_in(api, "anna@example.org", name="accounting")
    assert response.status_code == 201
    body = response.get_json()
    assert body["token"].startswith("gov_")
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert expires_at == clock.now() + timedelta(days=app.config["API_TOKEN_DAYS"])
    assert body["name"] == "accounting" and body["token"].startswith(body["prefix"])
    stored = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert stored.token_hash != body["token"]  # only the hash is kept
    assert api.get("/api/v1/auth/me", headers=_auth(body["token"])).get_json()["email"] == "anna@example.org"


def test_wrong_credentials_are_401_invalid_credentials(api, user_factory):
    user_factory(email="anna@example.org", roles=["member"])
    for email, password in (("anna@example.org", "wrong-password"), ("nobody@example.org", "password-1234")):
        response = _log_in(api, email, password)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        body = response.get_json()
        assert body["code"] == "invalid_credentials"
        assert body["detail"] == "Email or password is not correct."
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_an_inactive_account_gets_no_token(api, user_factory):
    user_factory(email="late@example.org", roles=["member"], is_active_account=False)
    response = _log_in(api, "late@example.org")
    assert response.status_code == 403
    assert response.get_json()["code"] == "inactive_account"


def test_a_malformed_login_body_is_422_validation(api):
    response = api.post("/api/v1/auth/tokens", json={"email": "anna@example.org"})
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "validation" and "password" in body["errors"]
    not_json = api.post("/api/v1/auth/tokens", data="email=x", content_type="text/plain")
    assert not_json.status_code == 415


def test_list_only_my_own_tokens(api, user_factory, bearer, today):
    anna = user_factory(roles=["member"])
    other = user_factory(roles=["member"])
    headers = bearer(anna)
    bearer(other)
    from governance.auth.operations import issue_token
    issue_token(anna, "second", 10)
    response = api.get("/api/v1/auth/tokens", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 50
    assert sorted(t["name"] for t in body["items"]) == ["second", "test"]
    assert all("token" not in t and "token_hash" not in t for t in body["items"])


def test_revoke_my_token_and_it_stops_working(api, user_factory, today):
    user_factory(email="anna@example.org", roles=["member"])
    first = _log_in(api, "anna@example.org").get_json()
    second = _log_in(api, "anna@example.org").get_json()
    response = api.delete(f"/api/v1/auth/tokens/{second['id']}", headers=_auth(first["token"]))
    assert response.status_code == 204
    assert api.get("/api/v1/auth/me", headers=_auth(second["token"])).status_code == 401
    listed = api.get("/api/v1/auth/tokens", headers=_auth(first["token"])).get_json()["items"]
    assert {t["id"]: t["revoked_at"] is not None for t in listed} == {first["id"]: False, second["id"]: True}
    # A token can revoke itself too; afterwards it is refused.
    assert api.delete(f"/api/v1/auth/tokens/{first['id']}", headers=_auth(first["token"])).status_code == 204
    assert api.get("/api/v1/auth/tokens", headers=_auth(first["token"])).status_code == 401


def test_someone_elses_token_is_not_found(api, user_factory, bearer):
    owner = user_factory(roles=["member"])
    admin = user_factory(roles=["admin"])
    bearer(owner)
    owners_token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == owner.id))
    response = api.delete(f"/api/v1/auth/tokens/{owners_token.id}", headers=bearer(admin))
    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"
    db.session.refresh(owners_token)
    assert owners_token.revoked_at is None


def test_an_expired_token_is_refused(api, user_factory, today):
    user_factory(email="anna@example.org", roles=["member"])
    raw = _log_in(api, "anna@example.org").get_json()["token"]
    clock.advance(days=89)
    assert api.get("/api/v1/auth/me", headers=_auth(raw)).status_code == 200
    clock.advance(days=1)
    response = api.get("/api/v1/auth/me", headers=_auth(raw))
    assert response.status_code == 401
    assert response.get_json()["code"] == "unauthorized"


def test_a_deactivated_users_token_is_refused(api, user_factory, bearer):
    user = user_factory(roles=["admin"])
    headers = bearer(user)
    user.is_active_account = False
    assert api.get("/api/v1/audit", headers=headers).status_code == 401


def test_an_unknown_or_malformed_bearer_is_refused(api):
    for header in ("Bearer gov_not-a-token", "Bearer ", "Basic YWJjOmRlZg==", "gov_abc"):
        assert api.get("/api/v1/auth/me", headers={"Authorization": header}).status_code == 401


def test_the_session_cookie_alone_does_not_open_the_api(client, login, user_factory):
    user = user_factory(roles=["admin"])
    login(user)
    assert client.get("/admin/audit").status_code == 200  # the pages accept the session
    for path in ("/api/v1/auth/me", "/api/v1/audit", "/api/v1/statute"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.mimetype == "application/problem+json"


def test_the_api_profile(api, user_factory, bearer, member_factory):
    member = member_factory(first_name="Anna", last_name="Bianchi")
    user = user_factory(email="anna@example.org", roles=["member"], member=member, locale="it")
    headers = bearer(user)
    me = api.get("/api/v1/auth/me", headers=headers).get_json()
    assert me["roles"] == ["member"] and me["member"] == member.number and me["locale"] == "it"
    changed = api.patch("/api/v1/auth/me", headers=headers, json={"locale": "en"})
    assert changed.status_code == 200 and changed.get_json()["locale"] == "en"
    bad = api.patch("/api/v1/auth/me", headers=headers, json={"locale": "fr"})
    assert bad.status_code == 422 and "locale" in bad.get_json()["errors"]
    wrong = api.post("/api/v1/auth/password", headers=headers,
                     json={"current_password": "nope", "new_password": "new-password-1"})
    assert wrong.status_code == 422
    assert wrong.get_json()["errors"] == {"current_password": ["The current password is not correct."]}
    ok = api.post("/api/v1/auth/password", headers=headers,
                  json={"current_password": "password-1234", "new_password": "new-password-1"})
    assert ok.status_code == 200 and ok.get_json()["tokens_revoked"] == 1
    # the token that changed the password died with the old password
    assert api.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert _log_in(api, "anna@example.org", "new-password-1").status_code == 201


def test_create_a_named_token_when_authenticated(app, api, user_factory, bearer, today):
    user = user_factory(roles=["member"])
    headers = bearer(user)
    response = api.post("/api/v1/auth/tokens/new", headers=headers, json={"name": "nightly", "days": 7})
    assert response.status_code == 201
    assert datetime.fromisoformat(response.get_json()["expires_at"]) == clock.now() + timedelta(days=7)
    too_long = api.post("/api/v1/auth/tokens/new", headers=headers,
                        json={"name": "x", "days": app.config["API_TOKEN_DAYS"] + 1})
    assert too_long.status_code == 422 and "days" in too_long.get_json()["errors"]


def test_an_admins_api_login_is_audited_and_a_members_is_not(api, user_factory):
    user_factory(email="admin@example.org", roles=["admin"])
    user_factory(email="member@example.org", roles=["member"])
    admin_token = _log_in(api, "admin@example.org").get_json()
    _log_in(api, "member@example.org")
    entries = db.session.scalars(sa.select(AuditEntry)).all()
    assert [(e.action, e.actor_email, e.object_id) for e in entries] == [
        ("token.create", "admin@example.org", str(admin_token["id"]))]


def test_the_openapi_document_is_built_from_the_code(api):
    spec = api.get("/api/v1/openapi.json").get_json()
    post = spec["paths"]["/api/v1/auth/tokens"]["post"]
    schema_ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]
    assert set(schema["required"]) == {"email", "password"}
    assert "201" in post["responses"] and "401" in post["responses"]
    assert "delete" in spec["paths"]["/api/v1/auth/tokens/{token_id}"]
    # Logging in needs no token; the rest of the API does.
    assert post["security"] == []
    assert "security" not in spec["paths"]["/api/v1/auth/tokens"]["get"]
    assert spec["security"] == [{"bearerAuth": []}]
