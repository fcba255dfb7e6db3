import os

from piccolo.conf.apps import AppConfig

from accounts.tables import LoginThrottle, Membership, User, WebSession

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[User, Membership, WebSession, LoginThrottle],
    migration_dependencies=["authorities.piccolo_app"],
    commands=[],
)
