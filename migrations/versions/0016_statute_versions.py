"""statute text versions (DOMAIN.md §5)

- statute_versions: the versions of the statute texts, kept as the mission's are
  (mission_versions): one numbering per document ('statute_purpose', 'statute_other'),
  each version dated on the day of the assembly that approved it, with the assembly
  and the motion. No version is loaded: version 1 of a document is the voted text of
  the first approved statute motion on it.

Revision ID: 0016_statute_versions
Revises: 0015_legal_person_votes
Create Date: 2026-11-29 23:00:00

"""
from alembic import op
import sqlalchemy as sa

import governance.core.types


# revision identifiers, used by Alembic.
revision = '0016_statute_versions'
down_revision = '0015_legal_person_votes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('statute_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document', sa.String(length=20), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=True),
    sa.Column('motion_id', sa.Integer(), nullable=True),
    sa.Column('created_at', governance.core.types.AwareDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('number >= 1', name=op.f('ck_statute_versions_number_positive')),
    sa.CheckConstraint("document IN ('statute_purpose', 'statute_other')",
                       name=op.f('ck_statute_versions_document_known')),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_statute_versions_assembly_id_assemblies'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['motion_id'], ['motions.id'], name=op.f('fk_statute_versions_motion_id_motions'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statute_versions')),
    sa.UniqueConstraint('document', 'number', name=op.f('uq_statute_versions_document_number')),
    sa.UniqueConstraint('motion_id', name=op.f('uq_statute_versions_motion_id'))
    )


def downgrade():
    op.drop_table('statute_versions')
