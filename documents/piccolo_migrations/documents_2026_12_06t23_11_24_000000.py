from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-12-06T23:11:24:000000"
VERSION = "1.38.0"
DESCRIPTION = "one chunk per blob and position; chunks stored uncompressed on PostgreSQL"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="documents", description=DESCRIPTION
    )

    async def create():
        engine = engine_finder()
        await engine.run_ddl('CREATE UNIQUE INDEX "documents_blob_chunk_uq" '
                             'ON "documents_blob_chunk" (blob, seq)')
        if isinstance(engine, PostgresEngine):
            # Files are mostly compressed already (docx, xlsx, pdf, zip): keep the chunk rows
            # (small enough for a page) in the table, without trying to compress them again
            # and without TOAST (see documents.blobs.ROW_BYTES).
            await engine.run_ddl('ALTER TABLE "documents_blob_chunk" ALTER COLUMN data '
                                 "SET STORAGE PLAIN")

    async def drop():
        await engine_finder().run_ddl('DROP INDEX "documents_blob_chunk_uq"')

    manager.add_raw(create)
    manager.add_raw_backwards(drop)

    return manager
