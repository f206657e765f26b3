from governance.members.models import Member


def test_each_test_starts_with_an_empty_register(member_factory, _db):
    member_factory()
    assert _db.query(Member).count() == 1


def test_previous_test_was_rolled_back(_db):
    assert _db.query(Member).count() == 0
