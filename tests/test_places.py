"""Countries: their peoples' names, and the regions they count toward."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice import match, places
from voice.match import WHISPER_THRESHOLD, Matcher
from voice.seeds import load_knowledge_base
from voice.terms import Analyzer

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


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
    # Any of a region's words will do: "Asian" is not stemmed to "Asia".
    dishes = set(analyzer.terms("Which Asian dishes do you serve?"))
    assert places.region_terms(analyzer.terms, dishes)[analyzer.terms("Japan")[0]] == "asian"


def test_without_the_countries_package_a_country_is_only_its_name(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(places, "PACKAGE", "no-such-countries-package")
    # The lookup itself, without the once-per-process cache that already found the package.
    monkeypatch.setattr(places, "countries", places.countries.__wrapped__)
    # MiniLM reads Germany and France as Europe by itself (PARAPHRASE_TOGETHER_MARGIN).
    monkeypatch.setattr(match, "load_paraphrase_vectors", lambda: None)
    matcher = Matcher(load_knowledge_base(SEEDS), threshold=WHISPER_THRESHOLD)
    assert "no-such-countries-package package is not installed" in caplog.text
    refused = matcher.match(["how do countries like germany and france fit into the standoff"])
    assert refused.entry is None, refused.best
    russians = matcher.match(["what do the russians want"])  # the built-in synonyms still
    assert russians.entry is not None and russians.entry.id == 5, russians.best
