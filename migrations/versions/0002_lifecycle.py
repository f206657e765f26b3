"""lifecycle: applications, appeals, withdrawals, exits, share payments, accounts approvals

Revision ID: 0002_lifecycle
Revises: 0001_foundation
Create Date: 2026-11-26 15:24:32.458654

Tables of the membership lifecycle (DOMAIN.md §3, governance/applications/models.py).
Notes for review:
- applications: a partial UNIQUE index keeps one open application (submitted, appealed,
  appeal_upheld) per tax code, also against two submissions at the same moment.
- withdrawal_requests: a partial UNIQUE index keeps one pending request per member.
- admission_appeals.agenda_item_id is a plain integer on purpose: the assemblies domain
  does not exist yet, and its migration adds the foreign key to agenda_items.id.
- member_exits.loans_to_close flags the social loans to close; the loans domain (later)
  closes them and sets loans_closed_on.
- members is not changed: exits use its existing status, exit_on, exit_reason, and share
  payments keep members.shares_paid_amount (CHECK >= 0 already) as their running total.
"""
from alembic import op
import sqlalchemy as sa

import governance.core.types


# revision identifiers, used by Alembic.
revision = '0002_lifecycle'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('accounts_approvals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('financial_year', sa.Integer(), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('financial_year >= 1900', name=op.f('ck_accounts_approvals_year_plausible')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_accounts_approvals_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts_approvals')),
    sa.UniqueConstraint('financial_year', name=op.f('uq_accounts_approvals_financial_year'))
    )
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'admitted', 'rejected', 'appealed', 'appeal_upheld', 'appeal_rejected', name='applicationstatus', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('category', sa.Enum('worker', 'volunteer', 'user', 'financing', 'legal_person', name='category', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=200), nullable=False),
    sa.Column('tax_code', sa.String(length=16), nullable=False),
    sa.Column('legal_representative', sa.String(length=200), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('shares', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('accepted_statute_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('accepted_privacy_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('decision_due_on', sa.Date(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('refused_on', sa.Date(), nullable=True),
    sa.Column('refusal_reasons', sa.Text(), nullable=True),
    sa.Column('notice_sent_on', sa.Date(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status != 'admitted' OR member_id IS NOT NULL", name=op.f('ck_applications_admitted_has_member')),
    sa.CheckConstraint('decided_on IS NULL OR decided_on >= submitted_on', name=op.f('ck_applications_decided_after_submission')),
    sa.CheckConstraint('refused_on IS NULL OR (refusal_reasons IS NOT NULL AND notice_sent_on IS NOT NULL)', name=op.f('ck_applications_refusal_has_reasons')),
    sa.CheckConstraint('shares >= 1', name=op.f('ck_applications_shares_positive')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_applications_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_applications_member_id_members'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_applications_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('member_id', name=op.f('uq_applications_member_id'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_email'), ['email'], unique=False)
        batch_op.create_index('ix_applications_status_due', ['status', 'decision_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_tax_code'), ['tax_code'], unique=False)
        batch_op.create_index('uq_applications_open_tax_code', ['tax_code'], unique=True, sqlite_where=sa.text("status IN ('submitted', 'appealed', 'appeal_upheld')"), postgresql_where=sa.text("status IN ('submitted', 'appealed', 'appeal_upheld')"))

    op.create_table('share_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_share_payments_amount_positive')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_share_payments_member_id_members'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_share_payments_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_payments'))
    )
    with op.batch_alter_table('share_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_payments_member_id'), ['member_id'], unique=False)

    op.create_table('withdrawal_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('requested_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decision_due_on', sa.Date(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'accepted', 'refused', name='withdrawalstatus', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_reasons', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status != 'refused' OR decision_reasons IS NOT NULL", name=op.f('ck_withdrawal_requests_refusal_has_reasons')),
    sa.CheckConstraint('decided_on IS NULL OR decided_on >= requested_on', name=op.f('ck_withdrawal_requests_decided_after_request')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_withdrawal_requests_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_withdrawal_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_withdrawal_requests_member_id_members'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_withdrawal_requests'))
    )
    with op.batch_alter_table('withdrawal_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_withdrawal_requests_decision_due_on'), ['decision_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_withdrawal_requests_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_withdrawal_requests_status'), ['status'], unique=False)
        batch_op.create_index('uq_withdrawal_requests_pending_member', ['member_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    op.create_table('admission_appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('lodged_on', sa.Date(), nullable=False),
    sa.Column('lodged_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'upheld', 'rejected', name='appealstatus', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('assembly_decided_on', sa.Date(), nullable=True),
    sa.Column('assembly_note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('assembly_decided_on IS NULL OR assembly_decided_on >= lodged_on', name=op.f('ck_admission_appeals_decided_after_lodged')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_admission_appeals_application_id_applications'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_admission_appeals_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admission_appeals')),
    sa.UniqueConstraint('application_id', name=op.f('uq_admission_appeals_application_id'))
    )
    with op.batch_alter_table('admission_appeals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admission_appeals_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_admission_appeals_status'), ['status'], unique=False)

    op.create_table('member_exits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('withdrawal', 'exclusion', 'death', 'lapse', name='exitkind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=True),
    sa.Column('notice_on', sa.Date(), nullable=True),
    sa.Column('challenged_on', sa.Date(), nullable=True),
    sa.Column('withdrawal_request_id', sa.Integer(), nullable=True),
    sa.Column('applied_on', sa.Date(), nullable=True),
    sa.Column('refund_due_on', sa.Date(), nullable=True),
    sa.Column('loans_to_close', sa.Boolean(), nullable=False),
    sa.Column('loans_closed_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind != 'exclusion' OR reasons IS NOT NULL", name=op.f('ck_member_exits_exclusion_has_reasons')),
    sa.CheckConstraint('challenged_on IS NULL OR challenged_on >= notice_on', name=op.f('ck_member_exits_challenge_after_notice')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_exits_member_id_members'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_member_exits_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['withdrawal_request_id'], ['withdrawal_requests.id'], name=op.f('fk_member_exits_withdrawal_request_id_withdrawal_requests'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_exits')),
    sa.UniqueConstraint('member_id', name=op.f('uq_member_exits_member_id')),
    sa.UniqueConstraint('withdrawal_request_id', name=op.f('uq_member_exits_withdrawal_request_id'))
    )
    with op.batch_alter_table('member_exits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_exits_effective_on'), ['effective_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_exits_kind'), ['kind'], unique=False)



def downgrade():
    with op.batch_alter_table('member_exits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_exits_kind'))
        batch_op.drop_index(batch_op.f('ix_member_exits_effective_on'))

    op.drop_table('member_exits')
    with op.batch_alter_table('admission_appeals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admission_appeals_status'))
        batch_op.drop_index(batch_op.f('ix_admission_appeals_agenda_item_id'))

    op.drop_table('admission_appeals')
    with op.batch_alter_table('withdrawal_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_withdrawal_requests_pending_member', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_withdrawal_requests_status'))
        batch_op.drop_index(batch_op.f('ix_withdrawal_requests_member_id'))
        batch_op.drop_index(batch_op.f('ix_withdrawal_requests_decision_due_on'))

    op.drop_table('withdrawal_requests')
    with op.batch_alter_table('share_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_payments_member_id'))

    op.drop_table('share_payments')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('uq_applications_open_tax_code', sqlite_where=sa.text("status IN ('submitted', 'appealed', 'appeal_upheld')"), postgresql_where=sa.text("status IN ('submitted', 'appealed', 'appeal_upheld')"))
        batch_op.drop_index(batch_op.f('ix_applications_tax_code'))
        batch_op.drop_index('ix_applications_status_due')
        batch_op.drop_index(batch_op.f('ix_applications_email'))

    op.drop_table('applications')
    op.drop_table('accounts_approvals')
