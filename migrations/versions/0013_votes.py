"""votes: the mission's versions (the first loaded here), motions, amendments, comments,
and the two unlinked records of a vote (DOMAIN.md §5)

Revision ID: 0013_votes
Revises: 0012_assemblies
Create Date: 2026-11-29 21:20:00

One ballot per voter per motion is UNIQUE (motion_id, member_id) on vote_participations.
Secret votes keep the choice in secret_ballots, which shares nothing with
vote_participations but the motion: random UUID keys, no timestamps.

Version 1 of the mission is the cooperative's five-point identity card (shared/seed,
in Italian), written here so every database starts with it, demo or not. The seed
gives only the founding year, so it is dated 1 January 1994.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

import governance.core.types  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0013_votes'
down_revision = '0012_assemblies'
branch_labels = None
depends_on = None

from governance.votes.first_mission import EFFECTIVE_ON, TEXT as MISSION_V1  # noqa: E402


def upgrade():
    op.create_table('motions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('amendment_of_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('subject', sa.Enum('mission', 'statute_purpose', 'statute_other', 'loan_regulation', 'accounts',
                                 'election', 'appeal', 'other', name='subjectlabel', native_enum=False,
                                 create_constraint=True, length=20), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('current_text', sa.Text(), nullable=True),
    sa.Column('proposed_text', sa.Text(), nullable=True),
    sa.Column('voted_text', sa.Text(), nullable=True),
    sa.Column('text_amended', sa.Boolean(), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('by_correspondence', sa.Boolean(), nullable=False),
    sa.Column('amendments_until', governance.core.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.Enum('draft', 'open', 'closed', name='motionstatus', native_enum=False,
                                create_constraint=True, length=8), nullable=False),
    sa.Column('opened_at', governance.core.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', governance.core.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('eligible', sa.Integer(), nullable=True),
    sa.Column('present', sa.Integer(), nullable=True),
    sa.Column('yes', sa.Integer(), nullable=True),
    sa.Column('no', sa.Integer(), nullable=True),
    sa.Column('abstain', sa.Integer(), nullable=True),
    sa.Column('dropped', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=40), nullable=True),
    sa.Column('call', sa.String(length=8), nullable=True),
    sa.Column('outcome', sa.Enum('approved', 'rejected', name='outcome', native_enum=False,
                                 create_constraint=True, length=8), nullable=True),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.Column('receipts_digest', sa.String(length=64), nullable=True),
    sa.Column('created_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(status = 'closed') = (outcome IS NOT NULL)", name=op.f('ck_motions_closed_has_outcome')),
    sa.CheckConstraint("status = 'draft' OR opened_at IS NOT NULL OR status = 'closed'",
                       name=op.f('ck_motions_open_has_time')),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_motions_agenda_item_id_agenda_items'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['amendment_of_id'], ['motions.id'], name=op.f('fk_motions_amendment_of_id_motions'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_motions_created_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_motions'))
    )
    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_motions_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_motions_amendment_of_id'), ['amendment_of_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_motions_status'), ['status'], unique=False)

    op.create_table('motion_amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('proposed_text', sa.Text(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'admitted', 'declined', name='amendmentstatus', native_enum=False,
                                create_constraint=True, length=10), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=True),
    sa.Column('decided_at', governance.core.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('vote_id', sa.Integer(), nullable=True),
    sa.Column('created_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status = 'proposed' OR (reasons IS NOT NULL AND decided_at IS NOT NULL)",
                       name=op.f('ck_motion_amendments_decision_has_reasons')),
    sa.ForeignKeyConstraint(['author_id'], ['members.id'], name=op.f('fk_motion_amendments_author_id_members'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_motion_amendments_decided_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['motion_id'], ['motions.id'], name=op.f('fk_motion_amendments_motion_id_motions'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vote_id'], ['motions.id'], name=op.f('fk_motion_amendments_vote_id_motions'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_motion_amendments')),
    sa.UniqueConstraint('vote_id', name=op.f('uq_motion_amendments_vote_id'))
    )
    with op.batch_alter_table('motion_amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_motion_amendments_motion_id'), ['motion_id'], unique=False)

    op.create_table('motion_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=310), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('hidden_reason', sa.Text(), nullable=True),
    sa.Column('hidden_at', governance.core.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(hidden_at IS NULL) = (hidden_reason IS NULL)', name=op.f('ck_motion_comments_hidden_has_reason')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_motion_comments_author_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_motion_comments_hidden_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['motion_id'], ['motions.id'], name=op.f('fk_motion_comments_motion_id_motions'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_motion_comments'))
    )
    with op.batch_alter_table('motion_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_motion_comments_motion_id'), ['motion_id'], unique=False)

    op.create_table('vote_participations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('cast_by_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.Enum('online', 'correspondence', 'room', name='channel', native_enum=False,
                                 create_constraint=True, length=16), nullable=False),
    sa.Column('choice', sa.Enum('yes', 'no', 'abstain', name='choicelabel', native_enum=False,
                                create_constraint=True, length=8), nullable=True),
    sa.ForeignKeyConstraint(['cast_by_id'], ['members.id'], name=op.f('fk_vote_participations_cast_by_id_members'),
                            ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_vote_participations_member_id_members'),
                            ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['motion_id'], ['motions.id'], name=op.f('fk_vote_participations_motion_id_motions'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_participations')),
    sa.UniqueConstraint('motion_id', 'member_id', name='one_ballot_per_voter')
    )
    with op.batch_alter_table('vote_participations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_participations_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_vote_participations_motion_choice', ['motion_id', 'choice'], unique=False)

    op.create_table('secret_ballots',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Enum('yes', 'no', 'abstain', name='choicelabel', native_enum=False,
                                create_constraint=True, length=8), nullable=False),
    sa.Column('receipt', sa.String(length=12), nullable=False),
    sa.Column('by_correspondence', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['motion_id'], ['motions.id'], name=op.f('fk_secret_ballots_motion_id_motions'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_secret_ballots')),
    sa.UniqueConstraint('receipt', name=op.f('uq_secret_ballots_receipt'))
    )
    with op.batch_alter_table('secret_ballots', schema=None) as batch_op:
        batch_op.create_index('ix_secret_ballots_motion_choice', ['motion_id', 'choice'], unique=False)

    mission = op.create_table('mission_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=True),
    sa.Column('motion_id', sa.Integer(), nullable=True),
    sa.Column('created_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('number >= 1', name=op.f('ck_mission_versions_number_positive')),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_mission_versions_assembly_id_assemblies'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['motion_id'], ['motions.id'], name=op.f('fk_mission_versions_motion_id_motions'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mission_versions')),
    sa.UniqueConstraint('motion_id', name=op.f('uq_mission_versions_motion_id')),
    sa.UniqueConstraint('number', name=op.f('uq_mission_versions_number'))
    )
    op.bulk_insert(mission, [{"number": 1, "text": MISSION_V1, "effective_on": EFFECTIVE_ON,
                              "assembly_id": None, "motion_id": None,
                              "created_at": datetime.now(timezone.utc)}])


def downgrade():
    op.drop_table('mission_versions')
    with op.batch_alter_table('secret_ballots', schema=None) as batch_op:
        batch_op.drop_index('ix_secret_ballots_motion_choice')
    op.drop_table('secret_ballots')
    with op.batch_alter_table('vote_participations', schema=None) as batch_op:
        batch_op.drop_index('ix_vote_participations_motion_choice')
        batch_op.drop_index(batch_op.f('ix_vote_participations_member_id'))
    op.drop_table('vote_participations')
    with op.batch_alter_table('motion_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_motion_comments_motion_id'))
    op.drop_table('motion_comments')
    with op.batch_alter_table('motion_amendments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_motion_amendments_motion_id'))
    op.drop_table('motion_amendments')
    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_motions_status'))
        batch_op.drop_index(batch_op.f('ix_motions_amendment_of_id'))
        batch_op.drop_index(batch_op.f('ix_motions_agenda_item_id'))
    op.drop_table('motions')
