"""Referral answers found by their titles (no database needed)."""

import pytest

from decisions.parser import parse_protocol
from decisions.referrals import referral_key, referral_subject, same_positions
from tests.factories import SEEDS


@pytest.mark.parametrize(
    ("title", "subject"),
    [
        (
            "Strategi för Stockholm som smart och uppkopplad stad svar på remiss",
            "Strategi för Stockholm som smart och uppkopplad stad",
        ),
        (
            "Strategi för Stockholm som smart och uppkopplad stad – "
            "Svar på remiss från kommunstyrelsen",
            "Strategi för Stockholm som smart och uppkopplad stad",
        ),
        (
            "Remiss: Program för öppna data och digital insyn i Sjöbacka kommun",
            "Program för öppna data och digital insyn i Sjöbacka kommun",
        ),
        ("Remiss – Regional avfallsplan 2018–2025", "Regional avfallsplan 2018–2025"),
        (
            "Yttrande över remiss om nationell läkemedelsstrategi – "
            "Svar på remiss från Socialdepartementet",
            "nationell läkemedelsstrategi",
        ),
        (
            "Yttrande över Region Västerbys digitaliseringsstrategi – "
            "Svar på remiss från Region Västerby",
            "Region Västerbys digitaliseringsstrategi",
        ),
        ("Remissvar: Översiktsplan 2040", "Översiktsplan 2040"),
        # Not referrals: the word alone in a title, or none at all.
        ("Sammanställning av remissvar om ny taxa", None),
        ("Budget 2024", None),
        ("Svar på remiss", None),
    ],
)
def test_it_finds_the_subject_of_a_referral_title(title, subject):
    assert referral_subject(title) == subject


def test_the_sent_referral_and_its_answers_share_a_key():
    sent = referral_key(
        "Remiss: Program för öppna data och digital insyn i Sjöbacka kommun",
        "Sjöbacka kommun",
    )
    answer = referral_key(
        "Program för öppna data och digital insyn – svar på remiss från "
        "kommunstyrelsen",
        "Sjöbacka kommun",
    )
    assert sent == answer == "program för öppna data och digital insyn"


def test_the_two_seeds_share_a_key():
    assert (
        referral_key(
            "Strategi för Stockholm som smart och uppkopplad stad svar på remiss",
            "Stockholms stad",
        )
        == referral_key(
            "Strategi för Stockholm som smart och uppkopplad stad – Svar på remiss "
            "från kommunstyrelsen",
            "Stockholms stad",
        )
        == "strategi för stockholm som smart och uppkopplad stad"
    )


OTHER = (
    "Sverigedemokraterna reserverar sig mot beslutet. Programmet kostar för "
    "mycket och bör återremitteras för en ny kostnadsberäkning."
)


def seed_reservations() -> list[str]:
    """The Liberal reservation of each seed, as the parser finds it."""
    texts = []
    for path in SEEDS:
        protocol = parse_protocol(path.read_text(encoding="utf-8"), source=path.name)
        texts += [r.text for p in protocol.paragrafer for r in p.reservations]
    return texts


def test_the_seeds_reservations_are_one_position():
    kultur, social = seed_reservations()
    groups = same_positions([kultur, OTHER, social.upper(), OTHER + " "])
    assert groups == [[0, 2], [1, 3]]


def test_different_texts_stay_apart():
    kultur, social = seed_reservations()
    assert same_positions([kultur, OTHER]) == [[0], [1]]
    # The seeds' reservations without their common argument are not alike.
    assert same_positions([kultur[:150], social[:150]]) == [[0], [1]]
    assert same_positions([]) == []
