"""Who may open which lifecycle page (CONVENTIONS.md habit 5: a role matrix)."""
import pytest

from governance.applications import operations

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
    "/members/{number}/lifecycle": (LOGIN, NO, OK, OK, OK, OK),
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
        if endpoint.startswith(("applications.", "applications_api.")):
            assert getattr(view, "permission", None), endpoint
