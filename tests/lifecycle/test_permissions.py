"""Who may open which lifecycle page (CONVENTIONS.md habit 5: a role matrix)."""
import pytest

from governance.lifecycle import operations

from . import factories

ROLES = ("anonymous", "member", "secretary", "board", "auditor", "admin")
OK, LOGIN, NO = 200, 302, 403

# path template -> expected status per role, in ROLES order
MATRIX = {
    "/apply": (OK, OK, OK, OK, OK, OK),
    "/application": (OK, OK, OK, OK, OK, OK),
    "/documents/statuto": (OK, OK, OK, OK, OK, OK),
    "/board/applications": (LOGIN, NO, OK, OK, NO, NO),
    "/board/applications/{application}": (LOGIN, NO, OK, OK, NO, NO),
    "/board/appeals": (LOGIN, NO, NO, OK, NO, NO),
    "/board/withdrawals": (LOGIN, NO, NO, OK, NO, NO),
    "/board/withdrawals/{withdrawal}": (LOGIN, NO, NO, OK, NO, NO),
    "/board/accounts-approvals": (LOGIN, NO, NO, OK, NO, NO),
    "/members/{number}/lifecycle": (LOGIN, NO, OK, OK, OK, NO),   # REGISTER_READERS (API.md)
    "/reports/membership": (LOGIN, NO, OK, OK, OK, NO),
    "/reports/membership.csv": (LOGIN, NO, OK, OK, OK, NO),
    "/me/withdrawal": (LOGIN, OK, NO, NO, NO, NO),
}


@pytest.fixture
def objects(today, member_factory, user_factory, _db):
    application = factories.submit()
    member = member_factory()
    withdrawal = operations.request_withdrawal(member_factory(), {}, None)
    users = {role: user_factory(roles=[role]) for role in ROLES[2:]}
    users["member"] = user_factory(roles=["member"], member=member)
    _db.commit()
    return {"application": application.id, "withdrawal": withdrawal.id, "number": member.number}, users


@pytest.mark.parametrize("path", list(MATRIX))
def test_role_matrix(client, login, objects, path):
    ids, users = objects
    url = path.format(**ids)
    for role, expected in zip(ROLES, MATRIX[path]):
        with client.session_transaction() as session:
            session.clear()
        if role != "anonymous":
            login(users[role])
        assert client.get(url).status_code == expected, (role, url)


def test_every_lifecycle_view_declares_its_permission(app):
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith(("lifecycle.", "lifecycle_api.")):
            assert getattr(view, "permission", None), endpoint


# --- the JSON API follows API.md: applications are the board's (and the applicant's own) ---------

API_ROLES = ("member", "secretary", "board", "auditor", "admin")


@pytest.mark.parametrize("path, allowed", [
    ("/api/v1/applications?status=submitted", {"board"}),
    ("/api/v1/applications/{application}", {"board"}),
])
def test_api_applications_are_for_the_board(client, bearer, objects, path, allowed):
    ids, users = objects
    headers = {role: bearer(users[role]) for role in API_ROLES}
    for role in API_ROLES:
        expected = 200 if role in allowed else 403
        assert client.get(path.format(**ids), headers=headers[role]).status_code == expected, role


def test_api_the_applicant_reads_their_own_application(client, today, objects):
    from governance.lifecycle import access
    from governance.lifecycle.queries import get_application
    ids, _users = objects
    token = access.applicant_token(get_application(ids["application"]))
    own = client.get(f"/api/v1/applications/{ids['application']}", headers={"Authorization": f"Bearer {token}"})
    assert own.status_code == 200 and own.json["id"] == ids["application"]
    listing = client.get("/api/v1/applications", headers={"Authorization": f"Bearer {token}"})
    assert listing.status_code == 401
