import pytest



@pytest.fixture
def request_context(app):
    """Operations build translated messages; governance.select_locale() reads the session,
    which needs a request (reported to the lead: it should fall back to Italian outside
    one). Tests that call operations directly and expect a refusal push one."""
    with app.test_request_context():
        yield
