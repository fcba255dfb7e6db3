import os

from piccolo.conf.apps import AppConfig

from jobs.tables import Job

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="jobs",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[Job],
    migration_dependencies=["accounts.piccolo_app", "documents.piccolo_app"],
    commands=[],
)
