"""Driver preferences in the database: driver_preference (the feed's last filters and the last
phone a response carried, one JSON document per driver and name), so a restart without Redis
keeps them.

Revision ID: d7f1e2a3b4c5
Revises: 427ded916c1e
Create Date: 2026-12-01 01:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = 'd7f1e2a3b4c5'
down_revision: Union[str, Sequence[str], None] = '427ded916c1e'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('driver_preference',
    sa.Column('driver_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('driver_id', 'name')
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('driver_preference')
