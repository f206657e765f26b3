"""core/formatting.py: Italian numbers wherever a count is spelled out."""
from decimal import Decimal

from flask_babel import force_locale

from governance.core import formatting


def test_days_and_amounts_read_as_italian_numbers(app):
    with app.test_request_context(), force_locale("it"):
        assert formatting.days(1) == "1 giorno"
        assert formatting.days(3650) == "3.650 giorni"
        assert formatting.number(Decimal("50.00"), 2) == "50,00"
    with app.test_request_context(), force_locale("en"):
        assert formatting.days(3650) == "3,650 days"
