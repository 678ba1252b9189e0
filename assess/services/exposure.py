"""Item exposure: how often each item, and each version of it, has been shown in attempts.

An item is shown once per attempt that drew it (one ``Response`` row), whether or not the
applicant opened its page; ``opened`` counts the draws whose page was opened. Exposure is read
from the responses, never stored: one grouped query. For admins only, for now.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from ..extensions import db
from ..models import AssessmentVersion, Attempt, Bank, Item, ItemVersion, Response


@dataclass(frozen=True)
class VersionExposure:
    version: int
    shown: int  # drawn into this many attempts
    opened: int  # … of which the applicant opened the item's page
    practice: int  # … of which in practice attempts (which show the key after each check)


@dataclass
class ItemExposure:
    bank: str
    item: str
    type: str
    retired: bool
    versions: list[VersionExposure] = field(default_factory=list)

    @property
    def shown(self) -> int:
        return sum(v.shown for v in self.versions)

    @property
    def opened(self) -> int:
        return sum(v.opened for v in self.versions)

    @property
    def practice(self) -> int:
        return sum(v.practice for v in self.versions)


@dataclass
class BankExposure:
    bank: str
    items: list[ItemExposure] = field(default_factory=list)

    @property
    def shown(self) -> int:
        return sum(i.shown for i in self.items)


def exposure_counts() -> list[BankExposure]:
    """Every imported item version with the number of attempts that showed it, by bank and
    item (items never shown count 0). One grouped query."""
    shown = func.count(Response.id)
    opened = func.count(Response.first_seen_at)
    practice = func.count(case((AssessmentVersion.mode == "practice", Response.id)))
    rows = db.session.execute(
        select(Bank.slug, Item.slug, Item.type, Item.retired, ItemVersion.version,
               shown, opened, practice)
        .select_from(ItemVersion)
        .join(Item, Item.id == ItemVersion.item_id)
        .join(Bank, Bank.id == Item.bank_id)
        .outerjoin(Response, Response.item_version_id == ItemVersion.id)
        .outerjoin(Attempt, Attempt.id == Response.attempt_id)
        .outerjoin(AssessmentVersion, AssessmentVersion.id == Attempt.assessment_version_id)
        .group_by(ItemVersion.id, Bank.slug, Item.slug, Item.type, Item.retired,
                  ItemVersion.version)
        .order_by(Bank.slug, Item.slug, ItemVersion.version)).all()
    banks: dict[str, BankExposure] = {}
    items: dict[tuple[str, str], ItemExposure] = {}
    for bank, slug, kind, retired, version, n_shown, n_opened, n_practice in rows:
        entry = items.get((bank, slug))
        if entry is None:
            entry = items[(bank, slug)] = ItemExposure(bank, slug, kind, retired)
            banks.setdefault(bank, BankExposure(bank)).items.append(entry)
        entry.versions.append(VersionExposure(version, n_shown, n_opened, n_practice))
    return list(banks.values())
