"""login failures: remembered to slow down password guessing

Revision ID: 0003_login_failures
Revises: 0002_lifecycle
Create Date: 2026-11-26 16:01:59.519777

"""
from alembic import op
import sqlalchemy as sa

import governance.core.types


# revision identifiers, used by Alembic.
revision = '0003_login_failures'
down_revision = '0002_lifecycle'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('remote_addr', sa.String(length=45), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_login_failures_email_at', ['email', 'at'], unique=False)



def downgrade():
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_email_at')

    op.drop_table('login_failures')
