from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T03:06:22:332681"
VERSION = "1.38.0"
DESCRIPTION = "a round keeps the moment its window was due to close"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="subsidies", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="SubsidyRound",
        tablename="subsidies_round",
        column_name="window_close_due_at",
        db_column_name="window_close_due_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
