"""The web layer, one package per audience: ``applicant``, ``grading``, ``admin``,
``public``, ``auth`` and ``api`` (the platforms' JSON API); templates mirror it under
``templates/<audience>/``.

Views parse, authorise, call a service and render; the services own every query and commit.
"""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register every blueprint, the error handlers and the template filters."""
    from . import admin, api, applicant, auth, errors, grading, public, templating

    for blueprint in (auth.bp, *applicant.BLUEPRINTS, admin.bp, grading.bp,
                      *public.BLUEPRINTS):
        app.register_blueprint(blueprint)
    api.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
