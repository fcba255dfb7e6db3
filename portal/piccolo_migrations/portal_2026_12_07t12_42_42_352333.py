from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T12:42:42:352333"
VERSION = "1.38.0"
DESCRIPTION = "a registrant says the organisation is a sole trader (marks a new organisation only)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="portal", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="PortalAccount",
        tablename="portal_account",
        column_name="requested_natural_person",
        db_column_name="requested_natural_person",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
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
