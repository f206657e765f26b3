"""withdrawal, corrected (DOMAIN.md §3.4, art. 2532 c.3 c.c.)

- member_exits.mutual_ends_on: a withdrawal's mutual relationship ends at the close of
  the financial year; the membership itself ends on the day the acceptance is notified.
- withdrawal_requests.notice_on / challenged_on: a refusal is notified at once and may be
  challenged in court within 60 days.
- Existing accepted withdrawals: the year close moves to mutual_ends_on, and the
  membership ends on the day the acceptance was notified (notice_on, else the decision).
  Entries whose new end has passed but whose status has not changed yet are changed by
  the next `flask --app wsgi lifecycle apply-exits` (the daily job), which also closes
  their social loans.

Revision ID: 0014_withdrawal
Revises: 0011_italian_first
Create Date: 2026-11-29 22:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_withdrawal'
down_revision = '0011_italian_first'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('member_exits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mutual_ends_on', sa.Date(), nullable=True))
    with op.batch_alter_table('withdrawal_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('challenged_on', sa.Date(), nullable=True))
    op.execute("UPDATE withdrawal_requests SET notice_on = decided_on WHERE decided_on IS NOT NULL")
    op.execute("UPDATE member_exits SET mutual_ends_on = effective_on, "
               "effective_on = COALESCE(notice_on, decided_on) WHERE kind = 'withdrawal'")
    op.execute("UPDATE members SET exit_on = (SELECT e.effective_on FROM member_exits e "
               "WHERE e.member_id = members.id AND e.kind = 'withdrawal') "
               "WHERE id IN (SELECT member_id FROM member_exits WHERE kind = 'withdrawal')")


def downgrade():
    op.execute("UPDATE member_exits SET effective_on = mutual_ends_on "
               "WHERE kind = 'withdrawal' AND mutual_ends_on IS NOT NULL")
    op.execute("UPDATE members SET exit_on = (SELECT e.effective_on FROM member_exits e "
               "WHERE e.member_id = members.id AND e.kind = 'withdrawal') "
               "WHERE id IN (SELECT member_id FROM member_exits WHERE kind = 'withdrawal')")
    with op.batch_alter_table('withdrawal_requests', schema=None) as batch_op:
        batch_op.drop_column('challenged_on')
        batch_op.drop_column('notice_on')
    with op.batch_alter_table('member_exits', schema=None) as batch_op:
        batch_op.drop_column('mutual_ends_on')
