"""The web layer, one package per audience: ``applicant``, ``grading``, ``admin``,
``public``, ``auth``, ``account`` and ``api`` (the platforms' JSON API); templates mirror it
under ``templates/<audience>/``.

Views parse, authorise, call a service and render; the services own every query and commit.
"""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register every blueprint, the error handlers and the template filters."""
    from . import (
        account,
        admin,
        api,
        applicant,
        auth,
        errors,
        grading,
        headers,
        public,
        static_files,
        templating,
        throttle,
    )

    for blueprint in (auth.bp, account.bp, *applicant.BLUEPRINTS, admin.bp, grading.bp,
                      *public.BLUEPRINTS):
        app.register_blueprint(blueprint)
    auth.init_app(app)
    throttle.init_app(app)
    api.init_app(app)
    headers.init_app(app)
    static_files.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
