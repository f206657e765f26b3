"""A test client whose every request starts with an empty `flask.g`.

The fixtures keep one app context pushed for the whole test (so the test and its
requests share the database session). Flask then reuses that app context, and its
`g`, for each request: Flask-Login's cached user (`g._login_user`), Flask-Babel's
locale (`g._flask_babel`) and the bearer-token flag would leak from one request to
the next, unlike in production where each request has its own app context. This
client clears `g` around each request and restores the test's own `g` afterwards.

It also commits what the test has set up before each request (to the savepoint of the
test's transaction, still rolled back at the end): a request that fails rolls the
session back, and would otherwise take the test's users and tokens with it. In
production the data a request works on was likewise committed before it arrived.
"""
from __future__ import annotations

from flask import g, has_app_context
from flask.testing import FlaskClient


class FreshGlobalsClient(FlaskClient):
    def open(self, *args, **kwargs):
        if not has_app_context():
            return super().open(*args, **kwargs)
        from governance.extensions import db
        db.session.commit()
        saved = dict(g.__dict__)
        g.__dict__.clear()
        try:
            return super().open(*args, **kwargs)
        finally:
            g.__dict__.clear()
            g.__dict__.update(saved)


def make_client(app) -> FreshGlobalsClient:
    return FreshGlobalsClient(app, app.response_class, use_cookies=True)
