"""The webhook shapes: managing endpoints over the API, and the events assess sends (listed
in the document's OpenAPI 3.1 ``webhooks`` section by ``docs``)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from ...services.outbox import EVENT_TYPES
from .schemas import PRINTABLE, Cursor, Limit, Strict, TierOut

EventType = Literal[EVENT_TYPES]  # type: ignore[valid-type]
Url = Field(min_length=8, max_length=2000, pattern=r"^https?://[^\x00-\x20\x7F]+$",
            description="Where to POST events: http or https, a public address.")
Events = Field(min_length=1, max_length=len(EVENT_TYPES),
               description="The event types to send.")


class WebhookEndpointIn(Strict):
    url: str = Url
    events: list[EventType] = Events


class WebhookEndpointChange(Strict):
    url: str | None = Field(None, min_length=8, max_length=2000,
                            pattern=r"^https?://[^\x00-\x20\x7F]+$")
    events: list[EventType] | None = Field(None, min_length=1, max_length=len(EVENT_TYPES))
    enabled: bool | None = Field(None, description="false pauses it; true enables it again "
                                                   "(also after a 410 disabled it).")


class WebhookEndpointOut(BaseModel):
    id: int
    url: str
    events: list[str]
    enabled: bool
    disabled_reason: str | None
    created_at: datetime
    previous_secret_until: datetime | None = Field(
        description="After a rotation, the old secret also signs until then.")
    secret: str | None = Field(None, description="whsec_…: only when created or rotated.")


class WebhookEndpointList(BaseModel):
    endpoints: list[WebhookEndpointOut]


class WebhookPingOut(BaseModel):
    event_id: str = Field(description="The webhook-id of the webhook.test event.")


class WebhookDeliveryOut(BaseModel):
    id: int
    event_id: str
    event_type: str
    endpoint_id: int
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


class WebhookDeliveryPage(BaseModel):
    deliveries: list[WebhookDeliveryOut]
    next_cursor: str | None


class DeliveryQuery(Strict):
    cursor: str | None = Cursor
    limit: int | None = Limit


# ---- the events (not validated: documented) ---------------------------------------------------

class InvitationAcceptedData(BaseModel):
    external_id: str
    invitation_id: int
    assessment: str | None
    accepted_at: datetime


class AttemptEventData(BaseModel):
    external_id: str
    attempt_id: int
    assessment: str
    assessment_version: int
    number: int
    status: str
    score: float | None = Field(description="Overall share of points, 0 to 1, once scored.")
    skills: dict[str, float]
    tier: TierOut | None = Field(description="With its numeric rank, as the API reports it.")
    submitted_at: datetime | None
    scored_at: datetime | None
    rescored: bool | None = Field(None, description="attempt.scored: true for a rescore.")


class CertificateEventData(BaseModel):
    external_id: str
    certificate_id: str
    attempt_id: int
    assessment: str | None
    tier: TierOut | None
    valid_from: datetime
    valid_until: datetime | None
    url: str
    revoked_at: datetime | None = Field(None, description="certificate.revoked only.")
    reason: str | None = Field(None, description="certificate.revoked only.")


class AppealDecidedData(BaseModel):
    external_id: str
    appeal_id: int
    attempt_id: int
    assessment: str
    part: str
    decision: Literal["changed", "upheld"]
    decided_at: datetime


class WebhookTestData(BaseModel):
    endpoint_id: int


EVENT_DATA: dict[str, tuple[type[BaseModel], str]] = {
    "invitation.accepted": (InvitationAcceptedData, "A person accepted your invitation: "
                            "their account is now linked to your external_id."),
    "attempt.submitted": (AttemptEventData, "A candidate's attempt was submitted (or closed "
                          "at its deadline)."),
    "attempt.scored": (AttemptEventData, "An attempt was scored, or rescored with another "
                       "score or tier (rescored: true)."),
    "certificate.issued": (CertificateEventData, "A signed certificate was issued."),
    "certificate.revoked": (CertificateEventData, "A certificate was revoked (by an admin, or "
                            "superseded or undone by a rescore)."),
    "appeal.decided": (AppealDecidedData, "An appeal of a written grade was decided."),
    "webhook.test": (WebhookTestData, "A ping sent by POST /webhook-endpoints/{id}/test."),
}


def event_schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    """The OpenAPI ``webhooks`` section and the component schemas it refers to."""
    components: dict[str, Any] = {}
    webhooks: dict[str, Any] = {}
    ref = "#/components/schemas/{model}"
    for name, (model, summary) in EVENT_DATA.items():
        schema = model.model_json_schema(ref_template=ref)
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema
        body = {"type": "object", "required": ["type", "timestamp", "data"], "properties": {
            "type": {"const": name}, "timestamp": {"type": "string", "format": "date-time"},
            "data": {"$ref": ref.format(model=model.__name__)}}}
        webhooks[name] = {"post": {
            "summary": summary, "operationId": f"webhook_{name.replace('.', '_')}",
            "description": SIGNED, "parameters": HEADERS,
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": body}}},
            "responses": {"2XX": {"description": "Received (anything else is retried)."},
                          "410": {"description": "Gone: the endpoint is disabled."}}}}
    return webhooks, components


SIGNED = ("Signed by Standard Webhooks: verify webhook-signature (HMAC-SHA256 of "
          "`{webhook-id}.{webhook-timestamp}.{body}` with your endpoint's secret) and dedupe "
          "on webhook-id, as a delivery may come more than once.")
HEADERS = [{"name": name, "in": "header", "required": True, "description": text,
            "schema": {"type": "string", "pattern": PRINTABLE}} for name, text in (
    ("webhook-id", "msg_…: the event's id, the same on every retry."),
    ("webhook-timestamp", "Seconds since the epoch when this try was sent."),
    ("webhook-signature", "v1,<base64>; two, space-separated, while a rotated secret "
                          "overlaps."))]
