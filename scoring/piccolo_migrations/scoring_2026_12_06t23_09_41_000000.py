from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-06T23:09:41:000000"
VERSION = "1.38.0"
DESCRIPTION = ("two-envelope evaluations made final before the four-eyes price opening existed "
               "keep their prices open, as of the moment quality was made final")


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="scoring", description=DESCRIPTION
    )

    async def opened_before():
        """Until now the prices of a two-envelope evaluation opened when quality was made
        final (raw steps run before a migration's column changes: hence a migration of its
        own, after the one adding the column)."""
        await engine_finder().run_ddl(
            "UPDATE scoring_evaluation SET prices_opened_at = quality_final_at "
            "WHERE two_envelope = TRUE AND quality_final_at IS NOT NULL"
        )

    manager.add_raw(opened_before)

    return manager
