"""The one status machine: each lifecycle's allowed moves, the check, the event row and the error.

A lifecycle is a `StatusMoves` declared beside its model (intake, referral, appointment request,
appointment). A service moves a record with `status_move`, which refuses a move outside the table
with `StatusMoveRefused` (a ValidationError whose message is for the person who asked), sets the
status and writes the event through the caller's `record`, in the caller's transaction.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from .translated import Text

Event = TypeVar("Event")


class StatusMoveRefused(ValidationError):
    """A status move that its lifecycle does not allow."""


@dataclass(frozen=True)
class StatusMoves:
    """The moves each status may make. `refused` is formatted with the record as `object` and the
    two statuses' labels as `from` and `to`."""

    choices: type[models.TextChoices]
    moves: Mapping[str, frozenset[str]]
    refused: Text

    def __post_init__(self) -> None:
        statuses = set(self.choices.values)
        if set(self.moves) != statuses:
            raise ValueError(f"{self.choices.__name__}: every status needs a row, and only those")
        for from_status, targets in self.moves.items():
            if unknown := targets - statuses:
                raise ValueError(f"{self.choices.__name__}: {from_status} moves to unknown {unknown}")

    def allows(self, from_status: str, to_status: str) -> bool:
        return to_status in self.moves[from_status]

    def is_final(self, status: str) -> bool:
        return not self.moves[status]

    def check(self, instance: models.Model, to_status: str, *, field: str = "status") -> None:
        from_status = getattr(instance, field)
        if not self.allows(from_status, to_status):
            raise StatusMoveRefused(
                self.refused
                % {
                    "object": str(instance),
                    "from": self.choices(from_status).label,
                    "to": self.choices(to_status).label,
                },
                code="status_move_refused",
            )


def status_move(
    instance: models.Model,
    to_status: str,
    *,
    moves: StatusMoves,
    record: Callable[[str, str], Event],
    field: str = "status",
) -> Event:
    """Check and make the move on `instance` (not saved) and write its event by `record(from, to)`,
    which it returns. The caller locks the row first and saves it in the same transaction."""
    moves.check(instance, to_status, field=field)
    from_status: str = getattr(instance, field)
    setattr(instance, field, to_status)
    return record(from_status, to_status)
