"""examples/webhook_receiver.py runs, checks assess's signatures, handles a webhook-id once
and maps attempt.scored to a qualification value."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from helpers import FIXED_NOW

from assess.models import OutboxEvent, WebhookEndpoint
from assess.services.webhook_delivery import signed_request
from assess.services.webhooks import new_secret

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "webhook_receiver.py"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _scored(tier_rank: int | None) -> OutboxEvent:
    tier = None if tier_rank is None else {"slug": "specialist", "name": "Specialist",
                                           "rank": tier_rank}
    return OutboxEvent(id=f"msg_{tier_rank}", type="attempt.scored", payload={
        "type": "attempt.scored", "timestamp": "2026-11-23T12:00:00Z",
        "data": {"external_id": "worker-17", "tier": tier, "score": 0.8}})


def test_the_example_receiver_verifies_dedupes_and_maps_the_tier():
    secret, port = new_secret(), _free_port()
    receiver = subprocess.Popen([sys.executable, str(EXAMPLE), str(port)],
                                env={**os.environ, "WEBHOOK_SECRET": secret},
                                stdout=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        endpoint = WebhookEndpoint(secret=secret)
        body, headers = signed_request(endpoint, _scored(2), FIXED_NOW)
        assert httpx.post(url, content=body, headers=headers).status_code == 204
        assert httpx.post(url, content=body, headers=headers).status_code == 204  # a retry
        forged, forged_headers = signed_request(WebhookEndpoint(secret=new_secret()),
                                                _scored(3), FIXED_NOW)
        assert httpx.post(url, content=forged, headers=forged_headers).status_code == 400
        body, headers = signed_request(endpoint, _scored(None), FIXED_NOW)
        assert httpx.post(url, content=body, headers=headers).status_code == 204
    finally:
        receiver.terminate()
        output, _ = receiver.communicate(timeout=10)
    assert output.splitlines() == ['{"worker": "worker-17", "qualification": 20}',
                                   '{"worker": "worker-17", "qualification": 0}']
