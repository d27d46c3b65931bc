"""Everyday needs and what meets them ("hungry" and the cafe, "stairs" and the lift) as the
matcher's weaker synonyms. Neither the dictionary (voice.lexicon: a cafe is a kind of
restaurant, not of food) nor the sentence models (E5 puts "i'm hungry where can i get something
to eat" as near the cloakroom as the cafe) link a need to the place that meets it, which is most
of what a kiosk is asked. The groups are in ``voice/data/topics.txt``."""

from __future__ import annotations

from collections.abc import Callable, Collection

from voice.terms import builtin_groups


def builtin_topics() -> tuple[tuple[str, ...], ...]:
    """The built-in groups, each a tuple of single words."""
    return builtin_groups("topics.txt")


def topic_terms(
    terms: Callable[[str], list[str]], asked: Collection[str]
) -> dict[str, frozenset[str]]:
    """A term -> the ``asked`` terms (the knowledge base's question terms) that share a group
    with it, for every member of a group that some question uses. ``terms``: the matcher's
    analyzer, so that a member folded into a synonym ("internet" into "wifi") or stemmed
    ("hungry" into "hungri") is looked up as the matcher sees it; a member that is more than
    one term is left out."""
    found: dict[str, set[str]] = {}
    for group in builtin_topics():
        stems = {term[0] for member in group if len(term := terms(member)) == 1}
        used = stems.intersection(asked)
        if not used:
            continue
        for stem in stems:
            others = used - {stem}
            if others:
                found.setdefault(stem, set()).update(others)
    return {stem: frozenset(others) for stem, others in found.items()}
