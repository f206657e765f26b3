"""factory_boy factories (Warehouse style): realistic, valid data by default."""
from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import factory
import factory.random
from factory.alchemy import SQLAlchemyModelFactory

from governance.auth.models import User
from governance.demo import make_tax_code  # noqa: F401 - valid codici fiscali for tests
from governance.core import clock
from governance.members.models import Category, Member, MemberStatus, search_key
from governance.extensions import db

# Each test draws from its own generator, reseeded from the test's id (tests/conftest.py),
# so a test's data never depends on the tests that ran before it.
_rng = random.Random(20261126)


def reseed(seed: str) -> None:
    _rng.seed(seed)
    factory.random.reseed_random(seed)
    for f in (UserFactory, MemberFactory):
        f.reset_sequence()


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
    search_name = factory.LazyAttribute(lambda o: search_key(f"{o.last_name} {o.first_name}"))


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
