from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T19:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes over several columns (a reference per round, a line per application)"

UNIQUE_INDEXES = [
    ("subsidies_application_reference_uq", "subsidies_application", ("round", "reference")),
    ("subsidies_allocation_line_uq", "subsidies_allocation_line", ("round", "application")),
]


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="subsidies", description=DESCRIPTION
    )

    async def create():
        engine = engine_finder()
        for name, table, columns in UNIQUE_INDEXES:
            await engine.run_ddl(
                f'CREATE UNIQUE INDEX "{name}" ON "{table}" ({", ".join(columns)})'
            )

    async def drop():
        engine = engine_finder()
        for name, _, _ in UNIQUE_INDEXES:
            await engine.run_ddl(f'DROP INDEX "{name}"')

    manager.add_raw(create)
    manager.add_raw_backwards(drop)

    return manager
