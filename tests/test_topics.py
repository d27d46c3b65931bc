"""The everyday-need groups link a need to the place that meets it, as the matcher sees words."""

from __future__ import annotations

from voice.terms import Analyzer
from voice.text import words
from voice.topics import builtin_topics, topic_terms


def test_every_member_of_every_group_is_one_word() -> None:
    """A member of more than one word would be dropped without a word (topic_terms reads single
    terms only), so the data file holds none."""
    groups = builtin_topics()
    assert len(groups) >= 20
    assert all(len(words(member)) == 1 for group in groups for member in group)
    # ...and one term as the matcher reads it: a stop word or a word split in two is dropped too.
    terms = Analyzer().terms
    assert [m for group in groups for m in group if len(terms(m)) != 1] == []


def test_a_need_links_to_the_places_the_questions_name_as_the_matcher_sees_them() -> None:
    analyzer = Analyzer()
    asked = set(analyzer.terms("Is there a cafe? Where are the toilets? Can I take photos?"))
    linked = topic_terms(analyzer.terms, asked)
    (hungry,) = analyzer.terms("hungry")
    (cafe,) = analyzer.terms("cafe")
    assert linked[hungry] == {cafe}
    assert cafe not in linked  # its group names nothing else the questions ask about
    assert analyzer.terms("camera")[0] in linked  # the photos' group
    assert analyzer.terms("stairs")[0] not in linked  # nothing asked about the lift


def test_a_knowledge_base_without_any_groups_word_links_nothing() -> None:
    analyzer = Analyzer()
    asked = set(analyzer.terms("Why have peace negotiations in Ukraine failed?"))
    assert topic_terms(analyzer.terms, asked) == {}
