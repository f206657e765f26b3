"""italian first: the register's search ignores accents

- members.search_name holds the name lower-cased *and without accents* ("berte" finds
  "Bertè"), computed in Python on writing (members.models.search_key) so SQLite and
  PostgreSQL compare the same text with the same index; existing entries are rewritten.

Revision ID: 0011_italian_first
Revises: 0013_votes
Create Date: 2026-11-29 22:05:00

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_italian_first'
down_revision = '0013_votes'
branch_labels = None
depends_on = None

members = sa.table('members', sa.column('id', sa.Integer), sa.column('first_name', sa.String),
                   sa.column('last_name', sa.String), sa.column('search_name', sa.String))


def _without_accents(text):
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _rewrite(key):
    connection = op.get_bind()
    rows = connection.execute(sa.select(members.c.id, members.c.first_name, members.c.last_name)).all()
    updates = [{"member_id": row.id, "name": key(f"{row.last_name} {row.first_name or ''}")} for row in rows]
    for start in range(0, len(updates), 1000):
        connection.execute(members.update().where(members.c.id == sa.bindparam("member_id"))
                           .values(search_name=sa.bindparam("name")), updates[start:start + 1000])


def upgrade():
    _rewrite(_without_accents)


def downgrade():
    _rewrite(lambda text: text.strip().lower())
