"""groups: saved groups of practices, watchlists, alert subscriptions and alerts sent

Revision ID: groups_0001
Revises: peers_0002
Create Date: 2026-12-04 23:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "groups_0001"
down_revision = "telephony_0002"  # brief said peers_0002; chained after telephony_0002 for one head
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "saved_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_saved_group_owner_id", "saved_group", ["owner_id"])
    op.create_table(
        "saved_group_practice",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("practice_code", sa.String(length=10), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["saved_group.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("group_id", "practice_code"),
    )
    op.create_table(
        "watch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("new_data", sa.Boolean(), nullable=False),
        sa.Column("spc", sa.Boolean(), nullable=False),
        sa.Column("metric", sa.String(length=60), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("direction", sa.String(length=5), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "kind", "code"),
    )
    op.create_index("ix_watch_user_id", "watch", ["user_id"])
    op.create_table(
        "alert_subscription",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("subscribed", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "alert_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "key"),
    )
    op.create_index("ix_alert_sent_user_id", "alert_sent", ["user_id"])


def downgrade():
    op.drop_index("ix_alert_sent_user_id", table_name="alert_sent")
    op.drop_table("alert_sent")
    op.drop_table("alert_subscription")
    op.drop_index("ix_watch_user_id", table_name="watch")
    op.drop_table("watch")
    op.drop_table("saved_group_practice")
    op.drop_index("ix_saved_group_owner_id", table_name="saved_group")
    op.drop_table("saved_group")
