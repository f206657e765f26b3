"""CSV exports of social loans (core.csvio: Italian Excel by default, plain for programs):
every movement for accounting, and the withholding-tax return (gross, withheld and net
interest per member per year)."""
from __future__ import annotations

from ..core import csvio
from .models import MovementKind, Product
from .queries import movement_rows, withholding_rows

MOVEMENTS_HEADER = ("movement", "account", "member", "last_name", "first_name", "product", "kind",
                    "booked_on", "value_date", "amount", "reverses", "reason")
MOVEMENTS_ITALIAN = ("movimento", "conto", "socio", "cognome", "nome", "prodotto", "tipo",
                     "data_registrazione", "data_valuta", "importo", "storna", "motivo")
ITALIAN_KINDS = {MovementKind.DEPOSIT: "versamento", MovementKind.WITHDRAWAL: "prelievo",
                 MovementKind.INTEREST: "interessi_lordi", MovementKind.WITHHOLDING: "ritenuta",
                 MovementKind.CLOSING_REPAYMENT: "rimborso_chiusura", MovementKind.REVERSAL: "storno"}
ITALIAN_PRODUCTS = {Product.FREE: "libero", Product.TERM: "vincolato"}

WITHHOLDING_HEADER = ("year", "member", "last_name", "first_name", "tax_code", "gross_interest",
                      "withholding", "net_interest")
WITHHOLDING_ITALIAN = ("anno", "socio", "cognome", "nome", "codice_fiscale", "interessi_lordi",
                       "ritenuta", "interessi_netti")


def movements_csv(year: int | None, form: str = csvio.PLAIN):
    italian = form == csvio.EXCEL

    def rows():
        for (movement_id, account_id, number, last, first, product, kind, booked_on, value_date, amount,
             reverses, reason) in movement_rows(year):
            yield (movement_id, account_id, number, last, first,
                   ITALIAN_PRODUCTS[product] if italian else product, ITALIAN_KINDS[kind] if italian else kind,
                   booked_on, value_date, amount, reverses, reason)
    return csvio.lines(MOVEMENTS_ITALIAN if italian else MOVEMENTS_HEADER, rows(), form)


def withholding_csv(year: int, form: str = csvio.PLAIN):
    rows = ((year, number, last, first, tax_code, gross, withheld, net)
            for number, last, first, tax_code, gross, withheld, net in withholding_rows(year))
    return csvio.lines(WITHHOLDING_ITALIAN if form == csvio.EXCEL else WITHHOLDING_HEADER, rows, form)
