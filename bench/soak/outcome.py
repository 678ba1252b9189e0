"""One scenario's result, and the request tallies the load prints."""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Outcome:
    name: str
    lost: int = 0  # acknowledged answers not in the database
    unscored: int = 0  # submitted attempts not scored
    server_errors: int = 0  # 5xx and unanswered requests the scenario did not cause itself
    failures: list[str] = field(default_factory=list)  # any other broken promise
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.lost or self.unscored or self.server_errors or self.failures)

    def fail(self, message: str) -> None:
        self.failures.append(message)


class Tally:
    """Statuses by endpoint and errors by kind (``503 unavailable``, ``ConnectionRefused``)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.kinds: Counter = Counter()
        self.statuses: Counter = Counter()

    def add(self, endpoint: str, status: int, code: str = "", exception: str = "") -> None:
        with self.lock:
            self.statuses[status] += 1
            if status == 0:
                self.kinds[(endpoint, exception or "no answer")] += 1
            elif status >= 400:
                self.kinds[(endpoint, f"{status} {code}".strip())] += 1

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status == 0 or status >= 500)

    def print_kinds(self, title: str = "errors by kind") -> None:
        print(f"{title}:" + ("" if self.kinds else " none"))
        for (endpoint, kind), n in self.kinds.most_common():
            print(f"  {n:>7}  {kind:<28} {endpoint}")
