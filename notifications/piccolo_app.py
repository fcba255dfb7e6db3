import os

from piccolo.conf.apps import AppConfig

from notifications.tables import OutboxAttachment, OutboxMessage

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="notifications",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[OutboxMessage, OutboxAttachment],
    migration_dependencies=["documents.piccolo_app"],
    commands=[],
)
