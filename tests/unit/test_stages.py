"""The five pipeline stages: order, labels, next and parsing."""

from __future__ import annotations

import pytest

from coffeechat.domain.stages import PIPELINE, Stage


def test_pipeline_order_is_the_five_stages() -> None:
    assert PIPELINE == (
        Stage.IDENTIFIED,
        Stage.REQUESTED,
        Stage.MET,
        Stage.THANKED,
        Stage.FOLLOW_UP,
    )


def test_values_are_what_is_stored() -> None:
    assert [stage.value for stage in PIPELINE] == [
        "identified",
        "requested",
        "met",
        "thanked",
        "follow-up",
    ]
    assert str(Stage.FOLLOW_UP) == "follow-up"


@pytest.mark.parametrize(
    ("stage", "label"),
    [
        (Stage.IDENTIFIED, "Identified"),
        (Stage.REQUESTED, "Requested"),
        (Stage.MET, "Met"),
        (Stage.THANKED, "Thanked"),
        (Stage.FOLLOW_UP, "Follow-up"),
    ],
)
def test_labels(stage: Stage, label: str) -> None:
    assert stage.label == label


@pytest.mark.parametrize(
    ("stage", "following"),
    [
        (Stage.IDENTIFIED, Stage.REQUESTED),
        (Stage.REQUESTED, Stage.MET),
        (Stage.MET, Stage.THANKED),
        (Stage.THANKED, Stage.FOLLOW_UP),
        (Stage.FOLLOW_UP, None),
    ],
)
def test_next(stage: Stage, following: Stage | None) -> None:
    assert stage.next is following


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("identified", Stage.IDENTIFIED),
        ("Requested", Stage.REQUESTED),
        ("  MET  ", Stage.MET),
        ("thanked", Stage.THANKED),
        ("follow-up", Stage.FOLLOW_UP),
        ("Follow up", Stage.FOLLOW_UP),
        ("FOLLOW-UP", Stage.FOLLOW_UP),
        ("follow_up", Stage.FOLLOW_UP),
        ("followup", Stage.FOLLOW_UP),
        ("FollowUp", Stage.FOLLOW_UP),
    ],
)
def test_parse_accepts_how_people_type(text: str, stage: Stage) -> None:
    assert Stage.parse(text) is stage


@pytest.mark.parametrize("text", ["", "  ", "meeting", "archived", "follow", "met!"])
def test_parse_rejects_unknown_names_and_lists_the_real_ones(text: str) -> None:
    with pytest.raises(ValueError, match="unknown stage") as caught:
        Stage.parse(text)
    message = str(caught.value)
    for stage in PIPELINE:
        assert stage.value in message
