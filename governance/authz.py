"""Who may do what: one permission per action, and the one table mapping each to the
roles that hold it (CONVENTIONS.md habit 14, as Warehouse's `authnz`).

Views declare the permission of the action they perform (`@permission(P.X)`); nothing
else grants access. Object checks ("the member themself") stay in the views and
operations that load the object. tests/core/test_access_table.py pins the result for
every role, route and method in a literal table: widening a line here fails it.

Who is who (DOMAIN.md, API.md): the board (consiglio di amministrazione) decides; the
secretary (segreteria) keeps the register and records payments; the auditor (revisore)
reads everything and writes nothing; the administrator runs the platform (logins,
statute parameters, outbox) and, API.md, does not read members' personal data.
"""
from __future__ import annotations

import enum

from .core.permissions import Role

ADMIN, BOARD, SECRETARY, AUDITOR, MEMBER = (Role.ADMIN, Role.BOARD, Role.SECRETARY,
                                            Role.AUDITOR, Role.MEMBER)


class P(enum.StrEnum):
    # administration
    USERS_MANAGE = "users.manage"
    AUDIT_READ = "audit.read"
    OUTBOX_READ = "outbox.read"
    # statute parameters
    STATUTE_READ = "statute.read"
    STATUTE_CHANGE = "statute.change"
    # the member register (libro soci)
    REGISTER_READ = "register.read"
    REGISTER_WRITE = "register.write"
    REGISTER_IMPORT = "register.import"
    REGISTER_EXPORT = "register.export"
    # the membership lifecycle
    APPLICATIONS_READ = "applications.read"
    APPLICATIONS_API_READ = "applications.api_read"
    APPLICATION_DECIDE = "applications.decide"
    APPEALS_READ = "appeals.read"
    APPEAL_DECIDE = "appeals.decide"
    WITHDRAWALS_READ = "withdrawals.read"
    WITHDRAWAL_DECIDE = "withdrawals.decide"
    WITHDRAWAL_REQUEST_OWN = "withdrawals.request_own"
    EXIT_RECORD = "exits.record"
    EXITS_APPLY = "exits.apply"
    MEMBER_LIFECYCLE_READ = "lifecycle.member_read"
    SHARE_PAYMENT_RECORD = "shares.record_payment"
    ACCOUNTS_APPROVALS_READ = "accounts.read"
    ACCOUNTS_APPROVAL_RECORD = "accounts.record"
    MEMBERSHIP_REPORT_READ = "membership_report.read"
    # personal API tokens on the profile page (the API endpoints are for any login)
    API_TOKENS_PAGE = "api_tokens.page"
    # social loans (DOMAIN.md §6, API.md "Social loans"): read by the owner (object
    # check), the secretary, the board and the auditor; movements, accounts and the year
    # end written by the secretary; rates and equity by the board.
    LOANS_READ = "loans.read"
    LOANS_OWN = "loans.own"
    LOAN_OPEN = "loans.open"
    LOAN_MOVEMENT = "loans.movement"
    LOAN_YEAR_END = "loans.year_end"
    LOAN_REGULATION = "loans.regulation"
    LOANS_SUMMARY = "loans.summary"
    LOANS_EXPORT = "loans.export"
    # assemblies (DOMAIN.md §4, API.md "Assemblies"): read by members and the office;
    # prepared and convened by the board; the session and minutes kept by the secretary;
    # a member confirms receipt, delegates and checks in online for themself (object check).
    ASSEMBLIES_READ = "assemblies.read"
    ASSEMBLY_PREPARE = "assemblies.prepare"
    ASSEMBLY_RECEIPTS_READ = "assemblies.receipts_read"
    ASSEMBLY_ROLL_READ = "assemblies.roll_read"
    ASSEMBLY_OWN = "assemblies.own"
    PROXY_RECORD = "assemblies.proxy_record"
    ASSEMBLY_SESSION = "assemblies.session"
    MINUTES_READ = "assemblies.minutes_read"
    # motions and votes (DOMAIN.md §5, API.md "Motions and ballots"): the mission and the
    # motions are public to members; the board writes motions and decides amendments and
    # hidden comments; the secretary runs the votes; members propose, discuss and vote.
    MISSION_READ = "mission.read"
    MOTIONS_READ = "motions.read"
    MOTION_CREATE = "motions.create"
    AMENDMENT_PROPOSE = "amendments.propose"
    AMENDMENT_DECIDE = "amendments.decide"
    COMMENT_WRITE = "comments.write"
    COMMENT_HIDE = "comments.hide"
    VOTE_MANAGE = "votes.manage"
    BALLOT_CAST = "ballots.cast"


GRANTS: dict[P, frozenset[Role]] = {
    P.USERS_MANAGE: frozenset({ADMIN}),
    P.AUDIT_READ: frozenset({ADMIN, AUDITOR}),
    P.OUTBOX_READ: frozenset({ADMIN}),

    P.STATUTE_READ: frozenset({ADMIN, BOARD, SECRETARY, AUDITOR}),
    P.STATUTE_CHANGE: frozenset({ADMIN}),

    P.REGISTER_READ: frozenset({BOARD, SECRETARY, AUDITOR}),
    P.REGISTER_WRITE: frozenset({BOARD, SECRETARY}),
    P.REGISTER_IMPORT: frozenset({BOARD}),
    P.REGISTER_EXPORT: frozenset({BOARD, SECRETARY, AUDITOR}),

    P.APPLICATIONS_READ: frozenset({BOARD, SECRETARY}),
    P.APPLICATIONS_API_READ: frozenset({BOARD}),  # API.md: (board)
    P.APPLICATION_DECIDE: frozenset({BOARD}),     # art. 2528 c.c.
    P.APPEALS_READ: frozenset({BOARD}),
    P.APPEAL_DECIDE: frozenset({BOARD}),
    P.WITHDRAWALS_READ: frozenset({BOARD}),
    P.WITHDRAWAL_DECIDE: frozenset({BOARD}),      # art. 2532 c.c.
    P.WITHDRAWAL_REQUEST_OWN: frozenset({MEMBER}),  # and only for their own entry
    P.EXIT_RECORD: frozenset({BOARD}),            # art. 2533 c.c.
    P.EXITS_APPLY: frozenset({BOARD}),
    P.MEMBER_LIFECYCLE_READ: frozenset({BOARD, SECRETARY, AUDITOR}),
    P.SHARE_PAYMENT_RECORD: frozenset({SECRETARY}),
    P.ACCOUNTS_APPROVALS_READ: frozenset({BOARD, SECRETARY, AUDITOR}),
    P.ACCOUNTS_APPROVAL_RECORD: frozenset({BOARD}),
    P.MEMBERSHIP_REPORT_READ: frozenset({BOARD, SECRETARY, AUDITOR}),

    P.API_TOKENS_PAGE: frozenset({ADMIN, BOARD, SECRETARY, AUDITOR}),

    # social loans
    P.LOANS_READ: frozenset({BOARD, SECRETARY, AUDITOR}),
    P.LOANS_OWN: frozenset({MEMBER}),                 # and only their own accounts
    P.LOAN_OPEN: frozenset({SECRETARY}),
    P.LOAN_MOVEMENT: frozenset({SECRETARY}),
    P.LOAN_YEAR_END: frozenset({SECRETARY}),
    P.LOAN_REGULATION: frozenset({BOARD}),            # rates and equity
    P.LOANS_SUMMARY: frozenset({BOARD, AUDITOR}),     # API.md: (board, auditor)
    P.LOANS_EXPORT: frozenset({BOARD, SECRETARY, AUDITOR}),

    # assemblies
    P.ASSEMBLIES_READ: frozenset({MEMBER, BOARD, SECRETARY, AUDITOR}),
    P.ASSEMBLY_PREPARE: frozenset({BOARD}),
    P.ASSEMBLY_RECEIPTS_READ: frozenset({BOARD, SECRETARY}),
    P.ASSEMBLY_ROLL_READ: frozenset({BOARD, SECRETARY, AUDITOR}),
    P.ASSEMBLY_OWN: frozenset({MEMBER}),              # and only for their own entry
    P.PROXY_RECORD: frozenset({SECRETARY}),           # a paper proxy with its scan
    P.ASSEMBLY_SESSION: frozenset({SECRETARY}),       # open, check-in, close, minutes
    P.MINUTES_READ: frozenset({MEMBER, BOARD, SECRETARY, AUDITOR}),  # the minutes book
    # motions and votes
    P.MISSION_READ: frozenset({ADMIN, BOARD, SECRETARY, AUDITOR, MEMBER}),
    P.MOTIONS_READ: frozenset({BOARD, SECRETARY, AUDITOR, MEMBER}),
    P.MOTION_CREATE: frozenset({BOARD}),
    P.AMENDMENT_PROPOSE: frozenset({MEMBER}),
    P.AMENDMENT_DECIDE: frozenset({BOARD}),
    P.COMMENT_WRITE: frozenset({MEMBER}),
    P.COMMENT_HIDE: frozenset({BOARD}),
    P.VOTE_MANAGE: frozenset({SECRETARY}),
    P.BALLOT_CAST: frozenset({MEMBER}),
}
