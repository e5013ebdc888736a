"""Problems found in a data package, reported as ``file:line: column: what is wrong``."""

from __future__ import annotations

from dataclasses import dataclass

MAX_SHOWN = 50


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a package; ``line`` is the file's line (the header is line 1), 0 for the file as a whole."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class PackageError(Exception):
    """A package that cannot be used; carries the problems found and how many there were in all.

    ``total`` can exceed ``len(problems)`` when a check failed on very many rows: the first
    rows of each such check are kept as examples and the rest only counted.
    """

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        self.problems = sorted(set(problems))
        self.total = max(total or 0, len(self.problems))
        super().__init__(self.summary())

    def summary(self, limit: int = MAX_SHOWN) -> str:
        """The first ``limit`` problems, one a line, then how many more there were."""
        lines = [str(p) for p in self.problems[:limit]]
        hidden = self.total - min(limit, len(self.problems))
        if hidden > 0:
            lines.append(f"... and {hidden} more problem{'s' if hidden > 1 else ''} "
                         f"({self.total} in all)")
        return "\n".join(lines)
