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


def test_ids_beyond_the_database_range_are_404_on_every_route(app, client, bearer, user_factory):
    """Every route with an integer in its path: a number no row can have is 'not found',
    never an overflow (500) in the database driver."""
    everyone = user_factory(roles=["admin", "board", "secretary", "auditor", "member"])
    headers = bearer(everyone)
    checked = 0
    for rule in app.url_map.iter_rules():
        int_args = [name for name, conv in rule._converters.items() if conv.__class__.__name__.endswith("IntegerConverter")]
        if not int_args:
            continue
        huge_number = int("9" * 25)  # the integer arguments; any other argument is 1
        values = {name: huge_number if name in int_args else 1 for name in rule.arguments}
        huge = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(huge, method=method, json={} if method != "GET" else None,
                                   headers=headers if huge.startswith("/api/") else {})
            # 404, or 405 where Werkzeug's router answers for the path's other methods:
            # either way "no such thing here", never an overflow in the driver.
            assert response.status_code in (404, 405), (method, huge, response.status_code)
            checked += 1
    assert checked >= 20


def test_wrong_method_is_405_problem_with_allow_header(client):
    response = client.delete("/api/v1/members")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert "GET" in response.headers["Allow"]


def test_errors_are_documented_as_problem_json(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["components"]["responses"]["DEFAULT_ERROR"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path in spec["paths"].values():
        for operation in path.values():
            if not isinstance(operation, dict):  # path-level "parameters"
                continue
            for code, response in operation["responses"].items():
                if code[0] in "45" and "content" in response:
                    assert list(response["content"]) == ["application/problem+json"], code
    money = spec["components"]["schemas"]["Member"]["properties"]["shares_paid_amount"]
    assert money["type"] == "string"  # money travels as "25.00", never a float


def test_patch_without_body_is_refused(client, bearer, board_user, member_factory):
    member_factory(number=5)
    response = client.patch("/api/v1/members/5", headers=bearer(board_user))
    assert response.status_code == 400 and response.get_json()["code"] == "malformed"
