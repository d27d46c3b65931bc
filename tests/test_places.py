"""Countries: their peoples' names, and the regions they count toward."""

from __future__ import annotations

import pytest

from voice import places
from voice.terms import Analyzer


def test_a_country_and_its_people_are_one_term() -> None:
    analyzer = Analyzer.for_questions(["Is there a cafe?"])
    assert analyzer.terms("the Germans") == analyzer.terms("German") == analyzer.terms("Germany")
    # "French" is France's, not Mayotte's: the more populous country has the word.
    assert analyzer.terms("French") == analyzer.terms("France")
    # Never in pieces, as a long synonym may be: "ice land" is not Iceland.
    assert analyzer.terms("ice land") != analyzer.terms("Iceland")


def test_only_countries_the_questions_do_not_name_count_toward_their_region() -> None:
    analyzer = Analyzer.for_questions([])
    asked = set(analyzer.terms("What role are European countries playing? Is Russia blocking?"))
    regions = places.region_terms(analyzer.terms, asked)
    europe = analyzer.terms("europe")[0]
    assert regions[analyzer.terms("Germany")[0]] == europe
    assert analyzer.terms("Russia")[0] not in regions  # asked about in its own right
    assert analyzer.terms("Japan")[0] not in regions  # Asia is not asked about
    assert places.region_terms(analyzer.terms, set(analyzer.terms("Is there a cafe?"))) == {}


def test_without_the_countries_package_countries_match_by_name(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(places, "PACKAGE", "no-such-countries-package")
    assert places.countries.__wrapped__() == ()
    assert "no-such-countries-package package is not installed" in caplog.text
