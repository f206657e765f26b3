"""Every email field of the platform takes one plain address (email-validator through
core.inputs): a line break, a second address or a display name would be stored and
later break, or widen, the emails built from it (issue 6: one application with a
line break in its email stopped all mail)."""
from __future__ import annotations

import pytest

from tests.lifecycle import factories as applications
from tests.members.test_api import api_entry

BAD = ["anna@example.org\nBcc: tutti@example.org", "anna@example.org, bruno@example.org",
       "Anna <anna@example.org>", "anna@exa\rmple.org", "anna@example.org;bruno@example.org"]


@pytest.mark.parametrize("email", BAD)
def test_an_application(client, today, email):
    response = client.post("/api/v1/applications", json=applications.application_data(email=email))
    assert response.status_code == 422 and "email" in response.get_json()["errors"]


@pytest.mark.parametrize("email", BAD)
def test_a_register_entry(client, bearer, secretary_user, today, email):
    response = client.post("/api/v1/members", json=api_entry(3, email=email),
                           headers=bearer(secretary_user))
    assert response.status_code == 422 and "email" in response.get_json()["errors"]


@pytest.mark.parametrize("email", BAD)
def test_a_login(client, bearer, admin_user, email):
    response = client.post("/api/v1/users", headers=bearer(admin_user), json={
        "email": email, "roles": ["auditor"], "password": "initial-password"})
    assert response.status_code == 422 and "email" in response.get_json()["errors"]


@pytest.mark.parametrize("email", BAD)
def test_a_correction_of_the_register(client, bearer, board_user, member_factory, today, email):
    member = member_factory()
    response = client.patch(f"/api/v1/members/{member.number}", headers=bearer(board_user),
                            json={"email": email, "note": "Nuovo indirizzo"})
    assert response.status_code == 422 and "email" in response.get_json()["errors"]
