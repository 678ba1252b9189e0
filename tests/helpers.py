"""Constants shared by the tests."""
from datetime import datetime, timezone
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
BANKS = Path(__file__).resolve().parents[1] / "question_banks"
FIXED_NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
