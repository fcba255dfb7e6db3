from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-06T23:09:41:171386"
VERSION = "1.38.0"
DESCRIPTION = ("the envelope of a bid's document: quality (opened with the bids) or price "
               "(two envelopes: opened with the prices)")


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="tenders", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="BidFile",
        tablename="tenders_bid_file",
        column_name="envelope",
        db_column_name="envelope",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 10,
            "default": "quality",
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
