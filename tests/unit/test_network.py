"""The referral tree: links by id or by typed name, counts, cycles."""

from __future__ import annotations

from dataclasses import replace

from coffeechat.domain.network import build_network, referral_links
from coffeechat.domain.stages import Stage


def test_links_prefer_the_recorded_id_then_a_unique_typed_name(make_contact) -> None:
    ana = make_contact("Ana Diaz")
    ben = replace(make_contact("Ben Ode"), referrer_id=ana.id, referred_by="someone else")
    cat = make_contact("Cat Ng", referred_by="ana diaz")  # case does not matter
    dup1, dup2 = make_contact("Sam Lee"), make_contact("Sam Lee")
    dan = make_contact("Dan Wu", referred_by="Sam Lee")  # ambiguous: two Sams
    eve = make_contact("Eve Ko", referred_by="Nobody We Know")
    gone = replace(make_contact("Fay Li"), referrer_id="deleted-contact")
    links = referral_links([ana, ben, cat, dup1, dup2, dan, eve, gone])
    assert links == {ben.id: ana.id, cat.id: ana.id}


def test_a_contact_never_refers_itself(make_contact) -> None:
    selfish = make_contact("Sol Mar", referred_by="Sol Mar")
    assert referral_links([selfish]) == {}


def test_tree_counts_introductions_and_meetings(make_contact) -> None:
    ana = make_contact("Ana Diaz", stage=Stage.FOLLOW_UP)
    met = make_contact("Ben Ode", stage=Stage.MET, referred_by="Ana Diaz")
    waiting = make_contact("Cat Ng", stage=Stage.REQUESTED, referred_by="Ana Diaz")
    grandchild = make_contact("Dan Wu", stage=Stage.THANKED, referred_by="Ben Ode")
    loner = make_contact("Eve Ko")
    network = build_network([grandchild, loner, waiting, met, ana])
    (root,) = network.roots
    assert root.contact.name == "Ana Diaz"
    assert (root.introductions, root.meetings) == (2, 1)
    assert [child.contact.name for child in root.children] == ["Ben Ode", "Cat Ng"]
    ben = root.children[0]
    assert (ben.introductions, ben.meetings) == (1, 1)
    assert [c.contact.name for c in ben.children] == ["Dan Wu"]
    assert (network.referred, network.met) == (3, 2)


def test_a_held_meeting_counts_even_before_the_stage_moves(make_contact) -> None:
    from coffeechat.domain.meetings import Meeting
    from tests.conftest import NOW

    ana = make_contact("Ana Diaz")
    ben = replace(
        make_contact("Ben Ode", referred_by="Ana Diaz"),
        meetings=(Meeting("m", held_at=NOW),),
    )
    (root,) = build_network([ana, ben]).roots
    assert root.meetings == 1


def test_a_cycle_shows_everyone_once(make_contact) -> None:
    ana = make_contact("Ana Diaz", referred_by="Ben Ode")
    ben = make_contact("Ben Ode", referred_by="Ana Diaz")
    network = build_network([ana, ben])
    seen = []

    def walk(nodes) -> None:
        for node in nodes:
            seen.append(node.contact.name)
            walk(node.children)

    walk(network.roots)
    assert sorted(seen) == ["Ana Diaz", "Ben Ode"]


def test_no_introductions_is_an_empty_network(make_contact) -> None:
    network = build_network([make_contact("Ana Diaz"), make_contact("Ben Ode")])
    assert network.empty
    assert (network.referred, network.met) == (0, 0)
