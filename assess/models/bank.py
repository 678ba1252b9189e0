"""Banks, rubrics and items. Item and rubric versions are immutable: a changed entry in a bank
file becomes a new version, and attempts point at the exact version they showed."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import JSONType, UTCDateTime


class Bank(db.Model):
    __tablename__ = "banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    source_path: Mapped[str] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())

    items: Mapped[list[Item]] = relationship(back_populates="bank", order_by="Item.slug")
    rubrics: Mapped[list[Rubric]] = relationship(back_populates="bank", order_by="Rubric.slug")


class Rubric(db.Model):
    __tablename__ = "rubrics"
    __table_args__ = (UniqueConstraint("bank_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))

    bank: Mapped[Bank] = relationship(back_populates="rubrics")
    versions: Mapped[list[RubricVersion]] = relationship(
        back_populates="rubric", order_by="RubricVersion.version")

    @property
    def latest(self) -> RubricVersion:
        return self.versions[-1]


class RubricVersion(db.Model):
    __tablename__ = "rubric_versions"
    __table_args__ = (UniqueConstraint("rubric_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id"), index=True)
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    rendered: Mapped[dict[str, str]] = mapped_column(JSONType)
    max_points: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    rubric: Mapped[Rubric] = relationship(back_populates="versions")


class Item(db.Model):
    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("bank_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), index=True)
    slug: Mapped[str] = mapped_column(String(120))
    type: Mapped[str] = mapped_column(String(40))
    retired: Mapped[bool] = mapped_column(default=False)  # gone from the bank file

    bank: Mapped[Bank] = relationship(back_populates="items")
    versions: Mapped[list[ItemVersion]] = relationship(
        back_populates="item", order_by="ItemVersion.version")

    @property
    def latest(self) -> ItemVersion:
        return self.versions[-1]


class ItemVersion(db.Model):
    __tablename__ = "item_versions"
    __table_args__ = (UniqueConstraint("item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSONType)  # the bank entry, gold included
    rendered: Mapped[dict[str, str]] = mapped_column(JSONType)  # applicant-visible Markdown → HTML
    rendered_gold: Mapped[dict[str, str]] = mapped_column(JSONType)  # explanation etc.
    skills: Mapped[list[str]] = mapped_column(JSONType)
    tags: Mapped[list[str]] = mapped_column(JSONType)
    difficulty: Mapped[str | None] = mapped_column(String(16))
    max_points: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    item: Mapped[Item] = relationship(back_populates="versions")
