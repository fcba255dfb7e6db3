import os

from piccolo.conf.apps import AppConfig

from scoring.tables import TABLES

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="scoring",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=TABLES,
    migration_dependencies=["accounts.piccolo_app", "authorities.piccolo_app"],
    commands=[],
)
