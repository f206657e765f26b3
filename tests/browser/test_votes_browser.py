"""A secret vote on the mission in a real browser, on a phone (DOMAIN.md §5): a member
reads the diff, comments, sees the vote open without reloading, votes and gets a
receipt; the secretary closes the vote; the result, its chart and the new mission
version appear, and the member finds the receipt in the published list. Pages are
checked with axe-core (no serious or critical violation). Selectors use ids and names."""
from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from governance.extensions import db
from governance.votes import operations
from governance.votes.models import Motion
from tests import factories
from tests.votes.conftest import MISSION_PROPOSAL, build_session

AXE = Axe()
PHONE = {"width": 390, "height": 844}


def _accessible(page):
    results = AXE.run(page)
    serious = [v["id"] for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not serious, f"{page.url}: {serious}"


def _logout(page):
    page.set_viewport_size({"width": 1280, "height": 900})  # the menu is folded on a phone
    with page.expect_navigation():
        page.click("form[action='/logout'] button[type=submit]")


def test_member_reads_comments_votes_and_checks_the_receipt_secretary_closes(page, create_login, browser_login):
    session = build_session(voters=3, with_users=False)
    motion = operations.create_motion(session.item, {"title": "Nuova carta d'identità", "subject": "mission",
                                                     "proposed_text": MISSION_PROPOSAL, "secret": True},
                                      factories.UserFactory(roles=["board"]))
    motion_id, assembly_id = motion.id, session.assembly.id
    voter_member, others = session.members[0], session.members[1:]
    db.session.commit()
    voter = create_login(["member"], member=voter_member)
    other_logins = [create_login(["member"], member=m) for m in others]
    secretary = create_login(["secretary"])

    page.set_viewport_size(PHONE)
    browser_login(page, voter.email, create_login.password)
    page.goto(f"/motions/{motion_id}")
    expect(page.locator("#diff-inline ins.diff-ins").first).to_be_visible()
    expect(page.locator("#diff-inline del.diff-del").first).to_be_visible()
    page.click("#tab-sides")
    expect(page.locator("#diff-sides")).to_be_visible()
    _accessible(page)
    page.fill("textarea[name=body]", "Mi piace: **più vicina** alla comunità locale.")
    with page.expect_navigation():
        page.click("#comment-form button[type=submit]")
    expect(page.locator(".comment-body strong")).to_have_text("più vicina")

    # the vote opens while the member looks at the assembly's page: no reload needed
    page.goto(f"/votes/assemblies/{assembly_id}")
    expect(page.locator("#vote-open-banner")).to_be_hidden()
    operations.open_vote(db.session.get(Motion, motion_id), db.session.get(type(secretary), secretary.id))
    db.session.commit()
    expect(page.locator("#vote-open-banner")).to_be_visible(timeout=12_000)
    with page.expect_navigation():
        page.click("#vote-open-list a")
    with page.expect_navigation():
        page.click("#vote button[value=yes]")
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}", receipt)
    expect(page.locator("#already-voted")).to_be_visible()
    _accessible(page)
    for login, choice in zip(other_logins, ["yes", "no"]):
        operations.cast_ballot(motion_id, db.session.get(type(login), login.id), choice)
    db.session.commit()
    _logout(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(page, secretary.email, create_login.password)
    page.goto(f"/motions/{motion_id}")
    with page.expect_navigation():
        page.click("#close-vote")
    expect(page.locator("#result-explanation")).to_contain_text("2 sì su 3 presenti")
    expect(page.locator("#result-chart svg.vote-chart rect")).to_have_count(3)
    expect(page.locator("#receipts-digest")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    _accessible(page)
    _logout(page)

    page.set_viewport_size(PHONE)
    browser_login(page, voter.email, create_login.password)
    page.goto(f"/motions/{motion_id}")
    with page.expect_navigation():
        page.click("#receipts-link")
    page.fill("input[name=receipt]", receipt.lower().replace("-", " "))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator("#receipt-check")).to_contain_text(receipt)
    expect(page.locator("#receipt-check")).to_contain_text("Sì")
    _accessible(page)
    page.goto("/mission")
    expect(page.locator("#mission-current-meta")).to_contain_text("Versione 2")
    expect(page.locator("#mission-text")).to_contain_text("Lavoriamo con la comunità locale")
    page.goto("/mission/diff")
    expect(page.locator("#diff-inline ins.diff-ins").first).to_be_visible()
    _accessible(page)
