"""axe-core (WCAG 2.1 A and AA) on every page of every role, at phone and desktop
widths, over the demo cooperative (issue 8, §6)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from governance import demo
from governance.auth.models import User
from governance.core.outbox import OutboxMessage
from governance.extensions import db
from governance.lifecycle.models import Application, WithdrawalRequest
from governance.loans.models import LoanAccount
from tests.browser.conftest import do_browser_login
from tests.browser.test_home_browser import DESKTOP, PHONE, assert_accessible
from tests.core.access import ASSET_ENDPOINTS, url_for_rule

SKIP = ("/api/", "/logout", "/language", "/healthz")


@pytest.fixture
def demo_cooperative(app, _db):
    demo.seed_demo(if_empty=True, echo=lambda line: None)
    db.session.commit()
    first = lambda model: db.session.scalar(sa.select(model.id).order_by(model.id))  # noqa: E731
    member = db.session.scalar(sa.select(User).where(User.email == "socio@demo.coop"))
    params = {"number": member.member.number, "application_id": first(Application),
              "request_id": first(WithdrawalRequest), "account_id": first(LoanAccount),
              "user_id": member.id, "message_id": first(OutboxMessage), "token": "not-a-valid-token"}
    urls = sorted({url_for_rule(rule, params) for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and rule.endpoint not in ASSET_ENDPOINTS
                   and not rule.rule.startswith(SKIP) and not rule.rule.endswith((".csv", ".pdf", ".ics"))}
                  | {"/statute/parameters/notice_days", "/statute/parameters/proxies_allowed"})
    db.session.rollback()
    return urls


@pytest.mark.parametrize("email", ["cda@demo.coop", "segreteria@demo.coop", "revisore@demo.coop",
                                   "admin@demo.coop", "socio@demo.coop"])
def test_no_wcag_violation_on_any_page(page, demo_cooperative, email):
    do_browser_login(page, email, demo.DEMO_PASSWORD)
    problems = []
    for url in demo_cooperative:
        response = page.goto(url)
        if response is None or response.status >= 400 or "pdf" in (response.headers.get("content-type") or ""):
            continue
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            try:
                assert_accessible(page, f"{email} {url} {size['width']} px")
            except AssertionError as error:
                problems.append(str(error).splitlines()[0][:300])
    assert not problems, "\n".join(problems)
