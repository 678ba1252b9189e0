"""Pure domain logic: no Flask, no SQLAlchemy, no clock. ``now`` and seeds are passed in."""
