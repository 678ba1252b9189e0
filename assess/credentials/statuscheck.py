"""Checking a credential's ``credentialStatus`` (W3C Bitstring Status List v1.0, §3.2):
fetch each status list credential through the document loader, check that the credential's
issuer published it and signed it, and read the credential's bit.

A list that cannot be fetched, read or trusted makes the status unknown, never "not
revoked": a verifier that cannot see the list cannot say the credential stands.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from . import status
from .documents import Loader
from .structure import types_of

Prove = Callable[[Mapping[str, Any]], "str | None"]  # a list credential -> why its proof fails
BLOCKING_PURPOSES = {"revocation": "revoked", "suspension": "suspended"}
SEVERITY = ("revoked", "malformed", "status_unknown")


@dataclass(frozen=True)
class Finding:
    status: str  # "ok", or one of SEVERITY
    reason: str = ""
    checked: bool = False  # a status list was read (not only statuses of other types)


@dataclass
class _Check:
    issuer_id: str | None
    now: datetime
    loader: Loader
    prove: Prove
    warnings: list[str] = field(default_factory=list)
    lists: dict[str, Mapping[str, Any] | Finding] = field(default_factory=dict)


def check(credential: Mapping[str, Any], issuer_id: str | None, now: datetime, loader: Loader,
          prove: Prove, warnings: list[str]) -> Finding:
    """The worst finding over every status entry; warnings are appended to ``warnings``."""
    entries = credential.get("credentialStatus")
    if entries is None:
        return Finding("ok")
    entries = entries if isinstance(entries, list) else [entries]
    run = _Check(issuer_id, now, loader, prove, warnings)
    findings = [_entry(value, f"credentialStatus[{i}]" if len(entries) > 1 else
                       "credentialStatus", run) for i, value in enumerate(entries)]
    for severity in SEVERITY:
        found = next((f for f in findings if f.status == severity), None)
        if found is not None:
            return found
    return Finding("ok", checked=any(finding.checked for finding in findings))


def _entry(value: Any, label: str, run: _Check) -> Finding:
    if not isinstance(value, Mapping):
        return Finding("malformed", f"{label}: not an object")
    if value.get("type") != status.ENTRY_TYPE:
        run.warnings.append(f"{label}: a status of type {value.get('type')!r} is not checked "
                            f"here (only {status.ENTRY_TYPE} is)")
        return Finding("ok")
    purpose, url = value.get("statusPurpose"), value.get("statusListCredential")
    index = _index(value.get("statusListIndex"))
    if not isinstance(purpose, str) or not isinstance(url, str) or index is None:
        return Finding("malformed", f"{label}: a {status.ENTRY_TYPE} needs a statusPurpose, "
                       "a statusListCredential URL and a statusListIndex (a whole number)")
    if value.get("statusSize", 1) not in (1, "1"):
        return Finding("status_unknown", f"{label}: statusSize {value.get('statusSize')!r} "
                       "is not supported (only 1 bit per entry)")
    listed = run.lists.get(url)
    if listed is None:
        listed = run.lists[url] = _status_list(url, run)
    if isinstance(listed, Finding):
        return listed
    if purpose not in types_of(listed["credentialSubject"].get("statusPurpose")):
        return Finding("status_unknown", f"{label}: the status list {url} is not for the "
                       f"purpose {purpose!r}")
    return _bit(listed, url, index, purpose, label, run)


def _bit(listed: Mapping[str, Any], url: str, index: int, purpose: str, label: str,
         run: _Check) -> Finding:
    try:
        bits = status.decode(listed["credentialSubject"].get("encodedList"))
    except status.StatusListError as exc:
        return Finding("status_unknown", f"the status list {url}: {exc}")
    if index >= len(bits) * 8:
        return Finding("status_unknown", f"{label}: index {index} is beyond the status list "
                       f"{url} ({len(bits) * 8} entries)")
    if len(bits) * 8 < status.MIN_SIZE:
        run.warnings.append(f"the status list {url} has {len(bits) * 8} entries, fewer than "
                            f"the {status.MIN_SIZE} the specification asks for herd privacy")
    if not status.is_set(bits, index):
        return Finding("ok", checked=True)
    if purpose in BLOCKING_PURPOSES:
        return Finding("revoked", f"{BLOCKING_PURPOSES[purpose]} by the issuer: its status "
                       f"list {url} sets index {index}")
    run.warnings.append(f"{label}: the status list {url} sets the {purpose!r} bit, which "
                        "this verifier does not interpret")
    return Finding("ok", checked=True)


def _status_list(url: str, run: _Check) -> Mapping[str, Any] | Finding:
    """The fetched, checked status list credential, or why it cannot be used."""
    unknown = "the revocation status cannot be checked: "
    try:
        document = run.loader(url)["document"]
    except Exception as exc:  # noqa: BLE001 - whatever a loader raises, the list is unreachable
        return Finding("status_unknown", f"{unknown}the status list {url} could not be "
                       f"fetched ({exc})")
    if not isinstance(document, Mapping) or \
            status.LIST_CREDENTIAL_TYPE not in types_of(document.get("type")) or \
            not isinstance(document.get("credentialSubject"), Mapping) or \
            status.LIST_TYPE not in types_of(document["credentialSubject"].get("type")):
        return Finding("status_unknown", f"{unknown}{url} is not a "
                       f"{status.LIST_CREDENTIAL_TYPE} with a {status.LIST_TYPE} subject")
    issuer = document.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    if issuer != run.issuer_id:
        return Finding("status_unknown", f"{unknown}the status list {url} is issued by "
                       f"{issuer!r}, not by the credential's issuer {run.issuer_id!r}")
    problem = run.prove(document)
    if problem is not None:
        return Finding("status_unknown", f"{unknown}the status list {url} is not "
                       f"verified: {problem}")
    dated = _dates_problem(document, run.now)
    if dated is not None:
        return Finding("status_unknown", f"{unknown}the status list {url} {dated}")
    return document


def _dates_problem(document: Mapping[str, Any], now: datetime) -> str | None:
    start, end = moment_of(document.get("validFrom")), moment_of(document.get("validUntil"))
    if start is not None and start > now:
        return f"is valid only from {start:%d %b %Y %H:%M} UTC"
    if end is not None and end <= now:
        return f"expired on {end:%d %b %Y %H:%M} UTC"
    return None


def _index(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


def moment_of(value: Any) -> datetime | None:
    """An ISO 8601 date-time, made aware (UTC when it names no zone); None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
