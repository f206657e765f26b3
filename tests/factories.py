"""factory_boy factories (Warehouse style): realistic, valid data by default."""
from __future__ import annotations

import random
import unicodedata
from datetime import date
from decimal import Decimal

import factory
from factory.alchemy import SQLAlchemyModelFactory
from stdnum.it import codicefiscale

from governance.auth.models import User
from governance.core import clock
from governance.members.models import Category, Member, MemberStatus
from governance.extensions import db

_rng = random.Random(20261126)
MONTHS = "ABCDEHLMPRST"


def make_tax_code(last: str, first: str, born: date, female: bool = False, town: str = "F205") -> str:
    """A valid codice fiscale (checksum computed by python-stdnum); F205 is Milan."""
    def ascii_letters(s):
        # Accented names (Niccolò, Nicolò) use the unaccented letter in the tax code.
        return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))

    last, first = ascii_letters(last), ascii_letters(first)

    def consonants(s):
        return [c for c in s.upper() if c.isalpha() and c not in "AEIOU"]

    def vowels(s):
        return [c for c in s.upper() if c in "AEIOU"]

    def part(s, first_name=False):
        cons = consonants(s)
        if first_name and len(cons) >= 4:
            cons = [cons[0], cons[2], cons[3]]
        return "".join((cons + vowels(s) + ["X", "X", "X"])[:3])

    day = born.day + (40 if female else 0)
    body = f"{part(last)}{part(first, True)}{born.year % 100:02d}{MONTHS[born.month - 1]}{day:02d}{town}"
    return body + codicefiscale.calc_check_digit(body)


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_persistence = "flush"
        sqlalchemy_session = None


def bind(session) -> None:
    for f in (UserFactory, MemberFactory):
        f._meta.sqlalchemy_session = session


class MemberFactory(_Base):
    class Meta:
        model = Member

    number = factory.Sequence(lambda n: 10_000 + n)
    first_name = factory.Faker("first_name", locale="it_IT")
    last_name = factory.Faker("last_name", locale="it_IT")
    birth_date = factory.LazyFunction(lambda: date(_rng.randint(1950, 2000), _rng.randint(1, 12), _rng.randint(1, 28)))
    tax_code = factory.LazyAttribute(lambda o: make_tax_code(o.last_name, o.first_name, o.birth_date))
    address = "Via Roma 1, 20077 Melegnano (MI)"
    email = factory.LazyAttribute(lambda o: f"socio{o.number}@example.org")
    phone = "+39 02 1234567"
    category = Category.WORKER
    admitted_on = date(2020, 1, 15)
    shares_subscribed = 1
    shares_paid_amount = Decimal("25.00")
    status = MemberStatus.ACTIVE
    created_at = factory.LazyFunction(clock.now)
    updated_at = factory.LazyFunction(clock.now)
    search_name = factory.LazyAttribute(lambda o: f"{o.last_name} {o.first_name}".lower())


class UserFactory(_Base):
    class Meta:
        model = User
        exclude = ("password",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="it_IT")
    locale = "en"  # tests read the English source strings; Italian is tested explicitly
    is_active_account = True
    created_at = factory.LazyFunction(clock.now)
    password = "password-1234"
    password_hash = factory.LazyAttribute(lambda o: _hash(o.password))
    member = None

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        obj.set_roles(extracted or [])
        if create:
            db.session.flush()


_HASHES: dict[str, str] = {}


def _hash(password: str) -> str:
    # scrypt is slow on purpose; hash each test password once per run.
    if password not in _HASHES:
        from werkzeug.security import generate_password_hash
        _HASHES[password] = generate_password_hash(password)
    return _HASHES[password]
