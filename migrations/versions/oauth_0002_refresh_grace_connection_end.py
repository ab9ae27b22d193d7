"""oauth: when a refresh token was rotated (for the replay grace window), and why a
connection ended

Revision ID: oauth_0002
Revises: roles_0001
Create Date: 2026-12-04 18:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "oauth_0002"
down_revision = "roles_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("oauth_token") as batch_op:
        batch_op.add_column(sa.Column("rotated_at", sa.DateTime(), nullable=True))
    # the rotation time of old rows is unknown: their creation time is before it, so a replay
    # of one is outside any grace window
    op.execute("UPDATE oauth_token SET rotated_at = created_at WHERE rotated")
    with op.batch_alter_table("oauth_token") as batch_op:
        batch_op.drop_column("rotated")
    with op.batch_alter_table("oauth_connection") as batch_op:
        batch_op.add_column(sa.Column("ended_reason", sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table("oauth_connection") as batch_op:
        batch_op.drop_column("ended_reason")
    with op.batch_alter_table("oauth_token") as batch_op:
        batch_op.add_column(
            sa.Column("rotated", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute("UPDATE oauth_token SET rotated = (rotated_at IS NOT NULL)")
    with op.batch_alter_table("oauth_token") as batch_op:
        batch_op.drop_column("rotated_at")
