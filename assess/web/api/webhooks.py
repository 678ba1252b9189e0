"""Webhook endpoints over the API (scope webhooks:manage)."""
from __future__ import annotations

from flask import jsonify

from ... import clock
from ...services import webhooks as service
from .auth import api_call, caller
from .blueprint import bp
from .replay import reply_of, request_idempotency
from .spec import api_spec, responses
from .webhook_schemas import (
    DeliveryQuery,
    WebhookDeliveryOut,
    WebhookDeliveryPage,
    WebhookEndpointChange,
    WebhookEndpointIn,
    WebhookEndpointList,
    WebhookEndpointOut,
    WebhookPingOut,
)

TAGS = ("webhooks",)
SCOPE = "webhooks:manage"


@bp.post("/webhook-endpoints")
@api_call(SCOPE)
@api_spec.validate(json=WebhookEndpointIn, tags=TAGS,
                   resp=responses(HTTP_201=WebhookEndpointOut, conflict=True))
def create_webhook_endpoint(json: WebhookEndpointIn):
    """Register an endpoint: 201 with its signing secret, shown this once."""
    return reply_of(service.create(caller(), json.url, list(json.events), clock.now(),
                                 request_idempotency()))


@bp.get("/webhook-endpoints")
@api_call(SCOPE)
@api_spec.validate(tags=TAGS, resp=responses(HTTP_200=WebhookEndpointList))
def list_webhook_endpoints():
    """Your endpoints (without their secrets)."""
    return jsonify(endpoints=service.listing(caller()))


@bp.patch("/webhook-endpoints/<int:endpoint_id>")
@api_call(SCOPE)
@api_spec.validate(json=WebhookEndpointChange, tags=TAGS,
                   resp=responses(HTTP_200=WebhookEndpointOut, not_found=True))
def change_webhook_endpoint(endpoint_id: int, json: WebhookEndpointChange):
    """Change an endpoint's URL or events, or disable or enable it."""
    return jsonify(service.change(caller(), endpoint_id, url=json.url,
                                  events=None if json.events is None else list(json.events),
                                  enabled=json.enabled))


@bp.delete("/webhook-endpoints/<int:endpoint_id>")
@api_call(SCOPE)
@api_spec.validate(tags=TAGS, resp=responses(HTTP_204=None, not_found=True))
def delete_webhook_endpoint(endpoint_id: int):
    """Delete an endpoint and its pending deliveries."""
    service.remove(caller(), endpoint_id)
    return "", 204


@bp.post("/webhook-endpoints/<int:endpoint_id>/rotate-secret")
@api_call(SCOPE)
@api_spec.validate(tags=TAGS, resp=responses(HTTP_200=WebhookEndpointOut, not_found=True,
                                             conflict=True))
def rotate_webhook_secret(endpoint_id: int):
    """A new signing secret, shown once; the old one also signs for 24 hours."""
    return reply_of(service.rotate_secret(caller(), endpoint_id, clock.now(),
                                          request_idempotency()))


@bp.post("/webhook-endpoints/<int:endpoint_id>/test")
@api_call(SCOPE)
@api_spec.validate(tags=TAGS, resp=responses(HTTP_202=WebhookPingOut, not_found=True,
                                             conflict=True))
def ping_webhook_endpoint(endpoint_id: int):
    """Send a webhook.test event to this endpoint (409 when it is disabled)."""
    return reply_of(service.ping(caller(), endpoint_id, clock.now(), request_idempotency()))


@bp.get("/webhook-endpoints/<int:endpoint_id>/deliveries")
@api_call(SCOPE)
@api_spec.validate(query=DeliveryQuery, tags=TAGS,
                   resp=responses(HTTP_200=WebhookDeliveryPage, not_found=True))
def list_webhook_deliveries(endpoint_id: int, query: DeliveryQuery):
    """An endpoint's deliveries, oldest first, a page at a time."""
    page = service.deliveries(caller(), endpoint_id, cursor=query.cursor, limit=query.limit)
    return jsonify(deliveries=page.items, next_cursor=page.next_cursor)


@bp.post("/webhook-deliveries/<int:delivery_id>/replay")
@api_call(SCOPE)
@api_spec.validate(tags=TAGS, resp=responses(HTTP_202=WebhookDeliveryOut, not_found=True,
                                             conflict=True))
def replay_webhook_delivery(delivery_id: int):
    """Send a delivery again, with a fresh schedule of retries (409 if its endpoint is
    disabled)."""
    return reply_of(service.replay_delivery(caller(), delivery_id, clock.now(),
                                            request_idempotency()))
