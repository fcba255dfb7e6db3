import os

from piccolo.conf.apps import AppConfig

from subsidies.tables import TABLES

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="subsidies",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=TABLES,
    migration_dependencies=[
        "authorities.piccolo_app",
        "organisations.piccolo_app",
        "documents.piccolo_app",
    ],
    commands=[],
)
