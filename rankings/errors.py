"""The project's own error types.

Every problem caused by a user's input is raised as :class:`InputError`, which carries the file it came from
and one plain sentence that says what is wrong. The command line and the pages print that sentence; they never
show a traceback for bad input.
"""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """A file (or a value typed by a user) cannot be used as it is."""

    def __init__(self, file: str | Path | None, problem: str) -> None:
        self.file = str(file) if file is not None else None
        self.problem = problem
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.file}: {self.problem}" if self.file else self.problem


class StoreError(Exception):
    """The processed store cannot be read or written (not the user's input, but still no traceback for users)."""
