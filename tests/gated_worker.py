"""A job worker whose certificate signing waits at a gate, for the crash test in
tests/services/test_jobs.py: ``python tests/gated_worker.py GATE_DIR`` (configured by the
ASSESS_* environment, one worker thread, no periodic jobs).

Each time a signing starts (inside the job's transaction, the attempt locked) it adds a line
to GATE_DIR/started, then waits for as long as GATE_DIR/hold exists."""
from __future__ import annotations

import sys
import time
from pathlib import Path


def main(gate: Path) -> None:
    from assess import create_app
    from assess.jobs import worker
    from assess.services import certificates

    signing = certificates._issue

    def gated(*args, **kwargs):
        with (gate / "started").open("a") as log:
            log.write("signing\n")
        while (gate / "hold").exists():
            time.sleep(0.02)
        return signing(*args, **kwargs)

    certificates._issue = gated
    worker.run(create_app(), workers=1, periodic=False)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
