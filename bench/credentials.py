"""Cost of issuing and verifying a certificate, against the bare Ed25519 operation in the
same run: how much RDF canonicalisation (PyLD, RDFC-1.0) adds.

    .venv/bin/python bench/credentials.py [--rounds 200]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from credential_support import ISSUER_ID, NOW, PROFILE, Issued, award  # noqa: E402

from assess.credentials import credential, dataintegrity, issuer, jose  # noqa: E402


def timed(operation, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        operation()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def line(name: str, samples: list[float], baseline: float) -> str:
    median = statistics.median(samples)
    p90 = statistics.quantiles(samples, n=10)[-1]
    return (f"{name:<34} median {median:8.3f} ms   p90 {p90:8.3f}"
            f" ms   {median / baseline:8.1f}× the bare Ed25519 sign")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        issued = Issued(Path(folder))
        key, loader = issued.key, issued.loader
        unsigned = credential.build(PROFILE, award())
        method = issuer.method_id(ISSUER_ID, key.kid)
        message = b"x" * 64
        results = {
            "bare Ed25519 sign (64 bytes)": timed(lambda: key.private.sign(message), rounds),
            "issue: Data Integrity proof": timed(lambda: dataintegrity.sign(
                unsigned, key.private, method, credential.timestamp(NOW), loader), rounds),
            "issue: VC-JWT": timed(lambda: jose.sign(unsigned, key.private, key.kid), rounds),
            "verify: Data Integrity (full)": timed(
                lambda: issued.verify(issued.credential), rounds),
            "verify: VC-JWT (full)": timed(lambda: issued.verify(issued.jwt), rounds),
        }
    baseline = statistics.median(results["bare Ed25519 sign (64 bytes)"])
    print(f"{rounds} rounds each, in one process")
    for name, samples in results.items():
        print(line(name, samples, baseline))


if __name__ == "__main__":
    main()
