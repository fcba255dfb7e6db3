from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T15:47:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes over several columns (one score per sheet, subject, criterion)"

UNIQUE_INDEXES = [
    ("scoring_subject_ref_uq", "scoring_subject", ("evaluation", "ref")),
    ("scoring_subject_code_uq", "scoring_subject", ("evaluation", "code")),
    ("scoring_assignment_evaluator_uq", "scoring_assignment", ("evaluation", "evaluator")),
    ("scoring_declaration_uq", "scoring_declaration", ("assignment", "subject")),
    ("scoring_score_uq", "scoring_score", ("assignment", "subject", "criterion")),
    ("scoring_consensus_uq", "scoring_consensus", ("subject", "criterion")),
]


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="scoring", description=DESCRIPTION
    )

    async def create():
        engine = engine_finder()
        for name, table, columns in UNIQUE_INDEXES:
            await engine.run_ddl(
                f'CREATE UNIQUE INDEX "{name}" ON "{table}" ({", ".join(columns)})'
            )

    async def drop():
        engine = engine_finder()
        for name, _, _ in UNIQUE_INDEXES:
            await engine.run_ddl(f'DROP INDEX "{name}"')

    manager.add_raw(create)
    manager.add_raw_backwards(drop)

    return manager
