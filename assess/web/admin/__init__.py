"""Administration: accounts and accommodations, assessments and their reports, regrading,
certificates and revocation."""
from __future__ import annotations

from . import accounts, assessments, certificates, item_analysis, regrading  # noqa: F401
from .blueprint import bp

__all__ = ["bp"]
