import os

from piccolo.conf.apps import AppConfig

from documents.tables import Blob, BlobChunk, LetterTemplate, StoredFile

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="documents",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[StoredFile, LetterTemplate, Blob, BlobChunk],
    migration_dependencies=["authorities.piccolo_app"],
    commands=[],
)
