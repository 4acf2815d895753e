"""team code unique ignoring case

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 09:40:00.000000

Team codes are matched without regard to case (the admin form, `flask teams import`),
so INT-MBRO and int-mbro must not both exist. An expression index on lower(code): both
PostgreSQL and SQLite support it. Written by hand: autogenerate does not see it, as the
Team model does not declare it (yet).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    clashes = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT lower(code), count(*) FROM team GROUP BY lower(code) HAVING count(*) > 1 ORDER BY lower(code)"
            )
        )
        .all()
    )
    if clashes:
        raise RuntimeError(
            "team codes differing only in case: "
            + ", ".join(f"{code} ({count} teams)" for code, count in clashes)
            + ". Rename all but one of each (admin, Teams) and run the upgrade again."
        )
    op.create_index("uq_team_code_lower", "team", [sa.text("lower(code)")], unique=True)


def downgrade():
    op.drop_index("uq_team_code_lower", table_name="team")
