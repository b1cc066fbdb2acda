"""The bundled sample minutes: what `make run` shows and the parser's first fixtures."""

from collections import Counter

import pytest

from decisions.parser import parse_protocol
from decisions.referrals import referral_slug
from tests.factories import SJOBACKA

REFERRAL = "Program för öppna data och digital insyn – svar på remiss"


@pytest.fixture(scope="module")
def protocols():
    return [parse_protocol(path.read_text(), source=path.name) for path in SJOBACKA]


def test_every_sample_names_its_municipality_board_and_date(protocols):
    for protocol in protocols:
        assert protocol.kommun == "Sjöbacka kommun", protocol.source
        assert protocol.namnd, protocol.source
        assert protocol.meeting_date, protocol.source
        assert protocol.source.startswith(protocol.meeting_date.isoformat())


def test_the_samples_parse_without_warnings(protocols):
    assert {p.source: p.warnings for p in protocols if p.warnings} == {}


def test_the_samples_are_a_realistic_archive(protocols):
    paragrafer = [p for protocol in protocols for p in protocol.paragrafer]
    assert len(paragrafer) >= 30
    assert len({protocol.namnd for protocol in protocols}) >= 5
    reservations = [r for p in paragrafer for r in p.reservations]
    assert len(reservations) >= 8
    assert all(r.members for r in reservations)
    assert sum(len(p.special_statements) for p in paragrafer) >= 2
    assert [p.title for p in paragrafer if p.confidential] == ["Individärende"]


def test_one_referral_is_answered_by_several_boards(protocols):
    answers = Counter(
        protocol.namnd
        for protocol in protocols
        for p in protocol.paragrafer
        if p.title.startswith(REFERRAL)
    )
    assert len(answers) >= 3


def test_page_furniture_never_reaches_a_paragraph(protocols):
    for protocol in protocols:
        for p in protocol.paragrafer:
            for furniture in ("Justerandes sign", "Utdragsbestyrkande", "Sida "):
                assert furniture not in p.text, (protocol.source, p.number)


def test_a_reservation_for_a_named_members_proposal_carries_it(protocols):
    kf = next(p for p in protocols if p.namnd == "Kommunfullmäktige")
    paragraf = next(p for p in kf.paragrafer if p.number == "113")
    [reservation] = paragraf.reservations
    assert "till förmån för Peter Wiklunds tilläggsyrkande" in reservation.text
    assert "Peter Wiklund (L) yrkar" in reservation.text


def test_the_sent_referral_and_its_answers_share_one_address(protocols):
    slugs = Counter(
        referral_slug(p.title, protocol.kommun)
        for protocol in protocols
        for p in protocol.paragrafer
    )
    del slugs[""]
    # Kommunstyrelsen's "Remiss: ..." and the four boards' answers.
    assert slugs == {"program-for-oppna-data-och-digital-insyn": 5}
