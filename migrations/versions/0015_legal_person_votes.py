"""votes of a legal-person member (DOMAIN.md §1, art. 2538 c.3 c.c.)

- vote_participations.weight / secret_ballots.weight: the votes a ballot counts (the
  statute's votes_per_legal_person on the assembly's day for a legal person, else 1),
  1..5. Existing ballots were all counted as 1.
- motions.eligible_votes / present_votes: the majority's bases in votes when they differ
  from the heads (NULL otherwise, and for every vote closed before).

Revision ID: 0015_legal_person_votes
Revises: 0014_withdrawal
Create Date: 2026-11-29 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_legal_person_votes'
down_revision = '0014_withdrawal'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('eligible_votes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('present_votes', sa.Integer(), nullable=True))
    for table in ('vote_participations', 'secret_ballots'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('weight', sa.SmallInteger(), server_default='1', nullable=False))
            batch_op.create_check_constraint(op.f(f'ck_{table}_weight_range'), 'weight BETWEEN 1 AND 5')


def downgrade():
    for table in ('secret_ballots', 'vote_participations'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_weight_range'), type_='check')
            batch_op.drop_column('weight')
    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.drop_column('present_votes')
        batch_op.drop_column('eligible_votes')
