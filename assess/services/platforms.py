"""Platforms: registering one, listing them with their keys."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Platform
from . import ServiceError
from .accounts import EMAIL, normalise_email

MAX_NAME = 120


def create_platform(name: str, contact_email: str, now: datetime) -> Platform:
    name = " ".join((name or "").split())
    email = normalise_email(contact_email)
    if not name or len(name) > MAX_NAME or not name.isprintable():
        raise ServiceError(f"Give the platform a name of 1 to {MAX_NAME} characters.",
                           field="name")
    if not EMAIL.match(email) or len(email) > 254 or not email.isprintable():
        raise ServiceError("Enter a valid contact email address.", field="contact_email")
    if db.session.scalar(select(Platform.id).where(Platform.name == name)) is not None:
        raise ServiceError(f"A platform named {name!r} already exists.", code="name_taken",
                           field="name")
    platform = Platform(name=name, contact_email=email, created_at=now)
    db.session.add(platform)
    db.session.commit()
    return platform


def platforms() -> list[Platform]:
    """Every platform with its keys (newest last), by name."""
    return list(db.session.scalars(select(Platform).options(selectinload(Platform.keys))
                                   .order_by(Platform.name)))


def platform(platform_id: int) -> Platform:
    found = db.session.get(Platform, platform_id)
    if found is None:
        raise ServiceError("No such platform.", code="not_found")
    return found


def by_name(name: str) -> Platform:
    found = db.session.scalar(select(Platform).where(Platform.name == " ".join(name.split())))
    if found is None:
        raise ServiceError(f"No platform named {name!r}.", code="not_found")
    return found
