"""The migrations describe the tables exactly: no table change without its migration."""

from piccolo.apps.migrations.commands.new import AutoMigrationManager
from piccolo.conf.apps import Finder


async def test_no_table_change_is_missing_a_migration():
    pending = {}
    for app_config in Finder().get_app_registry().app_configs.values():
        statements = await AutoMigrationManager(auto_input="y").get_alter_statements(app_config)
        found = [line for group in statements for line in group.statements]
        if found:
            pending[app_config.app_name] = found
    assert not pending, (
        "tables differ from their migrations; run "
        "`PICCOLO_CONF=config.piccolo_conf piccolo migrations new APP --auto`: "
        f"{pending}"
    )
