from governance.members.models import Member


def test_home_page_is_italian_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="it"' in response.get_data(as_text=True)


def test_each_test_starts_with_an_empty_register(member_factory, _db):
    member_factory()
    assert _db.query(Member).count() == 1


def test_previous_test_was_rolled_back(_db):
    assert _db.query(Member).count() == 0
