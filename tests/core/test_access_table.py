"""Who may use every route, pinned by a table written by hand (CONVENTIONS.md habit 14).

The code does not write this table: it is what DOMAIN.md and API.md say each role may
do, and widening any declaration in governance/authz.py (or any `@permission`) makes
a row fail. Each row is one route and method, then one letter per role:

    A  allowed: the declaration lets the role through (any answer but 401/403/login)
    D  denied: 403
    L  login needed: a redirect to the login page (pages) or 401 (API)

Columns: anonymous, member, auditor, secretary, board, admin. The member's own register
entry is the `{number}` of member routes; other ids do not exist. Applicant routes are
public: the applicant's proof is a password or an applicant token, not a login, so
logins without it get 401/403 from the view itself (those rows say so).

A route added to the map without a row here fails `test_every_route_has_a_row`.
"""
from __future__ import annotations

import os

import pytest

from governance.core.permissions import Role
from tests.core.access import _is_login_redirect, request_as, routes

ROLES = ("anonymous", Role.MEMBER, Role.AUDITOR, Role.SECRETARY, Role.BOARD, Role.ADMIN)

TABLE = """
GET    /                                                        A A A A A A
GET    /activate/new                                            A A A A A A
POST   /activate/new                                            A A A A A A
GET    /activate/<token>                                        A A A A A A
POST   /activate/<token>                                        A A A A A A
GET    /admin/audit                                             L D A D D A
GET    /admin/outbox                                            L D D D D A
GET    /admin/outbox/<int:message_id>                           L D D D D A
GET    /admin/outbox/<int:message_id>/attachments/<int:attachment_id>  L D D D D A
GET    /admin/users                                             L D D D D A
GET    /admin/users/<int:user_id>                               L D D D D A
POST   /admin/users/<int:user_id>                               L D D D D A
POST   /admin/users/<int:user_id>/password-reset                L D D D D A
GET    /admin/users/new                                         L D D D D A
POST   /admin/users/new                                         L D D D D A
GET    /api/v1/accounts-approvals                               L D A A A D
POST   /api/v1/accounts-approvals                               L D D D A D
GET    /api/v1/appeals                                          L D D D A D
POST   /api/v1/appeals/<int:appeal_id>/decision                 L D D D A D
POST   /api/v1/applications                                     A A A A A A
GET    /api/v1/applications                                     L D D D A D
DELETE /api/v1/applications/tokens                              L D D D D D
POST   /api/v1/applications/tokens                              A A A A A A
GET    /api/v1/applications/<int:application_id>                L D D D A D
POST   /api/v1/applications/<int:application_id>/appeal         L D D D D D
POST   /api/v1/applications/<int:application_id>/decision       L D D D A D
GET    /api/v1/audit                                            L D A D D A
GET    /api/v1/auth/me                                          L A A A A A
PATCH  /api/v1/auth/me                                          L A A A A A
POST   /api/v1/auth/password                                    L A A A A A
POST   /api/v1/auth/password-reset                              A A A A A A
POST   /api/v1/auth/password-reset/<token>                      A A A A A A
GET    /api/v1/auth/tokens                                      L A A A A A
POST   /api/v1/auth/tokens                                      A A A A A A
POST   /api/v1/auth/tokens/new                                  L A A A A A
DELETE /api/v1/auth/tokens/<int:token_id>                       L A A A A A
GET    /api/v1/docs/assets/<path:filename>                      A A A A A A
POST   /api/v1/exits/apply-due                                  L D D D A D
GET    /api/v1/loans                                            L A A A A D
POST   /api/v1/loans                                            L D D A D D
POST   /api/v1/loans/equity                                     L D D D A D
GET    /api/v1/loans/export/movements.csv                       L D A A A D
GET    /api/v1/loans/export/withholding.csv                     L D A A A D
GET    /api/v1/loans/rates                                      L D A A A D
POST   /api/v1/loans/rates                                      L D D D A D
GET    /api/v1/loans/summary                                    L D A D A D
POST   /api/v1/loans/year-end                                   L D D A D D
GET    /api/v1/loans/<int:account_id>                           L A A A A D
GET    /api/v1/loans/<int:account_id>/movements                 L A A A A D
POST   /api/v1/loans/<int:account_id>/movements                 L D D A D D
POST   /api/v1/loans/<int:account_id>/movements/<int:movement_id>/reversal  L D D A D D
GET    /api/v1/loans/<int:account_id>/statement                 L A A A A D
GET    /api/v1/loans/<int:account_id>/statement.pdf             L A A A A D
GET    /api/v1/members                                          L D A A A D
POST   /api/v1/members                                          L D D A A D
GET    /api/v1/members/export.csv                               L D A A A D
POST   /api/v1/members/import                                   L D D D A D
GET    /api/v1/members/<int:number>                             L A A A A D
PATCH  /api/v1/members/<int:number>                             L D D A A D
GET    /api/v1/members/<int:number>/exit                        L A A A A D
POST   /api/v1/members/<int:number>/exit                        L D D D A D
POST   /api/v1/members/<int:number>/exit/challenge              L D D D A D
GET    /api/v1/members/<int:number>/history                     L A A A A D
POST   /api/v1/members/<int:number>/share-payments              L D D A D D
GET    /api/v1/members/<int:number>/shares                      L A A A A D
POST   /api/v1/members/<int:number>/withdrawal-requests         L A D D D D
GET    /api/v1/outbox                                           L D D D D A
GET    /api/v1/outbox/<int:message_id>                          L D D D D A
GET    /api/v1/outbox/<int:message_id>/attachments/<int:attachment_id>  L D D D D A
GET    /api/v1/reports/membership                               L D A A A D
GET    /api/v1/reports/membership.csv                           L D A A A D
GET    /api/v1/statute                                          L D A A A A
POST   /api/v1/statute                                          L D D D D A
GET    /api/v1/statute/history                                  L D A A A A
GET    /api/v1/users                                            L D D D D A
POST   /api/v1/users                                            L D D D D A
GET    /api/v1/users/<int:user_id>                              L D D D D A
PATCH  /api/v1/users/<int:user_id>                              L D D D D A
POST   /api/v1/users/<int:user_id>/password-reset               L D D D D A
GET    /api/v1/withdrawal-requests                              L D D D A D
POST   /api/v1/withdrawal-requests/<int:request_id>/decision    L D D D A D
POST   /api/v1/withdrawal-requests/<int:request_id>/challenge   L D D D A D
GET    /application                                             A A A A A A
POST   /application/activation                                  A A A A A A
POST   /application/appeal                                      A A A A A A
GET    /application/forgot                                      A A A A A A
POST   /application/forgot                                      A A A A A A
POST   /application/login                                       A A A A A A
POST   /application/logout                                      A A A A A A
GET    /application/reset/<token>                               A A A A A A
POST   /application/reset/<token>                               A A A A A A
GET    /apply                                                   A A A A A A
POST   /apply                                                   A A A A A A
GET    /board/accounts-approvals                                L D D D A D
POST   /board/accounts-approvals                                L D D D A D
GET    /board/appeals                                           L D D D A D
POST   /board/appeals/<int:appeal_id>/decision                  L D D D A D
GET    /board/applications                                      L D D A A D
GET    /board/applications/<int:application_id>                 L D D A A D
POST   /board/applications/<int:application_id>/decision        L D D D A D
GET    /board/withdrawals                                       L D D D A D
POST   /board/withdrawals/apply-exits                           L D D D A D
GET    /board/withdrawals/<int:request_id>                      L D D D A D
POST   /board/withdrawals/<int:request_id>/decision             L D D D A D
POST   /board/withdrawals/<int:request_id>/challenge            L D D D A D
GET    /documents/<any(statuto, privacy):name>                  A A A A A A
GET    /documents/<any(statuto, privacy):name>.pdf              A A A A A A
GET    /healthz                                                 A A A A A A
POST   /language                                                A A A A A A
GET    /loans                                                   L D A A A D
GET    /loans/export/movements.csv                              L D A A A D
GET    /loans/export/withholding.csv                            L D A A A D
GET    /loans/new                                               L D D A D D
POST   /loans/new                                               L D D A D D
GET    /loans/regulation                                        L D A A A D
POST   /loans/regulation/equity                                 L D D D A D
POST   /loans/regulation/rates                                  L D D D A D
GET    /loans/summary                                           L D A D A D
GET    /loans/year-end                                          L D D A D D
POST   /loans/year-end                                          L D D A D D
GET    /loans/<int:account_id>                                  L A A A A D
GET    /loans/<int:account_id>/contract.pdf                     L A A A A D
POST   /loans/<int:account_id>/movements                        L D D A D D
POST   /loans/<int:account_id>/reversal                         L D D A D D
GET    /loans/<int:account_id>/statement                        L A A A A D
GET    /loans/<int:account_id>/statement.pdf                    L A A A A D
GET    /login                                                   A A A A A A
POST   /login                                                   A A A A A A
POST   /logout                                                  L A A A A A
GET    /me/loans                                                L A D D D D
GET    /me/membership                                           L A A A A A
GET    /me/withdrawal                                           L A D D D D
POST   /me/withdrawal                                           L A D D D D
POST   /me/withdrawal/cancel                                    L A D D D D
GET    /members                                                 L D A A A D
GET    /members/export.csv                                      L D A A A D
GET    /members/import                                          L D D D A D
POST   /members/import                                          L D D D A D
GET    /members/import/template.csv                             L D D D A D
GET    /members/lifecycle                                       L D A A A D
GET    /members/new                                             L D D A A D
POST   /members/new                                             L D D A A D
GET    /members/register.pdf                                    L D A A A D
GET    /members/<int:number>                                    L A A A A D
GET    /members/<int:number>/edit                               L D D A A D
POST   /members/<int:number>/edit                               L D D A A D
POST   /members/<int:number>/exit                               L D D D A D
POST   /members/<int:number>/exit/challenge                     L D D D A D
GET    /members/<int:number>/lifecycle                          L D A A A D
POST   /members/<int:number>/share-payments                     L D D A D D
GET    /password/forgot                                         A A A A A A
POST   /password/forgot                                         A A A A A A
GET    /password/reset/<token>                                  A A A A A A
POST   /password/reset/<token>                                  A A A A A A
GET    /profile                                                 L A A A A A
POST   /profile                                                 L A A A A A
POST   /profile/password                                        L A A A A A
POST   /profile/tokens                                          L D A A A A
POST   /profile/tokens/<int:token_id>/revoke                    L D A A A A
GET    /reports/membership                                      L D A A A D
GET    /reports/membership.csv                                  L D A A A D
GET    /statute                                                 L D A A A A
GET    /statute/parameters/<name>                               L D A A A A
POST   /statute/parameters/<name>                               L D D D D A
POST   /statute/changes/<int:value_id>/cancel                    L D D D D A
POST   /api/v1/assemblies                                       L D D D A D
GET    /api/v1/assemblies                                       L A A A A D
GET    /api/v1/assemblies/<int:assembly_id>                     L A A A A D
POST   /api/v1/assemblies/<int:assembly_id>/agenda-items        L D D D A D
POST   /api/v1/assemblies/<int:assembly_id>/attendance          L D D A D D
GET    /api/v1/assemblies/<int:assembly_id>/check-in-search     L D D A D D
POST   /api/v1/assemblies/<int:assembly_id>/close               L D D A D D
GET    /api/v1/assemblies/<int:assembly_id>/minutes.pdf         L A A A A D
POST   /api/v1/assemblies/<int:assembly_id>/open                L D D A D D
POST   /api/v1/assemblies/<int:assembly_id>/proxies             L A D A D D
DELETE /api/v1/assemblies/<int:assembly_id>/proxies/<int:proxy_id>  L A D A D D
POST   /api/v1/assemblies/<int:assembly_id>/publish             L D D D A D
GET    /api/v1/assemblies/<int:assembly_id>/quorum              L A A A A D
GET    /api/v1/assemblies/<int:assembly_id>/receipts            L D D A A D
GET    /api/v1/assemblies/<int:assembly_id>/roll                L D A A A D
GET    /assemblies                                              L A A A A D
GET    /assemblies/<int:assembly_id>                            L A A A A D
POST   /assemblies/<int:assembly_id>/attend                     L A D D D D
POST   /assemblies/<int:assembly_id>/check-in                   L D D A D D
POST   /assemblies/<int:assembly_id>/close                      L D D A D D
GET    /assemblies/<int:assembly_id>/convocation                L A A A A D
GET    /assemblies/<int:assembly_id>/convocation.pdf            L A A A A D
POST   /assemblies/<int:assembly_id>/delete                     L D D D A D
POST   /assemblies/<int:assembly_id>/designate                  L D D A D D
GET    /assemblies/<int:assembly_id>/documents/<int:document_id>  L A A A A D
GET    /assemblies/<int:assembly_id>/edit                       L D D D A D
POST   /assemblies/<int:assembly_id>/edit                       L D D D A D
POST   /assemblies/<int:assembly_id>/items                      L D D D A D
GET    /assemblies/<int:assembly_id>/items/<int:item_id>        L D D D A D
POST   /assemblies/<int:assembly_id>/items/<int:item_id>        L D D D A D
POST   /assemblies/<int:assembly_id>/items/<int:item_id>/documents  L D D D A D
POST   /assemblies/<int:assembly_id>/items/<int:item_id>/move   L D D D A D
POST   /assemblies/<int:assembly_id>/items/<int:item_id>/remove  L D D D A D
POST   /assemblies/<int:assembly_id>/items/<int:item_id>/summary  L D D A D D
GET    /assemblies/<int:assembly_id>/letters.pdf                L D D A A D
GET    /assemblies/<int:assembly_id>/minutes                    L A A A A D
GET    /assemblies/<int:assembly_id>/minutes.pdf                L A A A A D
POST   /assemblies/<int:assembly_id>/minutes/edit               L D D A D D
POST   /assemblies/<int:assembly_id>/minutes/regenerate         L D D A D D
POST   /assemblies/<int:assembly_id>/minutes/sign               L D D A D D
GET    /assemblies/<int:assembly_id>/minutes/signed.pdf         L A A A A D
POST   /assemblies/<int:assembly_id>/my-proxy                   L A D D D D
POST   /assemblies/<int:assembly_id>/open                       L D D A D D
GET    /assemblies/<int:assembly_id>/proxies                    L D D A D D
GET    /assemblies/<int:assembly_id>/proxies/<int:proxy_id>/scan  L D D A A D
POST   /assemblies/<int:assembly_id>/proxies                    L D D A D D
POST   /assemblies/<int:assembly_id>/proxies/<int:proxy_id>/decline  L A D D D D
POST   /assemblies/<int:assembly_id>/proxies/<int:proxy_id>/revoke  L A D A D D
POST   /assemblies/<int:assembly_id>/publish                    L D D D A D
GET    /assemblies/<int:assembly_id>/quorum                     L A A A A D
POST   /assemblies/<int:assembly_id>/receipt                    L A D D D D
GET    /assemblies/<int:assembly_id>/receipts                   L D D A A D
POST   /assemblies/<int:assembly_id>/receipts/resend            L D D D A D
POST   /assemblies/<int:assembly_id>/reconvene                  L D D D A D
GET    /assemblies/<int:assembly_id>/roll                       L D A A A D
GET    /assemblies/<int:assembly_id>/session                    L D D A D D
GET    /assemblies/minutes-book                                 L A A A A D
GET    /assemblies/invitations                                  L D D D A D
POST   /assemblies/invitations                                  L D D D A D
GET    /assemblies/new                                          L D D D A D
POST   /assemblies/new                                          L D D D A D
GET    /assemblies/receipt/<token>                              A A A A A A
POST   /assemblies/receipt/<token>                              A A A A A A
POST   /api/v1/agenda-items/<int:item_id>/motions  L D D D A D
POST   /api/v1/amendments/<int:amendment_id>/decision  L D D D A D
POST   /api/v1/comments/<int:comment_id>/hide   L D D D A D
GET    /api/v1/mission                          L A A A A A
GET    /api/v1/mission/versions                 L A A A A A
GET    /api/v1/motions/<int:motion_id>          L A A A A D
POST   /api/v1/motions/<int:motion_id>/amendments  L A D D D D
POST   /api/v1/motions/<int:motion_id>/ballots  L A D D D D
POST   /api/v1/motions/<int:motion_id>/close    L D D A D D
POST   /api/v1/motions/<int:motion_id>/comments  L A D D D D
POST   /api/v1/motions/<int:motion_id>/open     L D D A D D
GET    /api/v1/motions/<int:motion_id>/receipts  L A A A A D
GET    /api/v1/motions/<int:motion_id>/result   L A A A A D
GET    /api/v1/statute-texts/<document>         L A A A A A
GET    /api/v1/statute-texts/<document>/versions  L A A A A A
POST   /api/v1/motions/<int:motion_id>/room-vote  L D D A D D
POST   /amendments/<int:amendment_id>/decision  L D D D A D
POST   /comments/<int:comment_id>/hide          L D D D A D
GET    /mission                                 L A A A A A
GET    /mission/diff                            L A A A A A
GET    /mission/versions/<int:number>           L A A A A A
GET    /statute-texts                           L A A A A A
GET    /statute-texts/<document>                L A A A A A
GET    /statute-texts/<document>/diff           L A A A A A
GET    /statute-texts/<document>/versions/<int:number>  L A A A A A
GET    /motions/<int:motion_id>                 L A A A A D
POST   /motions/<int:motion_id>/amendments      L A D D D D
POST   /motions/<int:motion_id>/ballots         L A D D D D
POST   /motions/<int:motion_id>/close           L D D A D D
POST   /motions/<int:motion_id>/comments        L A D D D D
POST   /motions/<int:motion_id>/open            L D D A D D
GET    /motions/<int:motion_id>/receipts        L A A A A D
POST   /motions/<int:motion_id>/room-vote       L D D A D D
GET    /votes                                   L A A A A D
GET    /votes/assemblies/<int:assembly_id>      L A A A A D
GET    /votes/assemblies/<int:assembly_id>/live.json  L A A A A D
GET    /votes/items/<int:item_id>/motions/new   L D D D A D
POST   /votes/items/<int:item_id>/motions/new   L D D D A D
"""


def _rows() -> dict[tuple[str, str], str]:
    rows = {}
    for line in TABLE.strip().splitlines():
        method, rest = line.split(None, 1)
        path, letters = rest.rstrip()[:-2 * len(ROLES)].strip(), rest.rstrip()[-2 * len(ROLES) + 1:]
        letters = letters.split()
        assert len(letters) == len(ROLES) and set(letters) <= {"A", "D", "L"}, line
        rows[(method, path)] = "".join(letters)
    return rows


ROWS = _rows()


def _observed(response, is_api: bool) -> str:
    if response.status_code == 401 or (not is_api and _is_login_redirect(response)):
        return "L"
    if response.status_code == 403:
        return "D"
    return "A"


def test_every_route_has_a_row(app):
    in_map = {(method, rule.rule) for rule, method in routes(app)}
    assert sorted(in_map - set(ROWS)) == [], "routes without a row in the access table"
    assert sorted(set(ROWS) - in_map) == [], "rows of routes that no longer exist"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: getattr(r, "value", r))
def test_each_role_gets_what_the_table_says(app, client, world, role):
    column = ROLES.index(role)
    failures, draft = [], []
    for rule, method in routes(app):
        response = request_as(app, client, role, world, rule, method)
        got = _observed(response, rule.rule.startswith("/api/"))
        response.close()  # a streamed CSV ends its request context here, not when collected
        expected = ROWS.get((method, rule.rule), "?" * len(ROLES))[column]
        draft.append(f"{method:6} {rule.rule} {got}")
        if got != expected:
            failures.append(f"{method} {rule.rule}: expected {expected}, got {got} "
                            f"({response.status_code})")
    if os.environ.get("ACCESS_TABLE_DRAFT"):  # a reviewer's aid: what the code does now
        print(f"\n--- {getattr(role, 'value', role)}\n" + "\n".join(draft))
    assert not failures, "\n".join(failures)
