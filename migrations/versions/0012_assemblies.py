"""assemblies: the assembly and its two calls, the ordered agenda with documents, the
stored convocation and each member's receipt, proxies (one live per delegator: a
partial UNIQUE index), attendance, the roll frozen at the opening, the minutes
(DOMAIN.md §4)

Revision ID: 0012_assemblies
Revises: 0010_security
Create Date: 2026-11-29 21:15:37.792368
"""
from alembic import op
import sqlalchemy as sa

import governance.core.types  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0012_assemblies'
down_revision = '0010_security'
branch_labels = None
depends_on = None


def upgrade():
    # Invitations of members without a login (the last one sent, for idempotency).
    op.add_column('users', sa.Column('invited_at', governance.core.types.AwareDateTime(timezone=True), nullable=True))
    op.create_table('assemblies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('ordinary', 'extraordinary', name='kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('status', sa.Enum('draft', 'convened', 'in_session', 'closed', name='assemblystatus', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('first_call_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('second_call_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('online_link', sa.String(length=500), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('published_at', governance.core.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('opened_at', governance.core.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', governance.core.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('call', sa.Enum('first', 'second', name='callused', native_enum=False, create_constraint=True, length=8), nullable=True),
    sa.Column('chair_name', sa.String(length=200), nullable=True),
    sa.Column('secretary_name', sa.String(length=200), nullable=True),
    sa.Column('scrutineers', sa.String(length=500), nullable=True),
    sa.Column('created_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(status = 'draft') = (published_on IS NULL)", name=op.f('ck_assemblies_published_has_date')),
    sa.CheckConstraint('second_call_at > first_call_at', name=op.f('ck_assemblies_second_after_first')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_assemblies_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assemblies'))
    )
    with op.batch_alter_table('assemblies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assemblies_first_call_at'), ['first_call_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_assemblies_status'), ['status'], unique=False)

    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.CheckConstraint('position >= 1', name=op.f('ck_agenda_items_position_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_agenda_items_application_id_applications'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_agenda_items_assembly_id_assemblies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_assembly_id'), ['assembly_id'], unique=False)

    op.create_table('assembly_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('checked_in_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('left_at', governance.core.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('online', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_assembly_attendance_assembly_id_assemblies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_assembly_attendance_member_id_members'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assembly_attendance')),
    sa.UniqueConstraint('assembly_id', 'member_id', name='one_row_per_member')
    )
    with op.batch_alter_table('assembly_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assembly_attendance_member_id'), ['member_id'], unique=False)

    op.create_table('assembly_convocations',
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('published_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('ics', sa.LargeBinary(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_assembly_convocations_assembly_id_assemblies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assembly_id', name=op.f('pk_assembly_convocations'))
    )
    op.create_table('assembly_minutes',
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('drafted_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('signed_at', governance.core.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('signed_scan_stored_name', sa.String(length=64), nullable=True),
    sa.Column('figures', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_assembly_minutes_assembly_id_assemblies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assembly_id', name=op.f('pk_assembly_minutes'))
    )
    op.create_table('assembly_proxies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('delegator_id', sa.Integer(), nullable=False),
    sa.Column('delegate_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'revoked', 'declined', 'void', name='proxystatus', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('created_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', governance.core.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('scan_stored_name', sa.String(length=64), nullable=True),
    sa.CheckConstraint('delegator_id <> delegate_id', name=op.f('ck_assembly_proxies_not_to_oneself')),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_assembly_proxies_assembly_id_assemblies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_assembly_proxies_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['delegate_id'], ['members.id'], name=op.f('fk_assembly_proxies_delegate_id_members'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['delegator_id'], ['members.id'], name=op.f('fk_assembly_proxies_delegator_id_members'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assembly_proxies'))
    )
    with op.batch_alter_table('assembly_proxies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assembly_proxies_assembly_id'), ['assembly_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assembly_proxies_delegate_id'), ['delegate_id'], unique=False)
        batch_op.create_index('uq_assembly_proxies_live_delegator', ['assembly_id', 'delegator_id'], unique=True, postgresql_where=sa.text("status = 'active'"), sqlite_where=sa.text("status = 'active'"))

    op.create_table('assembly_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('topic', sa.String(length=80), nullable=False),
    sa.Column('confirmed_at', governance.core.types.AwareDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_assembly_receipts_assembly_id_assemblies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_assembly_receipts_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assembly_receipts')),
    sa.UniqueConstraint('assembly_id', 'member_id', name='one_receipt_per_member')
    )
    with op.batch_alter_table('assembly_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assembly_receipts_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assembly_receipts_topic'), ['topic'], unique=False)

    op.create_table('assembly_roll',
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=310), nullable=False),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_assembly_roll_assembly_id_assemblies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_assembly_roll_member_id_members'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('assembly_id', 'member_id', name=op.f('pk_assembly_roll'))
    )
    op.create_table('agenda_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_items.id'], name=op.f('fk_agenda_documents_item_id_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_agenda_documents_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_documents')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_agenda_documents_stored_name'))
    )
    with op.batch_alter_table('agenda_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_documents_item_id'), ['item_id'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('invited_at')
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('agenda_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_documents_item_id'))

    op.drop_table('agenda_documents')
    op.drop_table('assembly_roll')
    with op.batch_alter_table('assembly_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assembly_receipts_topic'))
        batch_op.drop_index(batch_op.f('ix_assembly_receipts_member_id'))

    op.drop_table('assembly_receipts')
    with op.batch_alter_table('assembly_proxies', schema=None) as batch_op:
        batch_op.drop_index('uq_assembly_proxies_live_delegator', postgresql_where=sa.text("status = 'active'"), sqlite_where=sa.text("status = 'active'"))
        batch_op.drop_index(batch_op.f('ix_assembly_proxies_delegate_id'))
        batch_op.drop_index(batch_op.f('ix_assembly_proxies_assembly_id'))

    op.drop_table('assembly_proxies')
    op.drop_table('assembly_minutes')
    op.drop_table('assembly_convocations')
    with op.batch_alter_table('assembly_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assembly_attendance_member_id'))

    op.drop_table('assembly_attendance')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_items_assembly_id'))

    op.drop_table('agenda_items')
    with op.batch_alter_table('assemblies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assemblies_status'))
        batch_op.drop_index(batch_op.f('ix_assemblies_first_call_at'))

    op.drop_table('assemblies')
    # ### end Alembic commands ###
