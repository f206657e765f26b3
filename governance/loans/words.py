"""How the audit log reads the social loans' actions and fields (codes stay in the log)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core import audit
from ..core.outbox import register_topics
from .models import AccountStatus, Product


def register() -> None:
    audit.register_words(
        actions={
            "loan.open": _l("Social loan account opened"), "loan.close": _l("Social loan account closed"),
            "loan.deposit": _l("Social loan: deposit"), "loan.withdrawal": _l("Social loan: withdrawal"),
            "loan.interest": _l("Social loan: interest"), "loan.withholding": _l("Social loan: withholding tax"),
            "loan.closing_repayment": _l("Social loan: closing repayment"),
            "loan.reversal": _l("Social loan: correction"), "loan.rate": _l("Social loan rate set"),
            "loan.equity": _l("Equity for the social loans cap recorded"),
            "loan.year_end": _l("Social loans year end"),
            "loan.exit_closed": _l("Social loans closed on a member's exit"),
        },
        fields={"product": _l("Product"), "opened_on": _l("Opened on"), "iban": _l("IBAN"),
                "balance": _l("Balance"), "rate": _l("Gross annual rate"),
                "effective_from": _l("Effective from"), "guaranteed_share": _l("Guaranteed share"),
                "accounts": _l("Accounts")},
        enums={"product": Product, "status": AccountStatus},
        dates=("opened_on", "effective_from"), money=("balance",),
        percent=("rate", "guaranteed_share"),
        objects={"loan_accounts": _l("Social loan account %(id)s"),
                 "loan_movements": _l("Social loan movement %(id)s"),
                 "loan_rates": _l("Social loan rate %(id)s"), "loan_equity": _l("Equity %(id)s"),
                 "loan_year": _l("Year %(id)s")},
    )
    register_topics({"loan": _l("Social loan account %(id)s")})
