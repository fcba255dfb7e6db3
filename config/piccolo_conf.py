"""Piccolo configuration: the engine from the settings and every bounded context as an app."""

from piccolo.conf.apps import AppRegistry

from config.database import create_engine
from config.settings import get_settings

DB = create_engine(get_settings())

APP_REGISTRY = AppRegistry(
    apps=[
        "config.piccolo_app",
        "audit.piccolo_app",
        "authorities.piccolo_app",
        "accounts.piccolo_app",
        "organisations.piccolo_app",
        "documents.piccolo_app",
        "notifications.piccolo_app",
        "jobs.piccolo_app",
        "scoring.piccolo_app",
        "subsidies.piccolo_app",
        "tenders.piccolo_app",
        "portal.piccolo_app",
    ]
)
