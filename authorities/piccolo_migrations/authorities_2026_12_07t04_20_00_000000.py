from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T04:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "An authority's letterhead logo (a stored file)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="authorities", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Authority",
        tablename="authorities_authority",
        column_name="logo_file",
        db_column_name="logo_file",
        column_class_name="Integer",
        column_class=Integer,
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
