import os

from piccolo.conf.apps import AppConfig

from tenders.tables import TABLES

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="tenders",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=TABLES,
    migration_dependencies=[
        "accounts.piccolo_app",
        "authorities.piccolo_app",
        "organisations.piccolo_app",
        "documents.piccolo_app",
    ],
    commands=[],
)
