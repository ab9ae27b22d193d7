"""roles: an append-only audit of role decisions, and a site-admin mark on each role

Revision ID: roles_0001
Revises: ratelimit_0001
Create Date: 2026-12-04 17:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "roles_0001"
down_revision = "ratelimit_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("practice_role") as batch_op:
        batch_op.add_column(
            sa.Column(
                "decided_by_site_admin", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    op.create_table(
        "role_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("practice_code", sa.String(length=10), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("as_site_admin", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_code"],
            ["practice.code"],
            name=op.f("fk_role_decision_practice_code_practice"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["user_account.id"],
            name=op.f("fk_role_decision_subject_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_role_decision_actor_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_decision")),
    )
    op.create_index(
        op.f("ix_role_decision_practice_code"), "role_decision", ["practice_code"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_role_decision_practice_code"), table_name="role_decision")
    op.drop_table("role_decision")
    with op.batch_alter_table("practice_role") as batch_op:
        batch_op.drop_column("decided_by_site_admin")
