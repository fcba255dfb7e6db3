from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T19:13:33:085340"
VERSION = "1.38.0"
DESCRIPTION = "The round's budget line for finance"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="subsidies", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="SubsidyRound",
        tablename="subsidies_round",
        column_name="budget_line",
        db_column_name="budget_line",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 100,
            "default": "",
            "null": False,
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
