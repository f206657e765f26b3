"""Money is Decimal with two places; rounding is explicit and half-up (DOMAIN.md §6)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
# Money columns are NUMERIC(14, 2): at most 12 digits before the decimal point.
MAX_AMOUNT = Decimal("999999999999.99")


def to_cents(value: Decimal) -> Decimal:
    """Round half-up to cents: only where DOMAIN.md says a figure is rounded."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(text: str | int | Decimal) -> Decimal:
    """Parse '1234.50' or '1.234,50' (Italian) into Decimal; reject more than 2 decimals."""
    if isinstance(text, float):  # pragma: no cover - guarded by callers
        raise ValueError("money is never a float")
    if isinstance(text, Decimal | int):
        value = Decimal(text)
    else:
        raw = str(text).strip().replace("€", "").replace(" ", "")
        if "," in raw:
            raw = raw.replace(".", "").replace(",", ".")
        try:
            value = Decimal(raw)
        except InvalidOperation as exc:
            raise ValueError(f"not an amount: {text!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    if abs(value) > MAX_AMOUNT:  # also keeps quantize() within Decimal's precision
        raise ValueError(f"too large an amount: {text!r}")
    if value != value.quantize(CENT):
        raise ValueError(f"at most two decimals: {text!r}")
    return value.quantize(CENT)


def format_money(value: Decimal | None) -> str:
    """Machine format used by the API: '1234.50'."""
    if value is None:
        return None  # type: ignore[return-value]
    return f"{Decimal(value).quantize(CENT):.2f}"


def format_eur(value: Decimal | None) -> str:
    """Italian display format: '€ 1.234,50'."""
    if value is None:
        return ""
    text = f"{Decimal(value).quantize(CENT):,.2f}"
    text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return f"€ {text}"
