"""rate-limit windows in the database, shared by every worker when there is no Redis

Revision ID: ratelimit_0001
Revises: merge_0001
Create Date: 2026-12-04 16:52:00

"""

import sqlalchemy as sa
from alembic import op

revision = "ratelimit_0001"
down_revision = "merge_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rate_limit_window",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_rate_limit_window")),
    )
    with op.batch_alter_table("rate_limit_window") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rate_limit_window_expires_at"), ["expires_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("rate_limit_window") as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_limit_window_expires_at"))
    op.drop_table("rate_limit_window")
