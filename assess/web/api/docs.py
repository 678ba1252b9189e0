"""The OpenAPI document at /api/v1/openapi.json, and a reference page drawn from it on the
server (/api/v1/docs): no script, nothing loaded from elsewhere."""
from __future__ import annotations

import copy
import re
from typing import Any

from flask import current_app, jsonify, render_template

from .blueprint import bp
from .spec import api_spec
from .webhook_schemas import event_schemas

PREFIX = "/api/v1"
TEXT = {"schema": {"type": "string"}}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "Repeat a POST safely: the same key and body replay the first answer "
                   "(with Idempotent-Replayed: true) for 24 hours; another body is a 409.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255}}
# What spectree cannot say: bodies that are not JSON.
OTHER_CONTENT = {
    (f"{PREFIX}/certificates/{{public_id}}", "get"): ("200", {"application/jwt": TEXT}),
    (f"{PREFIX}/exports/results.csv", "get"): ("200", {"text/csv": TEXT}),
    (f"{PREFIX}/exports/results.jsonl", "get"): ("200", {"application/jsonl": TEXT}),
}


def openapi_document() -> dict[str, Any]:
    document = copy.deepcopy(api_spec.spec)
    for (path, method), (status, content) in OTHER_CONTENT.items():
        operation = document["paths"][path][method]
        answer = operation["responses"].setdefault(status, {"description": "OK"})
        answer.setdefault("content", {}).update(content)
    webhooks, schemas = event_schemas()  # spectree documents routes only
    document["webhooks"] = webhooks
    document.setdefault("components", {}).setdefault("schemas", {}).update(
        {name: schema for name, schema in schemas.items()
         if name not in document["components"]["schemas"]})
    for rule in current_app.url_map.iter_rules():
        scope = getattr(current_app.view_functions[rule.endpoint], "api_scope", None)
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method, operation in document["paths"].get(path, {}).items():
            if method.upper() not in rule.methods:
                continue
            if scope:
                operation["security"] = [{"bearer": [scope]}]
                operation["x-required-scope"] = scope
                described = operation.get("description")
                operation["description"] = (f"{described}\n\n" if described else "") + \
                    f"Requires the scope `{scope}`."
            if method == "post":
                operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
    return document


@bp.get("/openapi.json")
def openapi_json():
    response = jsonify(openapi_document())
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/docs")
def docs():
    document = openapi_document()
    return render_template("api/docs.html", doc=document,
                           schemas=document.get("components", {}).get("schemas", {}))
