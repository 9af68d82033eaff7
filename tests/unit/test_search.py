"""Finding a contact by what a person types."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from coffeechat.domain.model import Contact
from coffeechat.domain.search import (
    ContactLookupError,
    Haystacks,
    filter_words,
    haystack,
    matches_filter,
    matches_words,
    narrows,
    resolve,
    short_ids,
)

MakeContact = Callable[..., Contact]


@pytest.fixture
def people(make_contact: MakeContact) -> list[Contact]:
    return [
        make_contact("Ada Lovelace", company="Analytical Engines", role="Programmer"),
        make_contact("Grace Hopper", company="US Navy", role="Rear Admiral"),
        make_contact("Grace Kelly", company="Monaco", role="Princess"),
        make_contact("Alan Turing", company="Bletchley Park", role="Cryptanalyst"),
        make_contact("Al", role="Cook"),
    ]


def test_resolve_by_exact_id(people: list[Contact]) -> None:
    target = people[3]
    assert resolve(people, target.id) is target
    assert resolve(people, f"  {target.id} ") is target


def test_resolve_by_exact_name_case_insensitive(people: list[Contact]) -> None:
    assert resolve(people, "grace hopper") is people[1]
    assert resolve(people, "ADA LOVELACE") is people[0]


def test_exact_name_wins_over_longer_names_containing_it(people: list[Contact]) -> None:
    # "al" is inside "Alan Turing" and "Ada Lovelace" too, but one name is exactly "Al"
    assert resolve(people, "al") is people[4]


@pytest.mark.parametrize(("text", "index"), [("lovelace", 0), ("HOPP", 1), ("kel", 2), ("ring", 3)])
def test_resolve_by_unique_substring(people: list[Contact], text: str, index: int) -> None:
    assert resolve(people, text) is people[index]


def test_ambiguous_text_lists_the_candidates(people: list[Contact]) -> None:
    with pytest.raises(ContactLookupError) as caught:
        resolve(people, "grace")
    message = str(caught.value)
    assert "matches 2 contacts" in message
    assert "Grace Hopper (US Navy, id " in message
    assert "Grace Kelly (Monaco, id " in message
    assert people[1].id[:8] in message
    assert "Ada" not in message


def test_ambiguous_listing_says_when_there_is_no_company(make_contact: MakeContact) -> None:
    twins = [make_contact("Sam"), make_contact("Sam")]
    with pytest.raises(ContactLookupError, match=r"matches 2 contacts: Sam \(no company"):
        resolve(twins, "sam")


def test_long_candidate_lists_are_cut_short(make_contact: MakeContact) -> None:
    many = [make_contact(f"Person {n}") for n in range(11)]
    with pytest.raises(ContactLookupError) as caught:
        resolve(many, "person")
    message = str(caught.value)
    assert "matches 11 contacts" in message
    assert "and 3 more" in message
    assert "Person 7" in message
    assert "Person 8" not in message


@pytest.mark.parametrize("text", ["nobody", "grace hopperx", "turing alan"])
def test_unknown_text_raises(people: list[Contact], text: str) -> None:
    with pytest.raises(ContactLookupError, match="no contact matches"):
        resolve(people, text)


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text_raises(people: list[Contact], text: str) -> None:
    with pytest.raises(ContactLookupError, match="no name given"):
        resolve(people, text)


def test_resolve_in_an_empty_list_raises() -> None:
    with pytest.raises(ContactLookupError):
        resolve([], "ada")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", True),
        ("ada", True),
        ("LOVELACE", True),
        ("analytical", True),
        ("programmer", True),
        ("ada engines", True),
        ("engines ada", True),
        ("ada navy", False),
        ("hopper", False),
        ("ada@example.com", False),
    ],
)
def test_matches_filter(make_contact: MakeContact, text: str, expected: bool) -> None:
    contact = make_contact(
        "Ada Lovelace",
        company="Analytical Engines",
        role="Programmer",
        email="ada@example.com",
        notes="hopper",
    )
    assert matches_filter(contact, text) is expected


def _with_id(make_contact: MakeContact, name: str, contact_id: str) -> Contact:
    return dataclasses.replace(make_contact(name), id=contact_id)


def test_resolve_by_a_unique_id_prefix_of_six_or_more(make_contact: MakeContact) -> None:
    ada = _with_id(make_contact, "Ada", "fa37b66a" + "0" * 24)
    grace = _with_id(make_contact, "Grace", "fa37c000" + "0" * 24)
    people = [ada, grace]
    assert resolve(people, "fa37b6") is ada
    assert resolve(people, "FA37B66A") is ada
    with pytest.raises(ContactLookupError, match="no contact matches"):
        resolve(people, "fa37b")  # five characters: a name, not an id


def test_an_exact_name_wins_over_an_id_prefix(make_contact: MakeContact) -> None:
    named = make_contact("Decade")
    other = _with_id(make_contact, "Ada", "decade" + "0" * 26)
    assert resolve([named, other], "decade") is named


def test_an_ambiguous_id_prefix_shows_prefixes_that_work(make_contact: MakeContact) -> None:
    ada = _with_id(make_contact, "Ada", "fa37b66a01" + "0" * 22)
    grace = _with_id(make_contact, "Grace", "fa37b66a02" + "0" * 22)
    alan = _with_id(make_contact, "Alan", "0123456789" + "0" * 22)
    with pytest.raises(ContactLookupError) as caught:
        resolve([ada, grace, alan], "fa37b66a")
    message = str(caught.value)
    assert "id fa37b66a01)" in message
    assert "id fa37b66a02)" in message
    assert "Alan" not in message
    assert caught.value.candidates == (ada, grace)


def test_short_ids_are_eight_characters_unless_longer_is_needed(
    make_contact: MakeContact,
) -> None:
    people = [
        _with_id(make_contact, "A", "aaaaaaaaaaaa" + "0" * 20),
        _with_id(make_contact, "B", "aaaaaaaaaaab" + "0" * 20),
        _with_id(make_contact, "C", "c" * 32),
    ]
    assert short_ids(people) == {
        people[0].id: "aaaaaaaaaaaa",
        people[1].id: "aaaaaaaaaaab",
        people[2].id: "cccccccc",
    }
    for contact in people:
        assert resolve(people, short_ids(people)[contact.id]) is contact


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("", "a", True),
        ("an", "ann", True),
        ("ann", "an", False),  # erasing widens
        ("ann acme", "acme anna", True),  # word order does not matter
        ("ann", "ann b", True),  # another word narrows
        ("ann b", "ann", False),
        ("ab", "a b", False),  # two short words match more than one long one
    ],
)
def test_narrows(old: str, new: str, expected: bool) -> None:
    assert narrows(filter_words(old), filter_words(new)) is expected


def test_haystacks_are_worked_out_once_per_contact_object(make_contact: MakeContact) -> None:
    ada = make_contact("Ada Lovelace", company="Analytical Engines")
    hay = Haystacks()
    first = hay(ada)
    assert first == haystack(ada) == "ada lovelace\nanalytical engines\n"
    assert hay(ada) is first
    renamed = dataclasses.replace(ada, name="Ada King")
    assert hay(renamed) == "ada king\nanalytical engines\n"  # a new object: looked at again
    assert matches_words(hay(renamed), filter_words("KING engines"))
    assert not matches_words(hay(renamed), filter_words("lovelace"))
