from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey

ID = "2026-12-07T12:46:59:653914"
VERSION = "1.38.0"
DESCRIPTION = "index bids and requests to participate by organisation (the portal reads an organisation's)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="tenders", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Candidate",
        tablename="tenders_candidate",
        column_name="organisation",
        db_column_name="organisation",
        params={"index": True},
        old_params={"index": False},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Bid",
        tablename="tenders_bid",
        column_name="organisation",
        db_column_name="organisation",
        params={"index": True},
        old_params={"index": False},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    return manager
