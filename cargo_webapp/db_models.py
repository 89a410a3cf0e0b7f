"""Our tables, registered with Reflex's model registry so that `reflex db makemigrations` and
`reflex db migrate` see them. The tables themselves live in services/ (no Reflex there)."""

import reflex as rx

from services.db import table_models

# Every SQLModel table shares SQLModel.metadata, which the registry hands to alembic when one
# model is registered; registering each table would copy the metadata once per table.
rx.ModelRegistry.register(table_models()[0])
