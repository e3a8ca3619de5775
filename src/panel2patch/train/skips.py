"""Rate-limited logging of skipped data (a broken image, unreadable JSON): counted, never fatal."""

from __future__ import annotations

import logging
import time
from collections import Counter


class SkipLog:
    """Log the first few skips of each reason, then at most one summary line per ``interval`` seconds."""

    def __init__(self, logger: logging.Logger, first: int = 3, interval: float = 60.0) -> None:
        self.logger, self.first, self.interval = logger, first, interval
        self.counts: Counter[str] = Counter()
        self._last = 0.0

    def skip(self, reason: str, detail: str) -> None:
        self.counts[reason] += 1
        if self.counts[reason] <= self.first:
            self.logger.warning("skipped (%s): %s", reason, detail)
            return
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            summary = ", ".join(f"{k}={v}" for k, v in sorted(self.counts.items()))
            self.logger.warning("skipped so far: %s (latest: %s)", summary, detail)
