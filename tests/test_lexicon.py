"""The dictionary's relations between words (voice.lexicon), read from the real WordNet files
that `make install` puts in place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from voice import lexicon
from voice.lexicon import KIND_OF, KIND_OF_KIND, OPPOSITE, SAME, Lexicon, load_lexicon
from voice.terms import new_stemmer

stem = new_stemmer()


@pytest.fixture(scope="module")
def dictionary() -> Lexicon:
    loaded = load_lexicon()
    assert loaded is not None, "WordNet is missing: install the Debian package wordnet-base"
    return loaded


def stems(text: str) -> str:
    """A word's or phrase's stems as the dictionary keys them ("ladies room" -> "ladi room")."""
    return " ".join(stem(word) for word in text.split())


def relation(dictionary: Lexicon, a: str, b: str) -> int | None:
    return dictionary.related(stems(a)).get(stems(b))


def test_a_restroom_is_a_kind_of_toilet_and_not_the_other_way(dictionary: Lexicon) -> None:
    assert relation(dictionary, "restroom", "toilets") == KIND_OF
    assert relation(dictionary, "jacket", "coat") == KIND_OF
    # Said the other way round it is not the same thing: a room is not a toilet.
    assert relation(dictionary, "toilets", "restroom") is None
    assert relation(dictionary, "room", "toilet") is None


def test_words_of_one_sense_and_irregular_plurals_are_the_same(dictionary: Lexicon) -> None:
    assert relation(dictionary, "kids", "children") == SAME
    assert relation(dictionary, "shut", "close") == SAME
    assert relation(dictionary, "photos", "photograph") == SAME


def test_a_nouns_leading_sense_holds_words_whose_sense_it_is_not_first(
    dictionary: Lexicon,
) -> None:
    """MEMBER_PARTS: "taxi"'s sense holds "cab" (its third, 4 tags), "pushchair"'s holds
    "stroller" (its second): each is the same as the other, either way round."""
    assert relation(dictionary, "cab", "taxi") == relation(dictionary, "taxi", "cab") == SAME
    assert relation(dictionary, "stroller", "pushchair") == SAME
    assert relation(dictionary, "chemist", "pharmacy") == SAME  # British: a chemist's shop
    assert relation(dictionary, "er", "emergency room") == SAME
    # Not through a sense far down a common word's list (MEMBER_RANK): "can" is buttocks in
    # its fourth, "head" a question in its twenty-third; nor through a verb's ("bring", "take").
    assert relation(dictionary, "can", "buttocks") is None
    assert relation(dictionary, "head", "question") is None
    assert relation(dictionary, "bring", "take") is None


def test_opposites_are_named(dictionary: Lexicon) -> None:
    assert relation(dictionary, "open", "close") == OPPOSITE
    assert relation(dictionary, "open", "shut") == OPPOSITE
    assert relation(dictionary, "cheap", "expensive") == OPPOSITE
    assert relation(dictionary, "early", "late") == OPPOSITE


def test_phrases_are_words_too_and_are_found_in_what_was_said(dictionary: Lexicon) -> None:
    assert relation(dictionary, "sign in", "check in") == SAME
    assert relation(dictionary, "men's room", "restroom") == KIND_OF
    assert relation(dictionary, "coffee shop", "cafe") == SAME
    said = [stem(word) for word in "is there a ladies room where i can check in".split()]
    assert dictionary.phrases_in(said) == [("ladi room", ["ladi", "room"]), ("check in", said[-2:])]
    # A word heard in two pieces is the word.
    assert dictionary.phrases_in(["rest", "room"]) == [("restroom", ["rest", "room"])]


def test_no_verb_is_a_kind_of_a_verb_at_the_top_of_a_hierarchy(dictionary: Lexicon) -> None:
    """Most verbs are a kind of "change", "get" or "move": that says nothing, so it is not read;
    kinds lower down are ("stroll" of "walk", "sprint" of "run")."""
    assert relation(dictionary, "make", "change") is None
    assert relation(dictionary, "buy", "get") is None
    assert relation(dictionary, "stroll", "walk") == KIND_OF
    assert relation(dictionary, "sprint", "run") == KIND_OF


def test_a_kind_of_a_kind_is_read_in_wordnets_own_graph(dictionary: Lexicon) -> None:
    assert relation(dictionary, "ladies room", "toilet") == KIND_OF_KIND  # through "restroom"
    assert relation(dictionary, "cellphone", "phone") == KIND_OF_KIND  # through radiotelephone
    assert relation(dictionary, "toilet", "ladies room") is None  # one way only
    # A car is a kind of container (a cable car's cabin), and "contain" is also the stem of
    # the verb, of which "include" is a kind; two steps in WordNet never cross that.
    assert relation(dictionary, "car", "included") is None


@pytest.mark.parametrize(
    "a, b",
    [
        ("last", "closing"),  # only as rare senses ("the last", "the close")
        ("night", "evening"),  # "the evening" is one of night's rarer senses
        ("leaves", "leaf"),  # one word, two stems ("leav" is also the verb "leave")
        ("weather", "war"),
    ],
)
def test_rare_senses_and_unrelated_words_are_not_related(
    dictionary: Lexicon, a: str, b: str
) -> None:
    assert relation(dictionary, a, b) is None
    assert relation(dictionary, b, a) is None


def test_the_relations_are_built_once_then_read_from_the_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VOICE_CACHE", str(tmp_path))
    built = load_lexicon.__wrapped__()
    [cached] = tmp_path.glob("wordnet-*.npz")
    # Read from the cache alone: the WordNet files are not looked at again.
    monkeypatch.setattr(lexicon, "FOLDER", tmp_path / "no-wordnet")
    read = load_lexicon.__wrapped__()
    assert built is not None and read is not None
    assert read.related("restroom") == built.related("restroom") != {}
    assert cached.stat().st_size < 30_000_000


@pytest.mark.parametrize("damage", ["missing", "cut short", "not wordnet"])
def test_without_readable_wordnet_one_warning_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    """Missing or damaged files leave the matcher without a dictionary, not without a start."""
    folder = tmp_path / "wordnet"
    if damage != "missing":
        shutil.copytree(lexicon.FOLDER, folder)
        data = folder / "data.noun"
        text = data.read_text(encoding="latin-1")
        if damage == "cut short":
            data.write_text(text[: len(text) // 2], encoding="latin-1")
        else:
            data.write_text("00001740 03 n zz entity\n", encoding="latin-1")
    monkeypatch.setattr(lexicon, "FOLDER", folder)
    monkeypatch.setenv("VOICE_CACHE", str(tmp_path / "cache"))
    assert load_lexicon.__wrapped__() is None
    [warning] = [r.getMessage() for r in caplog.records if "WordNet" in r.getMessage()]
    assert "cannot read WordNet" in warning and "wordnet-base" in warning, warning
    assert not list((tmp_path / "cache").glob("wordnet-*"))
