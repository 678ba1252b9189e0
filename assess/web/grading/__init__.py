"""The graders' pages and, for leads, adjudication, calibration and appeals. Blind by
construction: nothing here names or links to the applicant."""
from __future__ import annotations

from . import leads, queue, tasks  # noqa: F401 (adds the routes)
from .blueprint import bp

__all__ = ["bp"]
