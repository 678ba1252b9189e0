"""A receiver for assess's webhooks: verify the signature, handle each webhook-id once, and
turn attempt.scored into a qualification value (the tier's rank × 10, as an MTurk-style
integer; 0 without a tier). Run: WEBHOOK_SECRET=whsec_… python webhook_receiver.py 8080"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

WEBHOOK = Webhook(os.environ["WEBHOOK_SECRET"])
SEEN: set[str] = set()  # keep these in your database: a delivery may come more than once


def qualification(tier: dict | None) -> int:
    return 10 * (tier or {}).get("rank", 0)


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        try:
            event = WEBHOOK.verify(body, dict(self.headers))
        except WebhookVerificationError:
            return self.answer(400)
        if self.headers["webhook-id"] not in SEEN and event["type"] == "attempt.scored":
            data = event["data"]  # here: update the worker's qualification on your platform
            print(json.dumps({"worker": data["external_id"],
                              "qualification": qualification(data["tier"])}), flush=True)
        SEEN.add(self.headers["webhook-id"])
        self.answer(204)

    def answer(self, status: int) -> None:
        self.send_response(status)
        self.end_headers()


if __name__ == "__main__":
    HTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 8080),
               Handler).serve_forever()
