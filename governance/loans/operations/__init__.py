"""Use cases of social loans (DOMAIN.md §6), one function each, grouped by what the user
is doing: the regulation's settings (settings), opening accounts (accounts), the ledger
(ledger), interest, year end and closing (interest).

Each validates its input and the rules (loans.rules, with the statute parameters in
force on the day the rule is about), changes the models, writes the audit log, queues
its emails (loans.notifications) and flushes; the request wrapper commits. The HTML
views, the JSON API and the CLI call these functions and nothing else."""
from .accounts import clean_iban, open_account  # noqa: F401
from .interest import (YearEndResult, accrued_to, close_account, close_loans_of_exit,  # noqa: F401
                       close_pending_exits, run_year_end)
from .ledger import book_movement, reverse_movement  # noqa: F401
from .settings import equity_history, rate_history, rate_on, record_equity, record_rate  # noqa: F401
from .common import equity_in_force, get_account, max_total_on  # noqa: F401
