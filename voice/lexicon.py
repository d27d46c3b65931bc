"""Which words a dictionary says mean the same, are a kind of one another, or are opposites:
WordNet 3.0 (Princeton), read from the files of Debian's ``wordnet-base`` package (28 MB).
Word vectors (voice.word_vectors) put words near each other when they occur in the same places:
"restroom" and "toilets" are 0.70 apart, under the matcher's MEANING_MIN, while "early" and
"late" are 0.93 and "cheap" and "expensive" 0.86. WordNet says a restroom is a kind of toilet,
and names the others opposites.

Words and phrases of up to PHRASE_WORDS words ("men's room", "sign in") are read, and only the
senses people mostly mean (``_kept_senses``): "can" is a toilet in its seventh sense as a noun,
"last" means "close" only as a rare noun. The relations between stems (the matcher's terms; a
phrase's stems joined by spaces) are built once (about 5 s) and kept in the cache folder.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

import numpy as np

from voice.cache import cached_arrays
from voice.terms import new_stemmer

log = logging.getLogger(__name__)

FOLDER = Path("/usr/share/wordnet")
"""Where Debian's wordnet-base package puts the database."""

PARTS = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
"""WordNet's file names and its letters for the parts of speech."""

RELATED_PARTS = "nv"
"""Parts of speech whose shared senses and kinds are read: nouns and verbs. With adjectives and
adverbs too, the museum set's spoken runs refused 0.7 points fewer unrelated questions and
answered none more (Whisper 68.5 / 76.3% against 68.7 / 77.0%, at the first weights tried).
Opposites are read for every part of speech."""

MIN_TAGGED = 5
"""A word tagged at least this often in WordNet's own corpus (cntlist.rev) keeps the senses
that make up SHARE of its tags; a rarer word ("restroom", "loo") keeps its first sense per part
of speech, the commonest by WordNet's order."""

SHARE = 0.2
"""See MIN_TAGGED: "night" keeps 1 of its 8 senses as a noun, "child" 2 of 4. A word whose tags
are spread over many senses keeps none: "close" (its commonest sense has 38 of 193 tags) counts
only through its other forms ("closing" shares a sense with "shutting", stemmed "shut").
Keeping each word's first two senses instead linked "last" to "close" and "night" to "evening",
so "who won the football last night" got the museum's closing time (museum set, Whisper, spoken:
unrelated questions refused 77.0 -> 70.2%)."""

MEMBER_PARTS = "n"
"""Parts of speech whose kept senses are shared with every word of the sense that leads with it
(MEMBER_RANK), whether or not that word keeps it: "pushchair"'s commonest sense holds
"stroller", whose own commonest is a walker; "taxi"'s holds "cab", whose own is a driver's
compartment; "chemist"'s (British) holds "pharmacist". Typed in (twenty-fourth session: the
earlier sessions' sets and three new knowledge bases, 198 rewordings and 130 unrelated
questions), it answered 4 more rewordings ("i need a cab to the airport", "can i hire a
pushchair", "is there a chemist in the hospital") and no unrelated question; on the stored runs
(rescored) PocketSphinx's museum set 52.1 -> 52.3%, the rest unchanged. Every word of the
sense, however far down its own list, answered 1 rewording fewer ("can i use my phone to
photograph the paintings": "picture" is a photograph in its tenth sense); verbs too answered 3
unrelated questions ("can i bring a pram" got "Can I take photos?": "bring"'s commonest sense
holds "take"; "where is the exit" got the cloakroom: "exit"'s holds "leave")."""

MEMBER_RANK = 2
"""See MEMBER_PARTS: a word counts in another's sense only when that sense is among its own
first two (WordNet's order, commonest first), or any of its senses when it is tagged under
MIN_TAGGED times: "stroller" is a pram in its second sense, "cab" (4 tags) a taxi in its third,
but "can" is buttocks in its fourth and "head" a question in its twenty-third."""

PHRASE_WORDS = 3
"""The longest phrases read, in words ("men's room", "check in", "lock up"): 59,000 of them.
The matcher finds them in what was heard and in the questions (Matcher.phrases_in)."""

LEMMA_SEPARATORS = re.compile(r"[_-]")
"""What joins a phrase's words in WordNet's lemmas ("men's_room", "check-in")."""

RELATED_KEPT = 20_000
"""How many stems' relations Lexicon.related keeps (a few MB at most)."""

SAME = 0
"""Relation kinds: the two words share a kept sense ("kid", "child")."""
KIND_OF = 1
"""The first word's sense is directly a kind of the second's ("restroom" of "toilet"), one way:
said the other way round ("room" for "toilet", "clothes" for "coat") it is not the same thing."""
OPPOSITE = 2
"""The dictionary names them opposites ("open", "close")."""
KIND_OF_KIND = 3
"""The first word's sense is a kind of a kind of the second's ("ladies' room" of "toilet",
through "restroom"; "cellphone" of "phone", through "radiotelephone"), one way."""

KIND_POINTERS = ("@", "@i")
"""WordNet's pointers from a synset to the one it is a kind (or an instance) of."""

SynsetId = tuple[str, str]
"""A part of speech's letter and the synset's offset in its data file."""

Pointer = tuple[str, SynsetId, int, int]
"""A relation in a data file: its symbol, the target synset, and the source and target words'
numbers (0 when it relates whole synsets)."""

Synsets = dict[SynsetId, tuple[list[str], list[Pointer]]]
"""Each synset's words (in its data file's order) and pointers."""


class Lexicon:
    """Relations between stems: ``related(stem)`` -> {other stem: kind}."""

    def __init__(
        self, stems: np.ndarray, first: np.ndarray, second: np.ndarray, kinds: np.ndarray
    ) -> None:
        self._stems = stems.tolist()
        self._row = {stem: row for row, stem in enumerate(self._stems)}
        self._phrases = frozenset(s for s in self._stems if " " in s)
        self._longest = max((s.count(" ") + 1 for s in self._phrases), default=1)
        order = np.argsort(first, kind="stable")
        self._first = first[order]
        self._second = second[order]
        self._kinds = kinds[order]
        self._kept = functools.lru_cache(maxsize=RELATED_KEPT)(self._related)

    def phrases_in(self, stems: Sequence[str]) -> list[tuple[str, list[str]]]:
        """The dictionary's phrases among these consecutive stems, function words included
        ("ladi room" in "is there a ladies room"), and its words said in two pieces ("rest
        room" as "restroom"), each with the stems it is made of."""
        found = []
        for start in range(len(stems) - 1):
            first, second = stems[start], stems[start + 1]
            if first + second in self._row:
                found.append((first + second, [first, second]))
            phrase = f"{first} {second}"
            for end in range(start + 2, min(start + self._longest, len(stems)) + 1):
                if end > start + 2:
                    phrase = f"{phrase} {stems[end - 1]}"
                if phrase in self._phrases:
                    found.append((phrase, list(stems[start:end])))
        return found

    def related(self, stem: str) -> Mapping[str, int]:
        """The stems related to ``stem`` -> the relation's kind. Kept per stem (RELATED_KEPT
        most recent): the matcher asks for each word heard several times a question (its
        meaning, then each hypothesis's opposites), at 0.2 ms a time."""
        return self._kept(stem)

    def _related(self, stem: str) -> Mapping[str, int]:
        row = self._row.get(stem)
        if row is None:
            return MappingProxyType({})
        lo = int(np.searchsorted(self._first, row, side="left"))
        hi = int(np.searchsorted(self._first, row, side="right"))
        return MappingProxyType(
            {
                self._stems[int(other)]: int(kind)
                for other, kind in zip(self._second[lo:hi], self._kinds[lo:hi], strict=True)
            }
        )


class UnreadableWordNet(Exception):
    """The WordNet files are missing, cut short or not in WordNet's format."""


@functools.cache
def load_lexicon() -> Lexicon | None:
    """The relations (from the cache, else built from the WordNet files); None, with one
    warning, when the files are missing or cannot be read: the matcher then goes on with word
    vectors alone."""
    try:
        arrays = cached_arrays(
            f"wordnet-3.0-{RELATED_PARTS}-{MIN_TAGGED}-{SHARE}-{PHRASE_WORDS}-steps2-members-{MEMBER_PARTS}{MEMBER_RANK}r-roots.npz",
            lambda: _build(_phrase_stemmer(new_stemmer())),
        )
    except UnreadableWordNet as exc:
        log.warning(
            "dictionary: cannot read WordNet (%s), so words such as 'restroom' for 'toilets' are "
            "not matched; run `make install` again (it installs the Debian package "
            "wordnet-base)",
            exc,
        )
        return None
    return Lexicon(arrays["stems"], arrays["first"], arrays["second"], arrays["kinds"])


def _build(stem: Callable[[str], str]) -> dict[str, np.ndarray]:
    try:
        return _relations(stem)
    except FileNotFoundError as exc:
        raise UnreadableWordNet(f"no {exc.filename}") from None
    except (OSError, ValueError, IndexError, KeyError) as exc:
        raise UnreadableWordNet(f"{FOLDER}: {exc!r}") from None


def _readable(lemma: str) -> bool:
    """A word, or a phrase of up to PHRASE_WORDS words ("men's_room", "check-in")."""
    parts = LEMMA_SEPARATORS.split(lemma.replace("'", ""))
    return len(parts) <= PHRASE_WORDS and all(part.isalpha() for part in parts)


def _phrase_stemmer(stem: Callable[[str], str]) -> Callable[[str], str]:
    """A lemma's stems as the matcher's analyzer makes them, one space between words; each
    lemma is stemmed once (the build asks 1.7 million times for 200,000 lemmas)."""

    @functools.cache
    def stems(lemma: str) -> str:
        return " ".join(stem(word) for word in LEMMA_SEPARATORS.split(lemma))

    return stems


def _relations(stem: Callable[[str], str]) -> dict[str, np.ndarray]:
    senses, synsets, bases, leading = _read(FOLDER, stem)
    words_of: dict[SynsetId, set[str]] = {}
    for lemma, ids in senses.items():
        for sid in ids:
            words_of.setdefault(sid, set()).add(lemma)
    pairs: dict[tuple[str, str], int] = {}

    def add(a: str, b: str, kind: int, both: bool = True) -> None:
        # A word and its own irregular form ("leaf", "leaves") are not two words.
        if bases.get(a) == b or bases.get(b) == a:
            return
        first, second = stem(a), stem(b)
        if first == second:
            return
        for key in ((first, second), (second, first)) if both else ((first, second),):
            # An opposite wins over any shared sense, and a nearer relation over two steps.
            known = pairs.get(key)
            if known is None or kind == OPPOSITE or (known == KIND_OF_KIND and kind != known):
                pairs[key] = kind

    for sid, lemmas in words_of.items():
        related = sid[0] in RELATED_PARTS
        # The words of a noun's kept sense for which it is a leading sense, kept or not.
        members = leading.get(sid, set()) if sid[0] in MEMBER_PARTS else set()
        sharing = sorted(members | lemmas)
        for a in sorted(lemmas) if related else ():
            for b in sharing:
                if a != b:
                    add(a, b, SAME)
        for symbol, target, source_word, target_word in synsets[sid][1]:
            if symbol in KIND_POINTERS and related:
                if _says_something(synsets, target):
                    for a in lemmas:
                        for b in words_of.get(target, ()):
                            add(a, b, KIND_OF, both=False)
                for further in _kinds(synsets, target):
                    if not _says_something(synsets, further):
                        continue
                    for a in lemmas:
                        for b in words_of.get(further, ()):
                            add(a, b, KIND_OF_KIND, both=False)
            elif symbol == "!" and source_word and target_word:
                a = synsets[sid][0][source_word - 1]
                b = synsets[target][0][target_word - 1]
                if a.isalpha() and b.isalpha():
                    add(a, b, OPPOSITE)
    stems = sorted({s for pair in pairs for s in pair})
    row = {s: i for i, s in enumerate(stems)}
    log.info("dictionary: %d relations between %d stems from WordNet", len(pairs), len(stems))
    return {
        "stems": np.asarray(stems),
        "first": np.asarray([row[a] for a, _ in pairs], dtype=np.int32),
        "second": np.asarray([row[b] for _, b in pairs], dtype=np.int32),
        "kinds": np.asarray(list(pairs.values()), dtype=np.int8),
    }


def _says_something(synsets: Synsets, sid: SynsetId) -> bool:
    """Whether being a kind of ``sid`` says something: not of a verb at the top of one of
    WordNet's verb hierarchies ("change", "get", "move", "act"), of which most verbs are a kind.
    "make" is a kind of "change", so "how do i make pancakes" got an airport's "Where can I
    change money?". Typed in (twenty-fourth session; the knowledge bases written for it), three
    more of an airport's unrelated questions were refused ("is there a pharmacy in the terminal",
    "can i bring my cat on the plane with me") and one rewording lost ("is there somewhere to
    convert my pounds"); no stored spoken run and no other typed set changed."""
    return sid[0] != "v" or bool(_kinds(synsets, sid))


def _kinds(synsets: Synsets, sid: SynsetId) -> list[SynsetId]:
    """The synsets of which ``sid`` is directly a kind (or an instance)."""
    return [target for symbol, target, _, _ in synsets[sid][1] if symbol in KIND_POINTERS]


def _read(
    folder: Path, stem: Callable[[str], str]
) -> tuple[dict[str, list[SynsetId]], Synsets, dict[str, str], dict[SynsetId, set[str]]]:
    """Each single word's kept senses; each synset's words and pointers; the irregular forms
    read as their base word ("children": "child"), which get its senses; and each synset's
    words for which it is one of their first MEMBER_RANK senses of its part of speech."""
    tagged: dict[str, dict[tuple[str, int], int]] = {}
    for fields in _records(folder / "cntlist.rev"):
        lemma, key = fields[0].split("%", 1)
        # The sense key's first digit is the synset type: noun, verb, adjective, adverb,
        # adjective satellite.
        tagged.setdefault(lemma, {})[("nvara"[int(key[0]) - 1], int(fields[1]))] = int(fields[2])
    senses: dict[str, list[SynsetId]] = {}
    synsets: Synsets = {}
    leading: dict[SynsetId, set[str]] = {}
    for name, part in PARTS.items():
        for fields in _records(folder / f"index.{name}"):
            lemma = fields[0]
            if _readable(lemma):
                offsets = fields[6 + int(fields[3]) :]
                tags = tagged.get(lemma, {})
                kept = _kept_senses(offsets, part, tags)
                senses.setdefault(lemma, []).extend((part, o) for o in kept)
                # A word too rarely tagged to rank its senses leads with each of them.
                rare = sum(tags.values()) < MIN_TAGGED
                for offset in offsets if rare else offsets[:MEMBER_RANK]:
                    leading.setdefault((part, offset), set()).add(lemma)
        for fields in _records(folder / f"data.{name}"):
            count = int(fields[3], 16)
            words = [fields[4 + 2 * i].lower().split("(")[0] for i in range(count)]
            at = 4 + 2 * count
            pointers: list[Pointer] = []
            for _ in range(int(fields[at])):
                symbol, offset, target_part, source_target = fields[at + 1 : at + 5]
                at += 4
                target = ("a" if target_part == "s" else target_part, offset)
                pointers.append(
                    (symbol, target, int(source_target[:2], 16), int(source_target[2:], 16))
                )
            synsets[(part, fields[0])] = (words, pointers)
    indexed = {stem(lemma) for lemma in senses}
    bases: dict[str, str] = {}
    for name, part in PARTS.items():
        for fields in _records(folder / f"{name}.exc"):
            inflected, base = fields[0], fields[1]
            # "leaves" (of leaf) is not read: its stem is the verb "leave"'s.
            if inflected.isalpha() and base in senses and stem(inflected) not in indexed:
                bases[inflected] = base
                mine = senses.setdefault(inflected, [])
                mine.extend(s for s in senses[base] if s[0] == part and s not in mine)
    return senses, synsets, bases, leading


def _kept_senses(offsets: list[str], part: str, tags: dict[tuple[str, int], int]) -> list[str]:
    """The senses of one word and part of speech (commonest first) that MIN_TAGGED and SHARE
    keep; ``tags``: how often each (part, sense number) of the word was tagged."""
    total = sum(tags.values())
    if total < MIN_TAGGED:
        return offsets[:1]
    return [o for i, o in enumerate(offsets) if tags.get((part, i + 1), 0) >= SHARE * total]


def _records(path: Path) -> Iterator[list[str]]:
    """A WordNet file's lines as fields, without the licence header (lines starting with a
    space) and a gloss (after " | ")."""
    with path.open(encoding="latin-1") as lines:
        for line in lines:
            if not line.startswith(" "):
                yield line.split(" | ", 1)[0].split()
