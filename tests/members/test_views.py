"""The register's pages, as board members, secretaries, auditors and members see them."""
from __future__ import annotations

import re
from decimal import Decimal
from datetime import date

import pytest
import sqlalchemy as sa

from governance.extensions import db
from governance.members.models import Category, Member, MemberStatus

from .conftest import count_statements, person


def _numbers(html: str) -> list[int]:
    """Register numbers listed in the register table, in order."""
    return [int(n) for n in re.findall(r"<tr>\s*<td[^>]*>(\d+)</td>", html)]


@pytest.fixture
def register(member_factory):
    """A small register: three workers, a volunteer, a withdrawn member."""
    return {
        "rossi": member_factory(number=1, first_name="Mario", last_name="Rossi",
                                tax_code="RSSMRA80A01F205X", email="mario.rossi@example.org"),
        "bianchi": member_factory(number=2, first_name="Anna", last_name="Bianchi"),
        "grossi": member_factory(number=3, first_name="Luca", last_name="Grossi"),
        "verdi": member_factory(number=4, first_name="Sara", last_name="Verdi",
                                category=Category.VOLUNTEER),
        "neri": member_factory(number=5, first_name="Paolo", last_name="Neri",
                               status=MemberStatus.WITHDRAWN, exit_on=date(2024, 12, 31),
                               exit_reason="recesso"),
    }


@pytest.mark.parametrize("role", ["board", "secretary", "auditor"])
def test_register_readers_see_the_register(client, login, user_factory, register, role):
    login(user_factory(roles=[role]))
    response = client.get("/members")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _numbers(html) == [1, 2, 3, 4]  # the active members by default
    assert "Rossi Mario" in html and "table-responsive" in html
    assert _numbers(client.get("/members?status=all").get_data(as_text=True)) == [1, 2, 3, 4, 5]


def test_members_and_visitors_do_not_see_the_register(client, login, member_user):
    assert client.get("/members").status_code == 302  # to the login page
    login(member_user)
    assert client.get("/members").status_code == 403


@pytest.mark.parametrize("query, numbers", [
    ({"q": "RSSMRA80A01F205X"}, [1]),          # tax code, exact
    ({"q": "rssmra80"}, [1]),                  # tax code, beginning, any case
    ({"q": "rossi"}, [1, 3]),                  # name contains (Grossi too)
    ({"q": "Mario Rossi"}, [1]),               # words in any order
    ({"q": "4"}, [4]),                         # register number
    ({"q": "mario.rossi@"}, [1]),              # email
    ({"q": "nobody"}, []),
    ({"q": "100%_"}, []),                      # LIKE wildcards are plain text
    ({"category": "volunteer"}, [4]),
    ({"status": "withdrawn"}, [5]),
    ({"status": "active", "q": "rossi"}, [1, 3]),
    ({"category": "nonsense"}, [1, 2, 3, 4]),  # unknown filter: ignored (active by default)
    ({"status": "all"}, [1, 2, 3, 4, 5]),
])
def test_register_search_and_filters(client, login, board_user, register, query, numbers):
    login(board_user)
    html = client.get("/members", query_string=query).get_data(as_text=True)
    assert _numbers(html) == numbers
    assert f"{len(numbers)} entries found" in html or (not numbers and "No entries" in html)


def test_register_is_paginated_by_number(client, login, board_user, member_factory):
    for number in range(60, 0, -1):
        member_factory(number=number)
    login(board_user)
    first = client.get("/members").get_data(as_text=True)
    assert _numbers(first) == list(range(1, 51))
    assert "1 / 2" in first
    second = client.get("/members?page=2").get_data(as_text=True)
    assert _numbers(second) == list(range(51, 61))
    assert _numbers(client.get("/members?page=abc").get_data(as_text=True))[:1] == [1]


def test_register_page_costs_the_same_queries_for_10_or_50_rows(client, login, board_user, member_factory):
    for _ in range(60):
        member_factory()
    login(board_user)
    client.get("/members")  # warm up: first request of a test loads a few things once
    with count_statements() as small:
        assert client.get("/members?per_page=10").status_code == 200
    with count_statements() as large:
        assert client.get("/members?per_page=50").status_code == 200
    assert len(small) == len(large)
    assert len(large) <= 8, large


def test_register_shows_voting_right_from(client, login, board_user, member_factory):
    member_factory(number=1, admitted_on=date(2025, 3, 1))
    login(board_user)
    client.post("/language", data={"lang": "en"})
    html = client.get("/members").get_data(as_text=True)
    assert "30/05/2025" in html  # 1 March + 90 days = 30 May (art. 2538 c.c.)


def test_detail_shows_the_entry_and_its_history_after_a_correction(client, login, board_user, register, today):
    login(board_user)
    response = client.post("/members/1/edit", data={
        **{k: v for k, v in _form_of(register["rossi"]).items()}, "phone": "+39 333 1234567",
        "note": "New mobile number"})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "RSSMRA80A01F205X" in html
    assert "+39 333 1234567" in html
    assert "New mobile number" in html and board_user.email in html
    assert "<strong>Phone</strong>" in html and "<del>+39 02 1234567</del>" in html
    assert "Correction" in html  # the history names the action, not its code


def test_detail_of_an_unknown_number(client, login, board_user):
    login(board_user)
    response = client.get("/members/999")
    assert response.status_code == 404
    assert "999" in response.get_data(as_text=True)


def test_a_member_sees_their_own_entry_and_not_anothers(client, login, member_user, member_factory, today):
    other = member_factory()
    login(member_user)
    own = client.get(f"/members/{member_user.member.number}")
    assert own.status_code == 200
    assert member_user.member.tax_code in own.get_data(as_text=True)
    assert client.get(f"/members/{other.number}").status_code == 403
    assert client.get("/members/999999").status_code == 403  # no probing which numbers exist
    assert client.get(f"/members/{member_user.member.number}/edit").status_code == 403


def _form_of(member) -> dict:
    return {"last_name": member.last_name, "first_name": member.first_name,
            "tax_code": member.tax_code, "birth_date": member.birth_date.isoformat(),
            "address": member.address, "email": member.email, "phone": member.phone,
            "category": member.category.value, "admitted_on": member.admitted_on.isoformat(),
            "shares": str(member.shares_subscribed), "shares_paid_amount": "25.00"}


def test_new_entry_form_adds_a_member(client, login, secretary_user, today):
    login(secretary_user)
    form = client.get("/members/new").get_data(as_text=True)
    assert 'value="2026-11-26"' in form  # admission date defaults to today
    row = person(0)
    response = client.post("/members/new", data={**row, "number": "", "note": "Board, 20 Nov"})
    assert response.status_code == 302
    member = db.session.scalar(sa.select(Member).where(Member.tax_code == row["tax_code"]))
    assert response.headers["Location"].endswith(f"/members/{member.number}")
    assert member.admitted_on == date(1995, 3, 1)


def test_new_entry_form_shows_errors_next_to_the_fields(client, login, board_user, today):
    login(board_user)
    response = client.post("/members/new", data={**person(0), "tax_code": "RSSMRA80A01F205Z",
                                                  "admitted_on": "2027-01-01", "number": "x"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for field in ("tax_code", "admitted_on", "number"):
        assert f'aria-describedby="{field}-errors' in html
        assert f'id="{field}-errors"' in html
    assert "01/01/2027 is in the future" in html
    assert 'value="RSSMRA80A01F205Z"' in html  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 0


def test_new_entry_over_the_volunteer_cap_explains_the_figures(client, login, board_user, member_factory, today):
    member_factory(category=Category.VOLUNTEER)
    login(board_user)
    response = client.post("/members/new", data={**person(0), "category": "volunteer"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="category-errors"' in html and "2 of 2" in html


def test_correction_form_needs_a_reason(client, login, board_user, register):
    login(board_user)
    page = client.get("/members/1/edit").get_data(as_text=True)
    assert 'value="RSSMRA80A01F205X"' in page
    response = client.post("/members/1/edit", data={**_form_of(register["rossi"]), "phone": "1"})
    assert response.status_code == 422
    assert 'id="note-errors"' in response.get_data(as_text=True)
    assert db.session.get(Member, register["rossi"].id).phone == "+39 02 1234567"


def test_correction_without_changes_says_so(client, login, board_user, register):
    login(board_user)
    response = client.post("/members/1/edit", data={**_form_of(register["rossi"]), "note": "check"},
                           follow_redirects=True)
    assert "Nothing was changed" in response.get_data(as_text=True)


def test_auditors_and_admins_cannot_write(client, login, auditor_user, admin_user, register):
    for user in (auditor_user, admin_user):
        login(user)
        assert client.get("/members/new").status_code == 403
        assert client.post("/members/new", data=person(0)).status_code == 403
        assert client.post("/members/1/edit", data={"note": "x", "phone": "1"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 5


def test_my_membership_for_a_member_who_may_vote(client, login, member_user, today):
    login(member_user)
    client.post("/language", data={"lang": "en"})
    html = client.get("/me/membership").get_data(as_text=True)
    assert str(member_user.member.number) in html
    assert "You can vote" in html


def test_my_membership_for_a_new_member(client, login, user_factory, member_factory, today):
    member = member_factory(admitted_on=date(2026, 11, 1))
    login(user_factory(roles=["member"], member=member))
    client.post("/language", data={"lang": "en"})
    html = client.get("/me/membership").get_data(as_text=True)
    assert "You cannot vote yet" in html and "30/01/2027" in html  # 1 Nov + 90 days


def test_my_membership_without_a_linked_member(client, login, auditor_user):
    login(auditor_user)
    client.post("/language", data={"lang": "en"})
    response = client.get("/me/membership")
    assert response.status_code == 200
    assert "not linked to an entry" in response.get_data(as_text=True)


def test_absurd_numbers_in_the_address_never_crash(client, login, board_user, bearer, member_factory):
    member_factory(number=1)
    headers = bearer(board_user)
    assert client.get("/api/v1/members?page=100000000000000000000", headers=headers).status_code == 422
    assert client.get("/api/v1/members/99999999999999999999", headers=headers).status_code == 404
    login(board_user)
    assert client.get("/members?page=100000000000000000000").status_code == 200
    assert client.get("/members/99999999999999999999").status_code == 404
    assert client.get("/members?q=" + "x" * 5000).status_code == 200


def test_detail_shows_what_is_still_due_on_the_shares(client, login, board_user, member_factory):
    member_factory(number=7, shares_subscribed=4, shares_paid_amount=Decimal("50.00"))
    html = login(board_user).get("/members/7").get_data(as_text=True)
    assert "€ 50.00 still due" in html  # 4 shares x €25.00 = €100.00, €50.00 paid
    assert "/members/7/lifecycle" in html


def test_my_entry_offers_the_withdrawal_request(client, login, member_user):
    html = login(member_user).get("/me/membership").get_data(as_text=True)
    assert "/me/withdrawal" in html


def test_history_shows_values_as_people_read_them(client, login, board_user, register, today):
    from governance.members import operations
    from governance.members.models import Member
    member = db.session.scalar(sa.select(Member).where(Member.number == 1))
    operations.correct_member(member, {"category": "user", "admitted_on": "1994-03-21"}, board_user,
                              "Registered in the wrong category")
    html = login(board_user).get("/members/1").get_data(as_text=True)
    assert "<del>Worker member</del>" in html
    assert "21/03/1994" in html


def test_a_failed_form_has_a_summary_that_takes_focus_and_says_error_in_the_title(client, login, board_user):
    board_user.locale = "it"
    login(board_user)
    response = client.post("/members/new", data={"first_name": "Mario"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r"<title>Errore: ", html)
    summary = html[html.index('id="error-summary"') - 60:]
    assert 'tabindex="-1" autofocus' in summary[:300] and 'role="alert"' in summary[:300]
    assert '<a class="alert-link" href="#last_name">' in summary  # each field in error, linked
    assert "problemi da correggere" in summary


def test_the_search_ignores_accents_and_case(client, login, board_user, member_factory):
    member_factory(number=21, first_name="Niccolò", last_name="Bertè")
    login(board_user)
    for query in ("berte", "BERTÈ", "niccolo berte", "Bertè"):
        assert _numbers(client.get("/members", query_string={"q": query}).get_data(as_text=True)) == [21], query


def test_the_history_says_who_by_name(client, login, user_factory, member_factory):
    from governance.members import operations
    secretary = user_factory(roles=["secretary"], full_name="Lucia Segreteria")
    member = member_factory(number=31)
    operations.correct_member(member, {"address": "Via Milano 2, 20077 Melegnano (MI)"}, secretary,
                              "Cambio di indirizzo")
    login(user_factory(roles=["board"]))
    html = client.get("/members/31").get_data(as_text=True)
    assert "Lucia Segreteria" in html


def test_the_register_sorts_by_its_columns(client, login, board_user, register):
    login(board_user)
    by_name = _numbers(client.get("/members?sort=name&status=all").get_data(as_text=True))
    assert by_name == [2, 3, 5, 1, 4]  # Bianchi, Grossi, Neri, Rossi, Verdi
    html = client.get("/members?sort=number&dir=desc&status=all").get_data(as_text=True)
    assert _numbers(html) == [5, 4, 3, 2, 1] and 'aria-sort="descending"' in html
    assert _numbers(client.get("/members?sort=nonsense").get_data(as_text=True)) == [1, 2, 3, 4]


def test_correction_form_writes_amounts_in_italian_and_reads_them_back(client, login, board_user, register):
    """The amount paid is prefilled as the reader writes it ("25,00"), and accepted so."""
    db.session.get(Member, register["rossi"].id).shares_paid_amount = Decimal("1250.00")
    db.session.get(Member, register["rossi"].id).shares_subscribed = 50
    db.session.commit()
    login(board_user)
    client.post("/language", data={"lang": "it"})
    page = client.get("/members/1/edit").get_data(as_text=True)
    assert 'value="1.250,00"' in page and "1250.00" not in page
    response = client.post("/members/1/edit", data={
        **_form_of(register["rossi"]), "shares": "50", "shares_paid_amount": "1.250,00", "phone": "+39 333 7654321",
        "note": "nuovo cellulare"})
    assert response.status_code == 302, re.findall(r'id="[a-z_]+-errors"[^>]*>([^<]*)', response.get_data(as_text=True))
    assert db.session.get(Member, register["rossi"].id).shares_paid_amount == Decimal("1250.00")


def test_a_legal_persons_correction_form_uses_its_own_words(client, login, board_user, member_factory):
    member_factory(number=9, first_name="", last_name="Coop Aperta", birth_date=None,
                   tax_code="12345678903", category=Category.LEGAL_PERSON,
                   legal_representative="Maria Rossi")
    login(board_user)
    client.post("/language", data={"lang": "it"})
    page = client.get("/members/9/edit").get_data(as_text=True)
    assert "Denominazione" in page and "Partita IVA" in page and "Legale rappresentante" in page
    assert 'id="first_name"' not in page and 'id="birth_date"' not in page
    response = client.post("/members/9/edit", data={
        "last_name": "", "tax_code": "12345678903", "legal_representative": "Maria Rossi",
        "category": "legal_person", "admitted_on": "2020-01-10", "shares": "1", "note": "prova"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = html[html.index('id="error-summary"'):html.index("</div>", html.index('id="error-summary"'))]
    assert "Denominazione" in summary and "Cognome" not in summary


def test_category_sorts_in_its_declared_order_not_by_code(client, login, board_user, member_factory):
    """worker, volunteer, user, financing, legal person: the codes would put financing first."""
    for number, category in ((1, Category.LEGAL_PERSON), (2, Category.FINANCING), (3, Category.USER),
                             (4, Category.VOLUNTEER), (5, Category.WORKER)):
        member_factory(number=number, category=category)
    login(board_user)
    assert _numbers(client.get("/members?sort=category").get_data(as_text=True)) == [5, 4, 3, 2, 1]
