"""The applicant's pages: the catalogue, the exam, results and appeals, their certificates."""
from __future__ import annotations

from . import autosave, catalogue, certificates, results, taking  # noqa: F401 (adds the routes)
from .blueprints import exam, main

BLUEPRINTS = (main, exam)
