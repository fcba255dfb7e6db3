"""Configuration: settings, database, the app factory, the CLI and the scheduler wiring."""

import os

# Piccolo finds its engine and apps through this module; set it before any table is queried.
os.environ.setdefault("PICCOLO_CONF", "config.piccolo_conf")
