"""assess: a screening exam engine for people who review AI answers.

The package itself imports nothing heavy, so the pure layers (``assess.core``,
``assess.items``, ``assess.banks``) load without Flask or SQLAlchemy.
"""


def create_app(test_config=None):
    """The Flask app factory (``flask --app assess`` finds it here); see ``assess.app``."""
    from .app import create_app as build

    return build(test_config)
