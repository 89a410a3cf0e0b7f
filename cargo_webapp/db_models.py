"""Our tables, visible to Reflex's `reflex db makemigrations` / `reflex db migrate` and to its
schema check at start. The tables themselves live in services/ (no Reflex there).

Reflex registers its own `rx.Model`, whose metadata is SQLModel's shared MetaData; importing
our table modules puts every table there, so nothing more needs registering (registering a
second model makes Reflex copy every table twice, with a warning per table).
"""

from services.infra.tables import table_models

table_models()
