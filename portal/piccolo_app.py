import os

from piccolo.conf.apps import AppConfig

from portal.tables import PortalAccount, PortalMembership

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="portal",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[PortalAccount, PortalMembership],
    migration_dependencies=["organisations.piccolo_app"],
    commands=[],
)
