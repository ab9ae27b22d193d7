"""fetch: where a load's file was downloaded from, its sha256 and size

Revision ID: fetch_0001
Revises: oauth_0002
Create Date: 2026-12-04 20:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "fetch_0001"
down_revision = "oauth_0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("dataset_load") as batch_op:
        batch_op.add_column(sa.Column("source_url", sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column("download_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("download_bytes", sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table("dataset_load") as batch_op:
        batch_op.drop_column("download_bytes")
        batch_op.drop_column("download_sha256")
        batch_op.drop_column("source_url")
