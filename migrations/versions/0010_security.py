"""security: column widths that agree across tables

- users.full_name: 301 characters, as a member's first name (100) + a space + last
  name (200): an applicant with the longest names allowed could not be admitted,
  because the login made at admission carries the full name.

Revision ID: 0010_security
Revises: 0009_loans
Create Date: 2026-11-29 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_security'
down_revision = '0009_loans'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('full_name', existing_type=sa.String(length=200),
                              type_=sa.String(length=301), existing_nullable=False)


def downgrade():
    # Names longer than the old width are cut rather than refusing the downgrade.
    op.execute("UPDATE users SET full_name = substr(full_name, 1, 200) WHERE length(full_name) > 200")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('full_name', existing_type=sa.String(length=301),
                              type_=sa.String(length=200), existing_nullable=False)
