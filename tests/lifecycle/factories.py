"""Test data of the lifecycle: valid applications by default (Warehouse style)."""
from __future__ import annotations

import itertools
from datetime import date, timedelta

from governance.lifecycle import operations
from governance.extensions import db
from tests.factories import make_tax_code

PASSWORD = "applicant-password-1"
_counter = itertools.count(1)
FIRST_NAMES = ["Giulia", "Marco", "Chiara", "Luca", "Sara", "Paolo", "Elena", "Davide", "Anna", "Stefano"]
LAST_NAMES = ["Bianchi", "Ferrari", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti",
              "Mancini", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani"]
# A valid partita IVA (Luhn checksum) for legal persons.
VAT_NUMBER = "00743110157"


def application_data(**overrides) -> dict:
    """The fields of a valid application from a person; each call is a new person."""
    n = next(_counter)
    first = FIRST_NAMES[n % len(FIRST_NAMES)]
    last = LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)]
    # born 1960-1999 whatever the count of applications the run has made (the counter
    # is global: an ever later birth date ended up in the future in a long run)
    born = date(1960, 1, 1) + timedelta(days=29 * (n % 500))
    data = {
        "category": "worker", "first_name": first, "last_name": last,
        "tax_code": make_tax_code(last, first, born), "birth_date": born.isoformat(),
        "address": "Via Roma 1, 20077 Melegnano (MI)", "email": f"aspirante{n}@example.org",
        "phone": "+39 02 1234567", "shares": 2, "password": PASSWORD,
        "accepts_statute": True, "accepts_privacy": True,
    }
    data.update(overrides)
    return data


def legal_person_data(**overrides) -> dict:
    data = application_data(category="legal_person", first_name="", last_name="Cooperativa Esempio srl",
                            tax_code=VAT_NUMBER, birth_date=None, legal_representative="Maria Verdi")
    data.update(overrides)
    return data


def submit(**overrides):
    application = operations.submit_application(application_data(**overrides))
    db.session.flush()
    return application


def admit(application, actor, decided_on=None):
    operations.decide_application(application, {"outcome": "admitted",
                                                "decided_on": decided_on or application.submitted_on}, actor)
    return application.member


def reject(application, actor, decided_on=None, reasons="Requisiti non soddisfatti."):
    operations.decide_application(application, {"outcome": "rejected", "reasons": reasons,
                                                "decided_on": decided_on or application.submitted_on}, actor)
    return application
