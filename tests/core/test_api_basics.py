"""The API base: bearer tokens only, problem+json for bad input, bounded pagination."""


def test_token_decides_identity_even_with_a_browser_session(client, login, bearer, member_user, board_user):
    headers = bearer(board_user)
    login(member_user)  # the same browser is logged in as a plain member
    response = client.get("/api/v1/members", headers=headers)
    assert response.status_code == 200, response.get_json()
    # The cookie alone does not authenticate the API.
    assert client.get("/api/v1/members").status_code == 401


def test_a_huge_page_number_is_a_422_not_a_crash(client, bearer, board_user):
    response = client.get("/api/v1/members?page=99999999999999999999", headers=bearer(board_user))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "validation"


def test_malformed_json_and_wrong_content_type(client, bearer, board_user):
    headers = bearer(board_user)
    bad_json = client.post("/api/v1/members", data="{not json", headers=headers,
                           content_type="application/json")
    assert bad_json.status_code == 400 and bad_json.get_json()["code"] == "malformed"
    form = client.post("/api/v1/members", data={"last_name": "Rossi"}, headers=headers)
    assert form.status_code == 415 and form.get_json()["code"] == "content_type"


def test_unknown_api_path_is_problem_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_openapi_document_is_generated_and_docs_assets_are_local(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/members/{number}" in spec["paths"]
    assert "/api/v1/auth/tokens" in spec["paths"]
    docs = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in docs
    assert client.get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200
