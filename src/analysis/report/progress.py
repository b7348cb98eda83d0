"""A progress bar for a batch of reports, on a terminal only."""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    """``[#####.....]  12/25 GM0363`` on one line, redrawn after each step.

    ``stream=None`` draws on standard error when it is a terminal and stays silent otherwise
    (a pipe, a log file, CI); ``False`` is always silent; a stream is drawn on as given.
    """

    def __init__(self, total: int, *, stream: TextIO | bool | None = None, label: str = "", width: int = 30):
        if stream is None:
            stream = sys.stderr if sys.stderr.isatty() else False
        self.stream = stream if stream is not False and total > 0 else None
        self.total, self.label, self.width, self.done = total, label, width, 0

    def step(self, what: str = "") -> None:
        self.done += 1
        if self.stream is None:
            return
        filled = round(self.width * self.done / self.total)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(
            f"\r[{bar}] {self.done:>{len(str(self.total))}}/{self.total} {self.label} {what}".rstrip()
        )
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()
