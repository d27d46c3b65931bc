"""Korean text to MBROLA phonemes for the hn1 diphone voice: a second Korean test voice.

espeak-ng's own Korean is a formant voice that Vosk's Korean model hears at a word error rate
over 100%, so a Korean test set spoken only by it measures the synthesizer more than the
assistant. MBROLA's hn1 (Debian's ``mbrola-hn1``) concatenates diphones recorded from a Korean
speaker, but it only speaks phonemes: this module writes them. Standard pronunciation rules
(표준 발음법) cover what changes a word's sound across its syllables: linking a final consonant
into a following vowel, the seven final sounds, nasal and lateral assimilation, aspiration with
ㅎ, tensing after a stop, palatalisation (같이 -> 가치) and voicing of lax stops between voiced
sounds. The melody is a simple one: each word rises to its last syllable, the sentence drifts
down, and the last syllable rises as a question does: all but one of the Korean test set's
sentences are questions.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

_FIRST = 0xAC00  # 가, the first Hangul syllable
_VOWELS, _FINALS = 21, 28

# Jamo in Unicode's syllable order: 19 initials, 21 vowels, 28 finals (0 = none).
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_FINAL_JAMO = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")

_VOWEL_SAMPA = (
    "a", "E", "ja", "jE", "V", "e", "jV", "je", "o", "wa", "wE",
    "we", "jo", "u", "wV", "we", "wi", "ju", "M", "M\\i", "i",
)  # fmt: skip
"""ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ in hn1's SAMPA
(ㅚ as today's [we])."""

_ONSET_SAMPA = {
    "ㄱ": "k", "ㄲ": "k_>", "ㄴ": "n", "ㄷ": "t", "ㄸ": "t_>", "ㄹ": "4", "ㅁ": "m", "ㅂ": "p",
    "ㅃ": "p_>", "ㅅ": "s", "ㅆ": "s_>", "ㅈ": "ts\\", "ㅉ": "ts\\_>", "ㅊ": "ts\\_h",
    "ㅋ": "k_h", "ㅌ": "t_h", "ㅍ": "p_h", "ㅎ": "h",
}  # fmt: skip
_VOICED = {"ㄱ": "g", "ㄷ": "d", "ㅂ": "b", "ㅈ": "dz\\"}
"""Lax stops between voiced sounds are voiced."""
_TENSE = {"ㄱ": "ㄲ", "ㄷ": "ㄸ", "ㅂ": "ㅃ", "ㅅ": "ㅆ", "ㅈ": "ㅉ"}
_ASPIRATED = {"ㄱ": "ㅋ", "ㄷ": "ㅌ", "ㅂ": "ㅍ", "ㅈ": "ㅊ"}

# A final consonant that links into a following vowel: what stays, what moves.
_LINKS = {
    "ㄳ": ("ㄱ", "ㅆ"), "ㄵ": ("ㄴ", "ㅈ"), "ㄶ": ("", "ㄴ"), "ㄺ": ("ㄹ", "ㄱ"),
    "ㄻ": ("ㄹ", "ㅁ"), "ㄼ": ("ㄹ", "ㅂ"), "ㄽ": ("ㄹ", "ㅆ"), "ㄾ": ("ㄹ", "ㅌ"),
    "ㄿ": ("ㄹ", "ㅍ"), "ㅀ": ("", "ㄹ"), "ㅄ": ("ㅂ", "ㅆ"), "ㅎ": ("", ""), "ㅇ": ("ㅇ", ""),
}  # fmt: skip

# The seven sounds a syllable can end in.
_NEUTRAL = {
    "ㄱ": "K", "ㄲ": "K", "ㅋ": "K", "ㄳ": "K", "ㄺ": "K",
    "ㄴ": "N", "ㄵ": "N", "ㄶ": "N",
    "ㄷ": "T", "ㅅ": "T", "ㅆ": "T", "ㅈ": "T", "ㅊ": "T", "ㅌ": "T", "ㅎ": "T",
    "ㄹ": "L", "ㄼ": "L", "ㄽ": "L", "ㄾ": "L", "ㅀ": "L",
    "ㅁ": "M", "ㄻ": "M",
    "ㅂ": "P", "ㅍ": "P", "ㅄ": "P", "ㄿ": "P",
    "ㅇ": "NG",
}  # fmt: skip
_CODA_SAMPA = {"K": "k_}", "N": "n_}", "T": "t_}", "L": "l_}", "M": "m_}", "P": "p_}", "NG": "N"}
_NASALIZED = {"K": "NG", "T": "N", "P": "M"}
_STOP_JAMO = {"K": "ㄱ", "T": "ㄷ", "P": "ㅂ"}
_CLASS_JAMO = {**_STOP_JAMO, "N": "ㄴ", "L": "ㄹ", "M": "ㅁ"}
_STOPS = {"K", "T", "P"}

_DURATION_MS = {
    "k": 55, "t": 55, "p": 55, "g": 40, "d": 40, "b": 40, "dz\\": 55,
    "k_>": 85, "t_>": 85, "p_>": 85, "s_>": 110, "ts\\_>": 95,
    "k_h": 85, "t_h": 85, "p_h": 85, "ts\\_h": 95, "ts\\": 75,
    "s": 95, "s\\": 95, "h": 55, "n": 60, "m": 65, "4": 25, "l": 60,
    "k_}": 70, "t_}": 70, "p_}": 70, "n_}": 70, "m_}": 75, "l_}": 70, "N": 75,
}  # fmt: skip
_VOWEL_MS = 85
_GLIDE_MS = 25
"""A j- or w- vowel is a little longer than a plain one."""
_LAST_SYLLABLE_STRETCH = 1.6
_EDGE_SILENCE_MS = 200

_PITCH_START, _PITCH_END = 125.0, 105.0
"""The sentence drifts down from about 125 Hz (hn1 is a man's voice)."""
_WORD_RISE = 18.0
_QUESTION_RISE = 40.0

_WORD = re.compile(r"[\uac00-\ud7a3]+")


@dataclass
class _Syllable:
    onset: str  # an initial jamo, or "" for none
    vowel: int
    final: str  # a final jamo, a neutralized class (K N T L M P NG), or ""


@dataclass(frozen=True)
class Phone:
    """One hn1 phoneme; ``syllable`` and ``word`` count from 0 across the sentence."""

    sampa: str
    vowel: bool
    syllable: int
    word: int


def _syllables(word: str) -> list[_Syllable]:
    out = []
    for char in word:
        code = ord(char) - _FIRST
        onset = _INITIALS[code // (_VOWELS * _FINALS)]
        out.append(
            _Syllable(
                "" if onset == "ㅇ" else onset,
                (code // _FINALS) % _VOWELS,
                _FINAL_JAMO[code % _FINALS],
            )
        )
    return out


def _link(syllables: list[_Syllable]) -> None:
    """A final consonant before a vowel moves into the next syllable (읽어 -> 일거)."""
    for this, after in zip(syllables, syllables[1:], strict=False):
        if not this.final or after.onset:
            continue
        stays, moves = _LINKS.get(this.final, ("", this.final))
        if moves in ("ㄷ", "ㅌ") and _VOWEL_SAMPA[after.vowel] == "i":
            moves = "ㅈ" if moves == "ㄷ" else "ㅊ"  # 굳이 -> 구지, 같이 -> 가치
        this.final, after.onset = stays, moves


def _join(this: _Syllable, after: _Syllable) -> None:
    """Rules between a final consonant and the next consonant, in the order they apply."""
    final = this.final
    if final in ("ㅎ", "ㄶ", "ㅀ") and after.onset in _ASPIRATED:
        after.onset = _ASPIRATED[after.onset]  # 좋고 -> 조코
        final = {"ㅎ": "", "ㄶ": "ㄴ", "ㅀ": "ㄹ"}[final]
    elif final == "ㅎ" and after.onset == "ㅅ":
        after.onset, final = "ㅆ", ""
    coda = _NEUTRAL.get(final, final)
    if after.onset == "ㅎ" and coda in _STOPS:
        after.onset, coda = _STOP_JAMO[coda], ""  # 축하 -> 추카
        after.onset = _ASPIRATED[after.onset]
    elif after.onset == "ㄹ" and coda in ("N", "L"):
        coda, after.onset = "L", "l"  # 신라 -> 실라
    elif after.onset == "ㄴ" and coda == "L":
        after.onset = "l"  # 칼날 -> 칼랄
    elif after.onset == "ㄹ" and coda:
        after.onset = "ㄴ"  # 종로 -> 종노
    if after.onset in ("ㄴ", "ㅁ") and coda in _NASALIZED:
        coda = _NASALIZED[coda]  # 합니다 -> 함니다
    elif coda in _STOPS and after.onset in _TENSE:
        after.onset = _TENSE[after.onset]  # 학교 -> 학꾜
    this.final = coda


def _across_words(this: _Syllable, after: _Syllable) -> None:
    """Between words spoken together, a final sound links into a following vowel as the
    sound it has become (옷 안 -> 오단), and the consonant rules apply as within a word."""
    coda = _NEUTRAL.get(this.final, this.final)
    if not after.onset and coda in _CLASS_JAMO:
        this.final, after.onset = "", _CLASS_JAMO[coda]
    else:
        _join(this, after)


def phones(text: str) -> list[Phone]:
    """The hn1 phonemes of ``text``; anything that is not Hangul is left out."""
    words = [_syllables(word) for word in _WORD.findall(text)]
    for syllables in words:
        _link(syllables)
        for this, after in zip(syllables, syllables[1:], strict=False):
            _join(this, after)
    for before, word in zip(words, words[1:], strict=False):
        _across_words(before[-1], word[0])
    out: list[Phone] = []
    syllable_index = 0
    for word_index, syllables in enumerate(words):
        for position, syllable in enumerate(syllables):
            vowel = _VOWEL_SAMPA[syllable.vowel]
            if vowel == "M\\i" and (syllable.onset or position > 0):
                vowel = "i"  # 희망 -> 히망, 회의 -> 회이
            onset = _onset(syllable.onset, vowel, voiced_before=bool(out and _voiced(out[-1])))
            if onset:
                out.append(Phone(onset, False, syllable_index, word_index))
            out.append(Phone(vowel, True, syllable_index, word_index))
            final = _NEUTRAL.get(syllable.final, syllable.final)
            if final:
                out.append(Phone(_CODA_SAMPA[final], False, syllable_index, word_index))
            syllable_index += 1
    return out


def _voiced(phone: Phone) -> bool:
    return phone.vowel or phone.sampa in ("n_}", "m_}", "l_}", "N")


def _onset(jamo: str, vowel: str, voiced_before: bool) -> str:
    if not jamo:
        return ""
    if jamo == "l":
        return "l"
    if voiced_before and jamo in _VOICED:
        return _VOICED[jamo]
    if jamo in ("ㅅ", "ㅆ") and vowel[0] in "ij":
        return "s\\" if jamo == "ㅅ" else "s_>"
    return _ONSET_SAMPA[jamo]


def pho(text: str, speed: float = 1.0) -> str:
    """An MBROLA .pho script speaking ``text``; ``speed`` 1.0 is an unhurried pace."""
    sentence = phones(text)
    lines = [f"_ {_EDGE_SILENCE_MS}"]
    lines.extend(_pho_lines(sentence, speed))
    lines.append(f"_ {_EDGE_SILENCE_MS}")
    return "\n".join(lines) + "\n"


def _pho_lines(sentence: Sequence[Phone], speed: float) -> Iterator[str]:
    if not sentence:
        return
    syllables = sentence[-1].syllable + 1
    last_in_word = {p.word: p.syllable for p in sentence}
    first_in_word: dict[int, int] = {}
    for p in sentence:
        first_in_word.setdefault(p.word, p.syllable)
    for phone in sentence:
        stretch = _LAST_SYLLABLE_STRETCH if phone.syllable == syllables - 1 else 1.0
        if phone.vowel:
            base = _VOWEL_MS + (_GLIDE_MS if phone.sampa[0] in "jw" else 0)
            ms = round(base * stretch / speed)
            pitch = _pitch(phone, syllables, first_in_word[phone.word], last_in_word[phone.word])
            yield f"{phone.sampa} {ms} 10 {pitch[0]:.0f} 90 {pitch[1]:.0f}"
        else:
            yield f"{phone.sampa} {round(_DURATION_MS[phone.sampa] / speed)}"


def _pitch(phone: Phone, syllables: int, first: int, last: int) -> tuple[float, float]:
    """Pitch at the start and end of a vowel: declination, a rise over each word, and a
    question's rise on the last syllable."""

    def at(syllable: float) -> float:
        drift = _PITCH_START + (_PITCH_END - _PITCH_START) * syllable / max(syllables, 1)
        span = max(last - first, 1)
        return drift + _WORD_RISE * min(max((syllable - first) / span, 0.0), 1.0)

    start, end = at(phone.syllable), at(phone.syllable + 0.5)
    if phone.syllable == syllables - 1:
        end = start + _QUESTION_RISE
    return start, end


HN1_DATABASE = Path("/usr/share/mbrola/hn1/hn1")
"""Where Debian's ``mbrola-hn1`` puts the voice (non-free area; ``make install-test`` adds it)."""


def installed() -> bool:
    """Whether MBROLA and the hn1 voice are on this machine."""
    return shutil.which("mbrola") is not None and HN1_DATABASE.is_file()


def speak(text: str, out: Path, speed: float = 1.0) -> list[str]:
    """Write ``text`` spoken by hn1 to the WAV file ``out``; returns MBROLA's warnings (a
    diphone the voice lacks is spoken as a short silence rather than stopping the set)."""
    done = subprocess.run(
        ["mbrola", "-e", str(HN1_DATABASE), "-", str(out)],
        input=pho(text, speed).encode("ascii"),
        capture_output=True,
        check=True,
        timeout=120,
    )
    return done.stderr.decode("utf-8", "replace").split("\n") if done.stderr.strip() else []


if __name__ == "__main__":
    # python -m voice.korean_speech OUT.wav SPEED TEXT (the test-set voice "mbrola-hn1")
    for warning in speak(sys.argv[3], Path(sys.argv[1]), float(sys.argv[2])):
        print(warning, file=sys.stderr)
