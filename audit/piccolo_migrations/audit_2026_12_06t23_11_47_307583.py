from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-12-06T23:11:47:307583"
VERSION = "1.38.0"
DESCRIPTION = (
    "key the audit chain (HMAC with the audit key; an existing chain is checked, re-keyed once "
    "and the re-keying recorded), drop the head row (signed checkpoints outside the database "
    "replace it), and make audit_event append-only on PostgreSQL"
)

# PostgreSQL: no UPDATE, DELETE or TRUNCATE of audit events, whoever asks. Only the table's
# owner (or a superuser) can disable the trigger; the app's role should be neither (see
# `tenderdesk audit harden`).
APPEND_ONLY = ["""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$
""", """
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()
"""]

DROP_APPEND_ONLY = [
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="audit", description=DESCRIPTION
    )

    async def rekey_and_protect():
        from audit.rekey import rekey_legacy_chain

        await rekey_legacy_chain()
        engine = engine_finder()
        if isinstance(engine, PostgresEngine):
            for statement in APPEND_ONLY:
                await engine.run_ddl(statement)

    async def unprotect():
        engine = engine_finder()
        if isinstance(engine, PostgresEngine):
            for statement in DROP_APPEND_ONLY:
                await engine.run_ddl(statement)

    manager.add_raw(rekey_and_protect)
    manager.add_raw_backwards(unprotect)

    manager.drop_table(
        class_name="AuditHead", tablename="audit_head", schema=None
    )

    return manager
