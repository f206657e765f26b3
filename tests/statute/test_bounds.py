"""The statute parameters' defaults and bounds, pinned by a table written from DOMAIN.md
§1 and the law, not from the code: a legal ceiling relaxed by one unit in
governance/statute/parameters.py (one member one vote, the 60-day decision terms, the
180-day refund, fractions above 1, the €25 minimum share…) fails here."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from governance.statute.parameters import BY_NAME, PARAMETERS

# name, kind, default, minimum, maximum, why
TABLE = [
    ("voting_seniority_days", "int", 90, 0, 90, "art. 2538 c.1: at most 90 days in the register"),
    ("votes_per_member", "int", 1, 1, 1, "art. 2538 c.2: one member, one vote"),
    ("votes_per_legal_person", "int", 1, 1, 5, "art. 2538 c.3: a statute may allow up to 5"),
    ("remote_voting_allowed", "bool", True, None, None, "art. 2538 c.6"),
    ("proxies_allowed", "bool", True, None, None, "art. 2539"),
    ("max_proxies_per_delegate", "int", 10, 0, 10, "art. 2539: at most 10 proxies"),
    ("notice_days", "int", 8, 8, 365, "art. 2366: at least 8 days with proof of receipt"),
    ("ordinary_first_call_quorum", "fraction", "1/2", "0/1", "1/1", "art. 2368"),
    ("extraordinary_first_call_quorum", "fraction", "1/2", "0/1", "1/1", "art. 2368"),
    ("extraordinary_first_call_majority", "fraction", "1/2", "0/1", "1/1", "art. 2368"),
    ("extraordinary_second_call_quorum", "fraction", "1/3", "0/1", "1/1", "art. 2369"),
    ("extraordinary_second_call_majority", "fraction", "2/3", "0/1", "1/1", "art. 2369"),
    ("purpose_change_min_yes_of_roll", "fraction", "1/3", "0/1", "1/1", "art. 2369"),
    ("share_value", "money", "25.00", "25.00", "500.00", "art. 2525: at least €25.00 (law)"),
    ("min_shares_per_member", "int", 1, 1, 1000, "art. 2525"),
    ("max_capital_per_member", "money", "100000.00", "25.00", "100000.00", "art. 2525: €100,000"),
    ("max_volunteer_percent", "percent", "50.00", "0.00", "50.00", "L. 381/1991 art. 2: at most half"),
    ("application_decision_days", "int", 60, 1, 60, "art. 2528: within 60 days"),
    ("withdrawal_decision_days", "int", 60, 1, 60, "art. 2532: within 60 days"),
    ("appeal_days", "int", 60, 60, 365, "art. 2528: at least 60 days to appeal"),
    ("share_refund_days", "int", 180, 1, 180, "art. 2535: within 180 days"),
    ("loan_seniority_days", "int", 90, 0, 3650, "regulations"),
    ("loan_member_cap", "money", "43736.62", "0.00", "87473.25", "art. 10 L. 59/1992 (doubled cap)"),
    ("loan_equity_multiple", "int", 3, 1, 3, "Banca d'Italia: 3 x equity"),
    ("loan_equity_multiple_guaranteed", "int", 5, 1, 5, "Banca d'Italia: 5 x if guaranteed"),
    ("loan_guarantee_threshold_percent", "percent", "30.00", "30.00", "100.00", "Banca d'Italia: 30%"),
    ("loan_withdrawal_notice_days", "int", 1, 1, 365, "Banca d'Italia: no on-demand repayment"),
    ("loan_max_rate", "percent", "8.50", "0.00", "20.00", "art. 13 DPR 601/1973"),
    ("loan_withholding_percent", "percent", "26.00", "0.00", "100.00", "fixed by law: 26%"),
]
IDS = [row[0] for row in TABLE]


def test_the_table_covers_every_parameter():
    assert [p.name for p in PARAMETERS] == IDS


@pytest.mark.parametrize("name, kind, default, minimum, maximum, why", TABLE, ids=IDS)
def test_defaults_and_bounds_are_those_of_the_law(name, kind, default, minimum, maximum, why):
    p = BY_NAME[name]
    assert p.kind == kind
    assert p.dump(p.default) == default, why
    assert (None if p.minimum is None else p.dump(p.minimum)) == minimum, why
    assert (None if p.maximum is None else p.dump(p.maximum)) == maximum, why


def _beyond(kind: str, bound: str, step: int) -> str | None:
    """The value one unit past `bound` (step -1 below, +1 above), as a user types it."""
    if kind == "int":
        return str(int(bound) + step)
    if kind in ("money", "percent"):
        return str(Decimal(bound) + step * Decimal("0.01"))
    if kind == "fraction":
        value = Fraction(bound)
        return f"{value.numerator * 100 + step}/{value.denominator * 100}" if value + Fraction(step, 100) >= 0 \
            else None
    return None


@pytest.mark.parametrize("name, kind, default, minimum, maximum, why",
                         [row for row in TABLE if row[1] != "bool"], ids=[r[0] for r in TABLE if r[1] != "bool"])
def test_each_bound_is_accepted_and_one_unit_past_it_refused(name, kind, default, minimum, maximum, why):
    p = BY_NAME[name]
    p.parse(str(minimum))
    p.parse(str(maximum))
    for bound, step in ((minimum, -1), (maximum, +1)):
        value = _beyond(kind, str(bound), step)
        if value is None or (kind == "int" and int(value) < 0):
            continue  # nothing below zero can be typed for these
        with pytest.raises(ValueError):
            p.parse(value)


@pytest.mark.parametrize("name, raw", [
    ("ordinary_first_call_quorum", "1/0"), ("ordinary_first_call_quorum", "0/0"),
    ("ordinary_first_call_quorum", "1e1000000000"), ("share_value", "abc"), ("share_value", "NaN"),
    ("share_value", "Infinity"), ("notice_days", "8.5"), ("notice_days", ""), ("proxies_allowed", "maybe"),
])
def test_nonsense_is_refused_through_the_api_not_a_500(api, bearer, admin_user, name, raw):
    response = api.post("/api/v1/statute", headers=bearer(admin_user),
                        json={name: raw, "effective_from": "2099-01-01"})
    assert response.status_code == 422
    assert name in response.get_json()["errors"]
