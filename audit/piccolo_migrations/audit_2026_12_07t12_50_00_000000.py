from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-07T12:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "index audit events by (object_type, object_id, action): the portal's inbox reads one "
    "organisation's letters (letter.sent under its lots, tenders, rounds) and downloads by it"
)

# Piccolo declares no index over several columns; the same statement serves both databases.
CREATE = (
    "CREATE INDEX IF NOT EXISTS audit_event_object_action "
    "ON audit_event (object_type, object_id, action)"
)
DROP = "DROP INDEX IF EXISTS audit_event_object_action"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="audit", description=DESCRIPTION
    )

    async def create():
        await engine_finder().run_ddl(CREATE)

    async def drop():
        await engine_finder().run_ddl(DROP)

    manager.add_raw(create)
    manager.add_raw_backwards(drop)

    return manager
