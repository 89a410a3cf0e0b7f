"""Lane rates: lane_observation, one row per cargo and Moscow day with its route, truck class
and ₽/км, for the market median shown on cards.

Revision ID: 5a7e1c0b9d21
Revises: d7f1e2a3b4c5
Create Date: 2026-12-01 01:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '5a7e1c0b9d21'
down_revision: Union[str, Sequence[str], None] = 'd7f1e2a3b4c5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('lane_observation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cargo_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('seen_day', sa.Date(), nullable=False),
    sa.Column('seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('from_city_id', sa.BigInteger(), nullable=False),
    sa.Column('from_city', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('to_city_id', sa.BigInteger(), nullable=False),
    sa.Column('to_city', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('truck_class', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('per_km', sa.Integer(), nullable=False),
    sa.Column('loading_date', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cargo_id', 'seen_day', name='uq_lane_cargo_day')
    )
    op.create_index('ix_lane_observation_lane', 'lane_observation', ['from_city_id', 'to_city_id', 'seen_day'],
                    unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_lane_observation_lane', table_name='lane_observation')
    op.drop_table('lane_observation')
