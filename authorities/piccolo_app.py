import os

from piccolo.conf.apps import AppConfig

from authorities.tables import Authority, ServiceType

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="authorities",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[Authority, ServiceType],
    migration_dependencies=[],
    commands=[],
)
