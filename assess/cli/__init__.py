"""`flask --app assess …` commands, one module per command group. Each command parses its
options, calls a service and prints the result.

banks         validate, import (``banks``); from-dataset (``importers``); to-qti (``qti``)
users         create, create-admin, accommodate
keys          generate, list
certificates  issue-pending, revoke
jobs          worker
regrade, sweep, demo
platforms     create, list; api-keys create, rotate, revoke, list
"""
from __future__ import annotations

from flask import Flask

from .banks import banks_cli
from .certificates import certificates_cli
from .demo import demo_command
from .importers import from_dataset_command
from .jobs import jobs_cli
from .keys import keys_cli
from .platforms import api_keys_cli, platforms_cli
from .qti import to_qti_command
from .regrade import regrade_command
from .sweep import sweep_command
from .users import users_cli

__all__ = ["register_cli"]


def register_cli(app: Flask) -> None:
    app.cli.add_command(keys_cli)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(regrade_command)
    app.cli.add_command(sweep_command)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(banks_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(platforms_cli)
    app.cli.add_command(api_keys_cli)
    banks_cli.add_command(from_dataset_command)
    banks_cli.add_command(to_qti_command)
