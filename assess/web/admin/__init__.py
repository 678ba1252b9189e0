"""Administration: accounts and accommodations, assessments and their reports, regrading,
certificates and revocation, platforms and their API keys."""
from __future__ import annotations

from . import (  # noqa: F401
    accounts,
    assessments,
    certificates,
    item_analysis,
    platforms,
    regrading,
    users,
)
from .blueprint import bp

__all__ = ["bp"]
