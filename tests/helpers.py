"""Constants shared by the tests."""
from datetime import datetime, timezone
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
# The shipped banks and blueprints, as a newcomer gets them.
SHIPPED_BANKS = Path(__file__).resolve().parents[1] / "question_banks"
# What most tests import: the starter bank with a fixed screening blueprint (13 items, 30
# minutes), so that tests do not change whenever the shipped content does.
BANKS = Path(__file__).resolve().parent / "fixtures" / "banks"
FIXED_NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
