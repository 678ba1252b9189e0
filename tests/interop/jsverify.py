"""Run Digital Bazaar's JavaScript verifier (interop/verify.mjs) on one credential.

An implementation nobody here wrote: @digitalbazaar/vc 7 with DataIntegrityProof and the
eddsa-rdfc-2022 cryptosuite, @digitalbazaar/vc-bitstring-status-list for credentialStatus,
offline document loader. Install it with
`npm ci --prefix interop --no-audit --no-fund`; tests skip (with the reason) without it.
"""
from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
INTEROP = REPO / "interop"
VERIFY_SCRIPT = INTEROP / "verify.mjs"
INSTALL_COMMAND = "npm ci --prefix interop --no-audit --no-fund"
TIMEOUT_SECONDS = 60
MIN_NODE_MAJOR = 18


@functools.lru_cache(maxsize=1)
def skip_reason() -> str | None:
    """Why the JavaScript verifier cannot run here, or None when it can."""
    node = shutil.which("node")
    if node is None:
        return "node is not installed: Digital Bazaar interop checks need Node.js >= 18"
    try:
        version = subprocess.run([node, "--version"], capture_output=True, text=True,
                                 timeout=TIMEOUT_SECONDS, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError) as error:
        return f"`node --version` failed: {error}"
    match = re.match(r"v(\d+)\.", version)
    if match is None or int(match.group(1)) < MIN_NODE_MAJOR:
        return f"node {version} is too old: Digital Bazaar's verifier needs Node.js >= 18"
    for package in ("vc", "vc-bitstring-status-list"):
        if not (INTEROP / "node_modules" / "@digitalbazaar" / package / "package.json").is_file():
            return f"interop/node_modules is not installed or is out of date: run " \
                   f"`{INSTALL_COMMAND}`"
    return None


def js_verify(credential: dict[str, Any], documents: dict[str, Any],
              now: str | None = None) -> dict[str, Any]:
    """Verify `credential` with interop/verify.mjs.

    `documents` maps URL -> JSON document for the offline document loader (the issuer's
    controller document, optionally the key document, and the status list credential a
    credentialStatus names); `now` is an ISO 8601 date-time used instead of the clock for
    the validFrom/validUntil checks.
    Returns {"verified": bool, "errors": [str, ...]}, plus "status": [{"statusPurpose",
    "statusListIndex", "statusListCredential", "set"}, ...] when a status was checked;
    raises RuntimeError when the script itself fails (no verdict).
    """
    node = shutil.which("node")
    if node is None:
        raise RuntimeError(skip_reason() or "node is not installed")
    request: dict[str, Any] = {"credential": credential, "documents": documents}
    if now is not None:
        request["now"] = now
    completed = subprocess.run([node, str(VERIFY_SCRIPT)], input=json.dumps(request),
                               capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                               cwd=INTEROP)
    if completed.returncode != 0:
        raise RuntimeError(f"verify.mjs exited {completed.returncode}: "
                           f"{completed.stderr.strip() or completed.stdout.strip()}")
    lines = [line for line in completed.stdout.splitlines() if line.strip()]
    if not lines:
        raise RuntimeError(f"verify.mjs printed no verdict; stderr: {completed.stderr.strip()}")
    verdict = json.loads(lines[-1])
    if not isinstance(verdict.get("verified"), bool) or not isinstance(verdict.get("errors"), list):
        raise RuntimeError(f"verify.mjs printed an unexpected verdict: {lines[-1]}")
    return verdict
