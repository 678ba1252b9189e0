"""The API's request and response shapes, as pydantic models: spectree validates requests
(and, in tests, responses) against them and builds the OpenAPI document from them."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...models.attempt import ATTEMPT_STATUSES

AttemptStatus = Literal[ATTEMPT_STATUSES]  # type: ignore[valid-type]
InvitationStatus = Literal["pending", "accepted", "revoked", "expired"]
CertificateStatus = Literal["valid", "revoked", "expired"]
PRINTABLE = r"^[^\x00-\x1F\x7F]*$"  # no control characters (PostgreSQL refuses NUL)
Slug = Field(None, pattern=r"^[A-Za-z0-9._-]{1,80}$", description="An assessment's slug.")
Cursor = Field(None, max_length=200, pattern=PRINTABLE,
               description="next_cursor from the previous page.")
Limit = Field(None, ge=1, le=200, description="Items per page (default 50).")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, e.g. unauthorized, insufficient_scope, not_found.")
    message: str
    field: str | None = None


class ErrorOut(BaseModel):
    error: ErrorDetail


class TierOut(BaseModel):
    slug: str
    name: str
    rank: int | None = Field(description="1 is the lowest tier; the blueprint's order.")


class AssessmentOut(BaseModel):
    slug: str
    title: str
    domain: str
    mode: Literal["timed", "practice"]
    version: int
    time_limit_minutes: int | None
    attempts_allowed: int | None = Field(description="null: unlimited.")
    tiers: list[TierOut]


class AssessmentList(BaseModel):
    assessments: list[AssessmentOut]


class InvitationIn(Strict):
    email: str = Field(min_length=3, max_length=254, pattern=PRINTABLE)
    external_id: str = Field(min_length=1, max_length=200, pattern=PRINTABLE,
                             description="Your own id for this person (a worker id).")
    assessment: str | None = Slug
    expires_at: datetime | None = Field(None, description="Default: 14 days; at most 90.")
    send_email: bool = Field(True, description="Mail the one-time link to the person "
                             "(default); false if you send it yourself.")


class InvitationOut(BaseModel):
    id: int
    email: str
    external_id: str
    assessment: str | None
    status: InvitationStatus
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None
    link: str | None = Field(None, description="The one-time link; only when created.")


class InvitationQuery(Strict):
    status: InvitationStatus | None = None
    external_id: str | None = Field(None, max_length=200, pattern=PRINTABLE)
    email: str | None = Field(None, max_length=254, pattern=PRINTABLE)
    cursor: str | None = Cursor
    limit: int | None = Limit


class InvitationPage(BaseModel):
    invitations: list[InvitationOut]
    next_cursor: str | None


class AttemptOut(BaseModel):
    id: int
    external_id: str
    assessment: str
    assessment_version: int
    number: int
    status: AttemptStatus
    score: float | None = Field(description="Overall share of points, 0 to 1, once scored.")
    skills: dict[str, float] = Field(description="Share of points per skill, once scored.")
    tier: TierOut | None
    started_at: datetime
    submitted_at: datetime | None
    scored_at: datetime | None


class AttemptQuery(Strict):
    assessment: str | None = Slug
    status: AttemptStatus | None = None
    since: datetime | None = Field(None, description="Started, submitted or scored since.")
    cursor: str | None = Cursor
    limit: int | None = Limit


class ExportQuery(Strict):
    assessment: str | None = Slug
    status: AttemptStatus | None = None
    since: datetime | None = None


class AttemptPage(BaseModel):
    attempts: list[AttemptOut]
    next_cursor: str | None


class CurrentTier(BaseModel):
    domain: str
    assessment: str
    slug: str
    name: str
    rank: int | None
    certificate: str
    valid_until: datetime | None


class CertificateSummary(BaseModel):
    id: str
    assessment: str
    tier: TierOut | None
    status: CertificateStatus
    valid_from: datetime
    valid_until: datetime | None
    revoked_at: datetime | None
    superseded: bool
    url: str


class CandidateOut(BaseModel):
    external_id: str
    linked_at: datetime
    attempts: list[AttemptOut]
    tiers: list[CurrentTier] = Field(description="Per domain, the highest valid tier.")
    certificates: list[CertificateSummary]


class CertificateOut(CertificateSummary):
    external_id: str
    revocation_reason: str | None
    credential: dict[str, Any] = Field(description="The signed Open Badges 3.0 credential.")


class CertificateQuery(Strict):
    format: Literal["json", "jwt"] | None = Field(
        None, description="jwt: the VC-JWT as application/jwt (or send Accept: "
                          "application/jwt).")
