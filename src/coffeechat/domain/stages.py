"""The five pipeline stages a contact moves through."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """A stage of the pipeline; the value is what is stored and printed."""

    IDENTIFIED = "identified"
    REQUESTED = "requested"
    MET = "met"
    THANKED = "thanked"
    FOLLOW_UP = "follow-up"

    @property
    def label(self) -> str:
        """The column title shown to people."""
        return _LABELS[self]

    @property
    def next(self) -> Stage | None:
        """The stage after this one, or None for follow-up (the last)."""
        index = PIPELINE.index(self)
        return PIPELINE[index + 1] if index + 1 < len(PIPELINE) else None

    @classmethod
    def parse(cls, text: str) -> Stage:
        """Read a stage name as a person types it ("Follow up", "FOLLOW-UP", "met")."""
        key = text.strip().lower().replace("_", "-").replace(" ", "-")
        if key == "followup":
            key = "follow-up"
        try:
            return cls(key)
        except ValueError:
            names = ", ".join(stage.value for stage in PIPELINE)
            raise ValueError(f"unknown stage {text!r}; use one of: {names}") from None


PIPELINE: tuple[Stage, ...] = tuple(Stage)

_LABELS = {
    Stage.IDENTIFIED: "Identified",
    Stage.REQUESTED: "Requested",
    Stage.MET: "Met",
    Stage.THANKED: "Thanked",
    Stage.FOLLOW_UP: "Follow-up",
}
