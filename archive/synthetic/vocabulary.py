"""Words for synthetic articles: one Zipf-distributed vocabulary per language.

The head of each vocabulary is the demo corpus's own words (fixtures/corpus, written for
this project), ranked by how often they occur there, with domain phrases of our own
("joint exercises") placed among them; the long tail is made-up words built from
syllables. So the vocabulary runs to tens of thousands of words and copies no outlet.

Word of rank r (0-based) is drawn with probability proportional to 1 / (r + OFFSET)**EXPONENT
(Zipf–Mandelbrot), the shape of word frequencies in news text. The vocabulary does not
depend on the generator's seed: benchmarks rebuild it to pick their query terms by rank.
"""

import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

CORPUS_DIR = Path(__file__).resolve().parent.parent.parent / "fixtures" / "corpus"
EXPONENT = 1.0
OFFSET = 2.7
ENGLISH_SIZE = 30_000
RUSSIAN_SIZE = 20_000

# fmt: off
ENGLISH_PHRASES = [
    "joint exercises", "military cooperation", "defense ministry", "naval patrol", "air defense",
    "strategic partnership", "border security", "military education", "arms control",
    "regional security", "peacekeeping mission", "military technical cooperation",
    "general staff", "armed forces", "defense industry", "training center", "missile defense",
    "combat readiness", "maritime security", "counterterrorism operation", "military attache",
    "defense budget", "bilateral talks", "working visit", "video link", "joint statement",
    "memorandum of understanding", "military delegation", "naval base", "coast guard",
    "search and rescue", "field hospital", "cyber defense", "logistics support",
    "officer training", "staff talks", "air force", "ground forces",
]
RUSSIAN_PHRASES = [
    "совместные учения", "военное сотрудничество", "министерство обороны",
    "военно-техническое сотрудничество", "стратегическое партнерство", "вооруженные силы",
    "генеральный штаб", "региональная безопасность", "морское патрулирование",
    "противовоздушная оборона", "оборонная промышленность", "боевая готовность",
    "совместное заявление", "рабочий визит", "военная делегация", "борьба с терроризмом",
    "военное образование", "пограничная безопасность",
]
ENGLISH_STOP_NOISE = {"amp", "nbsp", "quot", "http", "https", "www", "com", "html", "utc"}

_SYLLABLES = {  # onsets, vowels, codas ("" several times: open syllables are common)
    "en": (
        ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
         "br", "cr", "dr", "gr", "pr", "tr", "st", "sl", "pl", "ch", "sh", "th"],
        ["a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "ou"],
        ["", "", "", "", "", "n", "r", "l", "s", "t", "m", "nd", "rt"],
    ),
    "ru": (
        ["б", "в", "г", "д", "ж", "з", "к", "л", "м", "н", "п", "р", "с", "т", "ф", "х", "ц",
         "ч", "ш", "бр", "гр", "др", "кр", "пр", "тр", "ст", "сл", "зв"],
        ["а", "е", "и", "о", "у", "а", "е", "о", "я", "ы"],
        ["", "", "", "", "", "н", "р", "л", "с", "т", "м", "к"],
    ),
}
_ENDINGS = {
    "en": ["", "", "", "s", "ed", "ing", "ion", "er", "al", "ity", "ment", "ive"],
    "ru": ["", "а", "ы", "ой", "ого", "ами", "ение", "ить", "ский", "ная", "ов", "ем"],
}
# fmt: on
_CORPUS_WORD = {
    "en": re.compile(r"(?<![\w-])[a-z]+(?:-[a-z]+)*(?![\w-])"),
    "ru": re.compile(r"(?<![\w-])[а-яё]+(?:-[а-яё]+)*(?![\w-])"),
}


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Words by rank (most frequent first) and the cumulative Zipf weights to draw them."""

    language: str
    words: tuple
    cumulative: np.ndarray

    def draw(self, rng, count):
        """`count` word ranks drawn from the Zipf distribution by a numpy Generator."""
        return np.searchsorted(self.cumulative, rng.random(count) * self.cumulative[-1])

    def draw_words(self, rng, count):
        """`count` words drawn from the Zipf distribution, as a list."""
        return self._array[self.draw(rng, count)].tolist()

    @property
    def _array(self):
        return _word_array(self)

    def probability(self, rank):
        """The chance that one drawn word is the word of this rank."""
        previous = self.cumulative[rank - 1] if rank else 0.0
        return float((self.cumulative[rank] - previous) / self.cumulative[-1])

    def share_of_articles(self, rank, words_per_article):
        """Expected share of articles of this length whose text holds the word."""
        return 1 - (1 - self.probability(rank)) ** words_per_article


@cache
def vocabulary(language):
    """The vocabulary of "en" or "ru" (built once per process)."""
    head = _corpus_words(language)
    phrases = ENGLISH_PHRASES if language == "en" else RUSSIAN_PHRASES
    words = list(head)
    # Domain phrases spread over the ranks of common content words.
    for n, phrase in enumerate(phrases):
        words.insert(12 + 9 * n, phrase)
    size = ENGLISH_SIZE if language == "en" else RUSSIAN_SIZE
    words.extend(_made_up_words(language, size - len(words), exclude=set(words)))
    ranks = np.arange(len(words), dtype=np.float64)
    weights = 1.0 / (ranks + OFFSET) ** EXPONENT
    return Vocabulary(language, tuple(words), np.cumsum(weights))


@cache
def _word_array(vocab):
    return np.array(vocab.words, dtype=object)


def _corpus_words(language):
    """Lower-case words of the demo corpus in that language, most frequent first."""
    counts = {}
    for path in sorted(CORPUS_DIR.iterdir()):
        russian = path.stem.endswith("-ru")
        if russian != (language == "ru"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
        text = re.sub(r"<[^>]+>|https?://\S+|&\w+;", " ", text)
        for word in _CORPUS_WORD[language].findall(text):
            if (len(word) > 1 or word in {"a", "в", "и", "с", "к", "о", "у"}) and (
                word not in ENGLISH_STOP_NOISE
            ):
                counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda word: (-counts[word], word))


def _made_up_words(language, count, exclude):
    """`count` distinct pronounceable words that are in no vocabulary yet."""
    onsets, vowels, codas = _SYLLABLES[language]
    endings = _ENDINGS[language]
    rng = random.Random(f"made-up words {language}")
    made = []
    seen = set(exclude)
    while len(made) < count:
        syllables = rng.choice((1, 2, 2, 2, 3))
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(syllables)
        ) + rng.choice(endings)
        if len(word) >= 4 and word not in seen:
            seen.add(word)
            made.append(word)
    return made
