"""one head: join the per-area branches so `flask db upgrade` needs no revision argument

Revision ID: merge_0001
Revises: accounts_0002, annual_0001, api_0001, mcp_0001, monthly_0002, oauth_0001
Create Date: 2026-12-04 16:50:00

"""

revision = "merge_0001"
down_revision = (
    "accounts_0002",
    "annual_0001",
    "api_0001",
    "mcp_0001",
    "monthly_0002",
    "oauth_0001",
)
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
