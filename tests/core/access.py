"""The users of each role, the objects the URLs point to, and one request per role,
route and method: shared by the permission tests and the literal access table."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from werkzeug.routing import FloatConverter, IntegerConverter, PathConverter, UUIDConverter

from governance.core.outbox import send_email
from governance.core.permissions import Role
from tests.core.clients import make_client

MISSING_ID = 987654
ASSET_ENDPOINTS = {"static", "bootstrap.static", "api-docs.openapi_json", "api-docs.openapi_swagger_ui"}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def routes(app):
    """(rule, method) for every route of ours, in a stable order."""
    out = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint in ASSET_ENDPOINTS:
            continue
        for method in METHODS:
            if method in rule.methods:
                out.append((rule, method))
    return out


@dataclass
class World:
    """The users of each role and the objects the URLs point to."""
    users: dict
    headers: dict
    params: dict
    own_member: object
    other_member: object


@pytest.fixture
def world(user_factory, member_factory, bearer):
    # Plain ASCII names: the factory's random Italian names may carry accents that its
    # tax-code helper cannot encode.
    own = member_factory(first_name="Anna", last_name="Bianchi")
    other = member_factory(first_name="Marco", last_name="Verdi")
    users = {Role.MEMBER: user_factory(roles=["member"], member=own)}
    for role in (Role.AUDITOR, Role.SECRETARY, Role.BOARD, Role.ADMIN):
        users[role] = user_factory(roles=[role.value])
    headers = {role: bearer(user) for role, user in users.items()}
    target = user_factory(roles=["member"])
    message = send_email("someone@example.org", "Subject", "Body",
                         attachments=[("letter.txt", "text/plain", b"hello")])
    from governance.extensions import db
    from governance.loans.models import LoanAccount, Product
    from governance.core import clock
    account = LoanAccount(member=own, product=Product.FREE, opened_on=own.admitted_on,
                          iban="IT60X0542811101000000123456", balance=0, created_at=clock.now())
    db.session.add(account)
    db.session.flush()
    params = {"number": own.number, "account_id": account.id, "user_id": target.id, "message_id": message.id,
              "attachment_id": message.attachments[0].id, "token": "not-a-valid-token"}
    return World(users=users, headers=headers, params=params, own_member=own, other_member=other)


def url_for_rule(rule, params: dict) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if name in params:
            values[name] = params[name]
        elif isinstance(converter, IntegerConverter):
            values[name] = MISSING_ID
        elif isinstance(converter, FloatConverter):
            values[name] = float(MISSING_ID)
        elif isinstance(converter, UUIDConverter):
            values[name] = "00000000-0000-4000-8000-000000000000"
        elif isinstance(converter, PathConverter):
            values[name] = "missing/file.txt"
        elif hasattr(converter, "items"):  # AnyConverter: one of its words
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "missing"
    _, path = rule.build(values, append_unknown=False)
    return path


def request_as(app, client_for_role, role, world, rule, method):
    url = url_for_rule(rule, world.params)
    is_api = rule.rule.startswith("/api/")
    if is_api:
        client = make_client(app)  # no cookie: the API takes bearer tokens only
        headers = world.headers.get(role, {})
        kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        return client.open(url, method=method, headers=headers, **kwargs)
    client = client_for_role
    if role != "anonymous":
        with client.session_transaction() as session:  # a POST may have logged us out
            session["_user_id"] = world.users[role].get_id()
            session["_fresh"] = True
    kwargs = {"data": {}} if method in ("POST", "PUT", "PATCH") else {}
    return client.open(url, method=method, **kwargs)


def _is_login_redirect(response) -> bool:
    return response.status_code in (301, 302, 303, 307) and \
        urlsplit(response.headers.get("Location", "")).path == "/login"


