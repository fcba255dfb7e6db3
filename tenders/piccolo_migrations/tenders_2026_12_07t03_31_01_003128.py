from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T03:31:01:003128"
VERSION = "1.38.0"
DESCRIPTION = "A lot's award intent describes the winning bid's relative advantages"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="tenders", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Lot",
        tablename="tenders_lot",
        column_name="intent_advantages",
        db_column_name="intent_advantages",
        column_class_name="Text",
        column_class=Text,
        params={
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
