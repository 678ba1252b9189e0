"""What anyone may open without signing in: certificate pages and documents, the issuer and
its keys, its revocation status lists, verification, and the health check."""
from __future__ import annotations

from . import certificates, issuer, status, verify  # noqa: F401 (adds the routes)
from .blueprint import bp
from .health import bp as health_bp

BLUEPRINTS = (bp, health_bp)
