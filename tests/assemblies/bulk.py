"""Many members at once (one multi-row INSERT), for the PostgreSQL tests and the benchmark."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from governance.core import clock
from governance.extensions import db
from governance.members.models import Member

NAMES = ["Rossi", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti",
         "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro"]
FIRST = ["Maria", "Giuseppe", "Anna", "Luca", "Giulia", "Marco", "Sara", "Paolo", "Chiara", "Andrea"]


def add_members(count: int, start_number: int = 1, *, with_email=lambda n: n % 20 != 0,
                admitted_on: date = date(2015, 1, 1)) -> int:
    now = clock.now()
    rows = []
    for i in range(count):
        n = start_number + i
        last, first = f"{NAMES[n % len(NAMES)]}{'' if n % 7 else ' ' + str(n)}", FIRST[(n // 3) % len(FIRST)]
        rows.append({"number": n, "first_name": first, "last_name": last, "tax_code": f"RSSMRA80A01F205{n % 10}",
                     "email": f"socio{n}@example.org" if with_email(n) else None, "category": "worker",
                     "admitted_on": admitted_on + timedelta(days=n % 2000), "shares_subscribed": 1,
                     "shares_paid_amount": 25, "status": "active", "created_at": now, "updated_at": now,
                     "search_name": f"{last} {first}".lower(), "address": "Via Roma 1, Melegnano"})
    for chunk in range(0, len(rows), 2000):
        db.session.execute(sa.insert(Member.__table__), rows[chunk:chunk + 2000])
    return count
