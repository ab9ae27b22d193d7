"""audit: one row per MCP or API request

Revision ID: mcp_0001
Revises: 8d7f0f33a73e
Create Date: 2026-11-27 16:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "mcp_0001"
down_revision = "8d7f0f33a73e"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("surface", sa.String(length=8), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("connection_id", sa.Integer(), nullable=True),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.String(length=300), nullable=True),
        sa.Column("method", sa.String(length=60), nullable=False),
        sa.Column("tool", sa.String(length=80), nullable=True),
        sa.Column("ods_codes", sa.String(length=200), nullable=True),
        sa.Column("query_length", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_audit_event_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_event_connection_id"), ["connection_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_event_key_id"), ["key_id"], unique=False)


def downgrade():
    op.drop_table("audit_event")
