"""Registry diagnostics: one ``Issue`` per problem, all raised together in a ``RegistryError``.

Every issue says where (file:line:column, node id), what is wrong (``message``), how to fix it
(``fix``) and carries a machine-readable ``code`` so tools (CI, editors, the site) can act on it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in a registry file. Lines and columns are 1-based."""

    file: str
    line: int | None
    column: int | None
    node: str | None
    code: str
    message: str
    fix: str = ""
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: "
        if self.node is not None:
            text += f"node '{self.node}': "
        if self.severity == "warning":
            text += "warning: "
        text += self.message
        if self.fix:
            text += f" Fix: {self.fix}"
        return text

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as printed by ``registry validate --format json``."""
        return asdict(self)


class RegistryError(Exception):
    """The registry is invalid; ``issues`` lists every error found (and any warnings)."""

    def __init__(self, issues: Iterable[Issue]):
        self.issues: list[Issue] = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "error"]


def did_you_mean(word: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str:
    """``"did you mean 'x'?"`` for the closest of ``choices`` to ``word``, or ``""``."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=cutoff)
    return f"did you mean '{match[0]}'?" if match else ""


def sort_issues(issues: Iterable[Issue]) -> list[Issue]:
    """Issues in reading order: by file, line, column (unknown positions last), then code."""
    big = 1 << 62
    return sorted(
        issues,
        key=lambda i: (
            i.file,
            i.line if i.line is not None else big,
            i.column if i.column is not None else big,
            i.code,
            i.message,
        ),
    )
