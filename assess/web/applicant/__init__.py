"""The applicant's pages: the catalogue, the exam, results and appeals, their certificates,
and the invitations platforms send."""
from __future__ import annotations

from . import (  # noqa: F401 (adds the routes)
    autosave,
    catalogue,
    certificates,
    invitations,
    results,
    taking,
)
from .blueprints import exam, main

BLUEPRINTS = (main, exam)
