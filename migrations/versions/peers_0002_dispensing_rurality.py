"""peers: each practice's dispensing status and rurality as the payments file publishes them

Revision ID: peers_0002
Revises: peers_0001
Create Date: 2026-12-04 22:15:00

"""

import sqlalchemy as sa
from alembic import op

revision = "peers_0002"
down_revision = "peers_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("payments_practice") as batch_op:
        batch_op.add_column(sa.Column("dispensing", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("rural", sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table("payments_practice") as batch_op:
        batch_op.drop_column("rural")
        batch_op.drop_column("dispensing")
