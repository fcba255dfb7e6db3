import os

from piccolo.conf.apps import AppConfig

from config.tables import KeyFingerprint

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="config",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[KeyFingerprint],
    migration_dependencies=[],
    commands=[],
)
