"""A NUL byte (and other characters no text may hold) in any free-text field, email,
token or query string is refused as bad input, never a 500: PostgreSQL refuses NUL in
text, so one that slipped past input cleaning (core.inputs) crashes the request.

The sweep is built from the application itself, so a new endpoint is covered without
editing this file: every operation of the OpenAPI document (each string property of its
body in turn, then all at once, and every query parameter), and every form found on
every page (each text field in turn). Run it on PostgreSQL (TEST_DATABASE_URL): SQLite
stores NUL silently. In tests an unexpected error propagates, so a 500 fails loudly."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from governance.core.permissions import Role
from governance.extensions import db
from tests.core.access import url_for_rule
from tests.lifecycle import factories as applications

NUL = "x\x00y"
PASSWORD = "everyone-password-1"


@pytest.fixture
def everyone(user_factory, member_factory, bearer):
    """One login holding every role and linked to a register entry: every route opens."""
    own = member_factory(first_name="Anna", last_name="Bianchi")
    user = user_factory(roles=[r.value for r in Role], member=own, password=PASSWORD)
    application = applications.submit()
    from governance.auth.operations import password_reset_token
    from governance.core import clock
    from governance.lifecycle import access
    from governance.lifecycle.operations import request_withdrawal
    from governance.loans.models import LoanAccount, Product
    leaving = member_factory(first_name="Marco", last_name="Verdi")
    withdrawal = request_withdrawal(leaving, {"reason": "Trasferimento"}, user)
    account = LoanAccount(member=own, product=Product.FREE, opened_on=own.admitted_on,
                          iban="IT60X0542811101000000123456", balance=0, created_at=clock.now())
    db.session.add(account)
    db.session.flush()
    params = {"number": own.number, "user_id": user.id, "application_id": application.id,
              "request_id": withdrawal.id, "account_id": account.id,
              "token": password_reset_token(user)}
    return {"user": user, "member": own, "headers": bearer(user), "application": application,
            "params": params,
            "applicant_headers": {"Authorization": f"Bearer {access.applicant_token(application)}"}}


# --- the API, from its OpenAPI document -----------------------------------------------------

def _spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def _schema(spec, ref_or_schema):
    if "$ref" in ref_or_schema:
        return spec["components"]["schemas"][ref_or_schema["$ref"].split("/")[-1]]
    return ref_or_schema


def _plausible(name: str, prop: dict):
    """A value the field would accept, so the NUL in another field gets as far as it can."""
    if "enum" in prop:
        return prop["enum"][0]
    kind = prop.get("type")
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if kind == "object":
        return {}
    if prop.get("format") == "date":
        return "2026-11-26"
    if "pattern" in prop:
        return "10.00"
    if "email" in name:
        return "nul.test@example.org"
    if "password" in name:
        return "long-enough-password-1"
    return "testo"


def _poisoned(name: str) -> str:
    if "email" in name:
        return "nul\x00test@example.org"
    if "password" in name:
        return "long-enough\x00password-1"
    return NUL


def _bodies(spec, operation) -> list[dict]:
    content = (operation.get("requestBody") or {}).get("content") or {}
    if "application/json" not in content:
        return []
    schema = _schema(spec, content["application/json"]["schema"])
    props = schema.get("properties") or {}
    base = {name: _plausible(name, prop) for name, prop in props.items()}
    strings = [name for name, prop in props.items()
               if prop.get("type") == "string" and "enum" not in prop]
    required = {name: base[name] for name in schema.get("required", [])}
    bodies = [{**base, name: _poisoned(name)} for name in strings]
    # the poisoned field with only the required ones: past rules the others would break
    bodies += [{**required, name: _poisoned(name)} for name in strings if name not in required]
    if strings:
        bodies.append({**base, **{name: _poisoned(name) for name in strings}})
    return bodies


def _path(template: str, values: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m[1], 987654)), template)


def test_no_api_operation_answers_500_to_a_nul_byte(app, client, everyone):
    spec = _spec(client)
    application = everyone["application"]
    values = {**everyone["params"], "token": NUL}
    sent = 0
    for template, operations in spec["paths"].items():
        path = _path(template, values)
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            headers = everyone["headers"]
            if template.endswith("/appeal"):
                headers = everyone["applicant_headers"]
            names = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
            # every query parameter at once, then each alone (a bad date must not hide it)
            queries = [{name: NUL for name in names}] + [{name: NUL} for name in names]
            for query in queries if method == "get" else [None]:
                for body in _bodies(spec, operation) or [None]:
                    response = client.open(path, method=method.upper(), headers=headers,
                                           query_string=query, json=body)
                    assert response.status_code < 500, (method, path, query, body,
                                                         response.get_data(as_text=True))
                    sent += 1
    assert sent > 200


@pytest.mark.parametrize("field", ["first_name", "last_name", "address", "phone", "email",
                                   "password", "tax_code", "legal_representative"])
def test_an_application_with_a_nul_byte_is_refused_next_to_the_field(client, today, field):
    response = client.post("/api/v1/applications",
                           json=applications.application_data(**{field: _poisoned(field)}))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


@pytest.mark.parametrize("path,body", [
    ("/api/v1/auth/tokens", {"email": "nul\x00@example.org", "password": "whatever-123"}),
    ("/api/v1/auth/password-reset", {"email": "nul\x00@example.org"}),
    ("/api/v1/applications/tokens", {"email": "nul\x00@example.org", "password": "whatever-123"}),
])
def test_lookups_by_email_refuse_a_nul_byte(client, path, body):
    response = client.post(path, json=body)
    assert response.status_code == 422
    assert "email" in response.get_json()["errors"]


def test_tokens_with_a_nul_byte_are_just_invalid(client):
    assert client.get("/api/v1/auth/me", headers={"Authorization": "Bearer gov_\x00"}).status_code == 401
    assert client.get("/api/v1/applications/1",
                      headers={"Authorization": "Bearer app_\x00"}).status_code == 401
    assert client.post("/api/v1/auth/password-reset/a%00b",
                       json={"password": "long-enough-password-1"}).status_code == 400
    assert client.get("/password/reset/a%00b").status_code == 400


# --- the pages: every form found on every page -----------------------------------------------

class _Forms(HTMLParser):
    """The POST forms of a page: action and fields (name -> (kind, default value))."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if kind == "radio" and a["name"] in self._form["fields"]:
                    return
                self._form["fields"][a["name"]] = ("choice", a.get("value") or "y")
            elif kind not in ("submit", "button", "file"):
                self._form["fields"][a["name"]] = (kind, a.get("value") or "")
        elif tag == "textarea" and a.get("name"):
            self._form["fields"][a["name"]] = ("textarea", "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"][self._select] = ("choice", None)
        elif tag == "option" and self._select and self._form["fields"][self._select][1] is None:
            self._form["fields"][self._select] = ("choice", a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


TEXT_KINDS = {"text", "email", "password", "search", "tel", "textarea", "url"}
# Forms that would end the test's own session.
SKIPPED_ACTIONS = {"/logout"}


def _form_value(name: str, kind: str, default: str):
    if kind in TEXT_KINDS:
        return default or _plausible(name, {"format": "date"} if "date" in name else {})
    if kind == "date":
        return default or "2026-11-26"
    if kind == "number":
        return default or "1"
    return default


def test_no_form_answers_500_to_a_nul_byte(app, client, login, everyone):
    pages = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" in rule.methods and not rule.rule.startswith(("/api/", "/static", "/bootstrap")) \
                and not rule.rule.endswith((".csv", ".pdf")) and "attachments" not in rule.rule:
            pages.append(url_for_rule(rule, everyone["params"]))
    posted = set()
    for page in pages:
        login(everyone["user"])
        filtered = client.get(page, query_string={"q": NUL, "status": NUL, "category": NUL,
                                                  "on": NUL, "year": NUL, "next": NUL})
        assert filtered.status_code < 500, page
        login(everyone["user"])
        response = client.get(page)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        parser = _Forms()
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            action = form["action"].split("?")[0] or page
            if action in SKIPPED_ACTIONS or action.startswith("http"):
                continue
            fields = form["fields"]
            base = {name: _form_value(name, kind, default) for name, (kind, default) in fields.items()}
            for name, (kind, _default) in fields.items():
                if kind not in TEXT_KINDS:
                    continue
                login(everyone["user"])
                result = client.post(form["action"] or page, data={**base, name: _poisoned(name)})
                assert result.status_code < 500, (page, form["action"], name)
                posted.add(action)
    assert len(posted) >= 21, sorted(posted)


def test_register_notes_refuse_a_nul_byte(client, bearer, board_user, secretary_user, member_factory, today):
    """Reasons kept in an entry's history (a correction, a new entry's note): each is
    free text cleaned like every other (they reached PostgreSQL raw before)."""
    from tests.members.test_api import api_entry
    member = member_factory()
    corrected = client.patch(f"/api/v1/members/{member.number}", headers=bearer(board_user),
                             json={"phone": "+39 02 7654321", "note": NUL})
    assert corrected.status_code == 422 and "note" in corrected.get_json()["errors"]
    added = client.post("/api/v1/members", headers=bearer(secretary_user),
                        json={**api_entry(5), "note": NUL})
    assert added.status_code == 422 and "note" in added.get_json()["errors"]


def test_a_control_character_in_any_query_parameter_is_a_422_naming_it(client, login, bearer,
                                                                       admin_user, board_user):
    response = client.get("/api/v1/statute/history", query_string={"name": NUL},
                          headers=bearer(admin_user))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert list(response.get_json()["errors"]) == ["name"]
    assert client.get("/api/v1/audit", query_string={"actor": "a\x1bb"},
                      headers=bearer(admin_user)).status_code == 422
    page = login(board_user).get("/members", query_string={"q": NUL})
    assert page.status_code == 422
    assert client.get("/members", query_string={"q": "Rossi"}).status_code == 200


def test_the_forgotten_password_form_shows_a_bad_email_next_to_the_field(client):
    response = client.post("/password/forgot", data={"email": "anna\x00@example.org"})
    assert response.status_code == 422
    assert 'id="email-errors"' in response.get_data(as_text=True)
