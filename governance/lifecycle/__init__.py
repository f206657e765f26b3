"""The membership lifecycle (DOMAIN.md §3): applications, the board's decision,
refusals and appeals to the assembly, withdrawals, exclusions, deaths and lapses,
share payments, refunds after the accounts, and the annual membership report
(art. 2528 c.c.).

Modules follow CONVENTIONS.md: models (state enums with guarded transitions), rules
(pure functions: deadlines, effective dates, refunds), operations (one function per
use case; flush, never commit), queries (read helpers), forms/views (HTML),
schemas/api (JSON), letters (PDF and document texts).
"""
