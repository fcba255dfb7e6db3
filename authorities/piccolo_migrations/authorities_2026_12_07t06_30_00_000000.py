from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T06:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "A service type's name in Danish, Polish and Swedish (empty: the English name)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="authorities", description=DESCRIPTION
    )

    for language in ("da", "pl", "sv"):
        manager.add_column(
            table_class_name="ServiceType",
            tablename="authorities_service_type",
            column_name=f"name_{language}",
            db_column_name=f"name_{language}",
            column_class_name="Varchar",
            column_class=Varchar,
            params={
                "length": 120,
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
