"""What can be wrong with a protocol file: one :class:`Problem` per fault, and the
:class:`ProtocolError` that carries them all, one ``FILE: where: what`` line each."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a protocol file."""

    where: str
    what: str
    line: int | None = None

    def format(self, file: str) -> str:
        place = f"line {self.line}" if self.line is not None else self.where
        if self.line is not None and self.where:
            place = f"line {self.line}: {self.where}"
        return f"{file}: {place}: {self.what}" if place else f"{file}: {self.what}"


class ProtocolError(Exception):
    """A protocol file that cannot be used, with every problem found.

    ``str(error)`` gives one ``FILE: where: what`` line per problem.
    """

    def __init__(self, file: str, problems: Iterable[Problem]) -> None:
        self.file = file
        self.problems = list(problems)
        super().__init__("\n".join(p.format(file) for p in self.problems))
