"""Text normalisation for grading: Unicode folding, code-aware tokens, stopwords and a light stemmer.

Every token keeps its surface text (for feedback) and gets a matching *key*: NFKC, casefolded, contractions
expanded (``don't`` → ``not``), punctuation turned into token breaks while code tokens stay whole
(``url_for``, ``@app.route``, ``__name__``, ``app.run()``, ``127.0.0.1``, ``5000``), separators inside a
code token removed (so ``url_for``, ``url-for`` and a joined ``url for`` meet on ``urlfor``) and a light
Snowball stem (PyStemmer's C implementation: ``routes``/``routing``/``routed`` → ``rout``,
``iterative``/``iteration`` → ``iter``); code tokens are never stemmed, and short answers use the light
``stem`` (``serial`` is not ``serialization``). Jinja and URL syntax (``{{``, ``}}``, ``{%``, ``%}``, ``|``,
``<int:id>``) are tokens too.

Each key has a *specificity* weight (``token_weight``): rare words in general English (Zipf frequency from a
shipped table, ``english_frequency.txt``) and code tokens weigh 1; everyday words and generic technical words
("app", "file", "header") weigh less, down to ``MIN_WEIGHT``; ``is_weak`` says a key is not evidence on its own.
"""

from __future__ import annotations

import re
import unicodedata
from importlib import resources
from itertools import chain
from operator import itemgetter
from typing import NamedTuple

import Stemmer

__all__ = [
    "NEGATIONS",
    "STOPWORDS",
    "TOKEN_PATTERN",
    "Token",
    "chunk_tokens",
    "is_media_type",
    "is_number",
    "is_vague",
    "is_weak",
    "join_key",
    "key_of",
    "light_stem",
    "max_edits",
    "prepare_text",
    "same_kind",
    "stem",
    "token_weight",
    "tokenize",
]

# Quotes and dashes NFKC leaves alone.
_CHAR_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": " ",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)
_NEG_CONTRACTION = re.compile(r"(?i)\b(can|won|shan)'t\b|n't\b")
_CONTRACTED = {"won": "will", "shan": "shall"}
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_WITHOUT = re.compile(r"(?i)(?<![\w/])w/o(?![\w/])")
_WITH = re.compile(r"(?i)(?<![\w/])w/(?=\s|$)")
# A token: optional decorator @, word characters joined by '.' or '_' (dotted names, IPs, decimals), an
# optional call "()" or a "++"/"#" suffix (C++, C#); comparison operators (== != === <= >=); media types
# (application/json, text/html: one token, where "json" alone is often the question's word). Everything else
# (hyphens and a lone "=" too) separates tokens.
_TOKEN = re.compile(
    r"\{\{|\}\}|\{%|%\}|<\w+(?::\w+)?>|[=!]==?|[<>]=|\|"
    r"|(?i:application|text|image|audio|video|multipart|font)/\w[\w.+-]*\w"
    r"|@?\w+(?:[._]\w+)*(?:\(\)|\+\+|#)?"
)
TOKEN_PATTERN = _TOKEN  # what the tokenizer reads (the bank linter checks phrasings against it)
_NUMBER = re.compile(r"\d+(?:\.\d+)*")

NEGATIONS = frozenset(
    {
        "not", "no", "never", "nor", "none", "neither", "without", "cannot", "nothing", "nobody",
    }
)  # fmt: skip
_NEG_WORDS = frozenset(
    {
        "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "cant", "wont", "couldnt",
        "shouldnt", "wouldnt", "havent", "hasnt", "hadnt", "aint", "cannot", "mustnt", "neednt",
    }
)  # fmt: skip

# English function words. Negations and quantifiers (not, no, only, all, every, first, before, after, same,
# once, more, less, ...) are deliberately absent: they change what an answer says.
_STOPWORD_TEXT = """
a an the this that these those it its it's they them their theirs there here he she him her his hers
we us our you your yours i me my mine one's is are was were be been being am do does did done doing
have has had having will would shall should can could may might must ca wo sha of to in on at by for
from with as into onto about than then so such also too very just really quite rather pretty and or
but if because while whereas although though since unless whether either what which who whom whose
when where why how s t d ll re ve m o e.g eg i.e ie etc like basically actually simply well okay ok
yes yeah um uh hmm thing things stuff something anything everything way lot lots
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# Content words that carry little on their own (generic verbs; negations and quantifiers): half weight.
_VAGUE_WORDS = "use make get give take allow let need work help want mean call go come put do"
_WEAK_WORDS = (
    "not no never nor none neither without nothing only all every each any some both many much more most less "
    "least few first last before after same once one two other another new differ different"
)


VAGUE_WEIGHT = 0.5
WEAK_WEIGHT = 0.5
MIN_WEIGHT = 0.35  # the weight of the most common English words
COMMON_ZIPF = 4.0  # words at or below this Zipf frequency (once per 100,000 words) weigh 1
WEAK_BELOW = 0.7  # a key weighing less is weak: never evidence of a key point on its own
GENERIC_WEIGHT = 0.5  # generic technical words, common in every answer about software
# Generic technical words: they appear in answers to almost any programming question, whatever it asks.
_GENERIC_WORDS = (
    "app application file folder directory data database db header object function method class code value "
    "variable type string number list system program server client page user key item part tool library "
    "module package interface feature framework web site website default option setting config parameter "
    "argument return instance support handle process thing easy simple run build create build built store "
    "send get set add check way call result level layer output input access manage"
)


class Token(NamedTuple):
    """One token of a text: surface form, unstemmed base, matching key, and whether it is a stopword."""

    surface: str
    base: str
    key: str
    stop: bool


def is_number(key: str) -> bool:
    """True when the key is a number (digits, optionally dotted): such keys only ever match exactly."""
    return _NUMBER.fullmatch(key) is not None


_MEDIA_TOPS = frozenset({"application", "text", "image", "audio", "video", "multipart", "font"})


def is_media_type(key: str) -> bool:
    """True for a media type key (``application/json``, ``text/html``): like a number, a value said or not."""
    top, slash, _ = key.partition("/")
    return bool(slash) and top in _MEDIA_TOPS


def same_kind(key: str, other: str) -> bool:
    """True when two value keys could stand in each other's place: numbers of one length, or two media types."""
    if is_media_type(key):
        return is_media_type(other)
    return len(key) == len(other) and not is_media_type(other)


def max_edits(key: str) -> int:
    """Typos tolerated in a key: none below 5 characters or with digits, 1 up to 7, then 2."""
    n = len(key)
    if n < 5 or any(c.isdigit() for c in key):
        return 0
    return 1 if n < 8 else 2


_NEGATORS = frozenset({"no", "never", "without", "nor", "neither", "cannot"})  # all keyed "not" (None is a value)
_IRREGULAR = {"using": "use", "used": "use", "uses": "use", "data": "data", "bus": "bus", "gas": "gas"}
# Irregular plurals Snowball leaves apart from their singular.
_PLURALS = {
    "children": "child",
    "indices": "index",
    "vertices": "vertex",
    "matrices": "matrix",
    "mice": "mous",
    "analyses": "analysi",
    "criteria": "criterion",
    "men": "man",
    "women": "woman",
    "people": "person",
}
_SNOWBALL = Stemmer.Stemmer("english").stemWord
_ZIPF: dict[str, float] = {}  # filled below from the shipped table (``_load_zipf``)


def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a casefolded word, with a few irregular plurals and adverbs in -ily meeting
    their adjective; non-words unchanged."""
    if len(word) <= 2 or not word.isalpha():
        return word
    plural = _PLURALS.get(word)
    if plural is not None:
        return plural
    if word.endswith("ily") and len(word) > 5:  # Snowball keeps "lazily" apart from "lazy"
        adjective = _SNOWBALL(word[:-3] + "y")
        if adjective in _ZIPF:  # only when that is an English word ("family" is no adverb of "famy")
            return adjective
    return _SNOWBALL(word)


def _is_code(lower: str) -> bool:
    """True for a code token (dotted or underscored name, decorator, call): matched whole, never stemmed."""
    return "_" in lower or "." in lower or "/" in lower or lower.startswith(("@", "<")) or lower.endswith("()")


_VOWELS = frozenset("aeiouy")
_UNDOUBLE = frozenset("bdfgkmnprt")


def light_stem(word: str) -> str:
    """A light suffix-stripping stem of a casefolded alphabetic word (plurals, -ing, -ed, -ly, -ation, -e, -y)."""
    if len(word) <= 3 or not word.isalpha():
        return word
    irregular = _IRREGULAR.get(word)
    if irregular is not None:
        return irregular
    w = word
    if w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix):
            base = w[: -len(suffix)]
            if len(base) >= 3 and any(c in _VOWELS for c in base):
                w = base
                if len(w) > 3 and w[-1] == w[-2] and w[-1] in _UNDOUBLE:
                    w = w[:-1]
            break
    if w.endswith("ation") and len(w) > 7:
        w = w[:-5] + "ate"
    elif w.endswith("ly") and len(w) > 5:
        w = w[:-2]
    if w.endswith("y") and len(w) > 3:
        w = w[:-1] + "i"
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def _squash(lower: str) -> str:
    """Drop decorator/call marks and the separators inside a code token; numbers and dunders stay as they are."""
    if lower.startswith("<") and lower.endswith(">"):  # a URL variable: <int:id> ≡ <int:uid>, <name> ≡ <user>
        return lower.split(":", 1)[0] + ":>" if ":" in lower else "<>"
    if lower.startswith("@"):
        lower = lower[1:]
    if lower.endswith("()"):
        lower = lower[:-2]
    if is_number(lower) or (lower.startswith("__") and lower.endswith("__")):
        return lower
    if "_" in lower or "." in lower:
        lower = lower.replace("_", "").replace(".", "")
        return lower or "_"
    return lower


_KEY_CACHE: dict[str, tuple[str, str, bool]] = {}
_JOIN_CACHE: dict[tuple[str, str], str] = {}
_CACHE_LIMIT = 50_000


def key_of(lower: str) -> tuple[str, str, bool]:
    """Unstemmed base, matching key and stopword flag of one casefolded token (memoised)."""
    hit = _KEY_CACHE.get(lower)
    if hit is not None:
        return hit
    if lower in _NEG_WORDS or lower in _NEGATORS:
        result = (lower, "not", False)
    elif lower in STOPWORDS:
        result = (lower, lower, True)
    else:
        base = _squash(lower)
        result = (base, base if _is_code(lower) else stem(base), False)
    if len(_KEY_CACHE) < _CACHE_LIMIT:
        _KEY_CACHE[lower] = result
    return result


def join_key(left_base: str, right_base: str) -> str:
    """Key of two adjacent tokens written as one word (``multi threading`` → ``multithread``), memoised."""
    pair = (left_base, right_base)
    hit = _JOIN_CACHE.get(pair)
    if hit is None:
        hit = stem(left_base + right_base)
        if len(_JOIN_CACHE) < _CACHE_LIMIT:
            _JOIN_CACHE[pair] = hit
    return hit


def prepare_text(text: str) -> str:
    """Unicode NFKC, quotes/dashes folded, negative contractions spelt out, thousands separators removed."""
    if text.isascii():  # NFKC leaves ASCII alone and the only ASCII character mapped is the backtick
        if "`" in text:
            text = text.replace("`", " ")
    else:
        text = unicodedata.normalize("NFKC", text).translate(_CHAR_MAP)
    if "'" in text:
        text = _NEG_CONTRACTION.sub(
            lambda m: _CONTRACTED.get((m.group(1) or "").lower(), m.group(1) or "") + " not", text
        )
    if "," in text:
        text = _THOUSANDS.sub("", text)
    if "/" in text:  # chat shorthand: "w/o a server", "w/ TESTING=True"
        text = _WITHOUT.sub(" without ", text)
        text = _WITH.sub(" with ", text)
    return text


class _ChunkTokens(dict[str, tuple[Token, ...]]):
    """Memo of the tokens of one whitespace-free chunk of prepared text (tokens never span whitespace)."""

    def __missing__(self, chunk: str) -> tuple[Token, ...]:
        tokens = tuple(_make_token(s) for s in _TOKEN.findall(chunk))
        if len(self) < _CACHE_LIMIT:
            self[chunk] = tokens
        return tokens


def _make_token(surface: str) -> Token:
    """The token of one surface form."""
    base, key, stop = key_of(surface.casefold())
    if stop and len(surface) > 1 and surface.isupper() and surface.isalpha():
        stop = False  # WHERE, HAVING, AS: keywords typed in capitals are content, not function words
    return Token(surface, base, key, stop)


_CHUNKS = _ChunkTokens()


def chunk_tokens(chunk: str) -> tuple[Token, ...]:
    """The tokens of one whitespace-free chunk of ``prepare_text`` output (memoised)."""
    return _CHUNKS[chunk]


def tokenize(text: str) -> list[Token]:
    """Tokens of a text with their surface form (original casing), key and stopword flag."""
    return list(chain.from_iterable(map(_CHUNKS.__getitem__, prepare_text(text).split())))


_VAGUE = frozenset(stem(w) for w in _VAGUE_WORDS.split())
_WEAK = frozenset(stem(w) for w in _WEAK_WORDS.split())
_GENERIC = frozenset(stem(w) for w in _GENERIC_WORDS.split())


def _load_zipf() -> dict[str, float]:
    """The shipped general-English frequency table: Snowball stem → Zipf frequency."""
    text = resources.files("bot.grading").joinpath("english_frequency.txt").read_text(encoding="utf-8")
    table: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            word, zipf = line.split()
            table[word] = float(zipf)
    return table


_ZIPF.update(_load_zipf())
_WEIGHT_CACHE: dict[str, float] = {}


def english_keys() -> frozenset[str]:
    """The keys of the shipped general-English frequency table (words spelt right)."""
    return frozenset(_ZIPF)


def zipf_of(key: str) -> float:
    """General-English Zipf frequency of a key (0 for words outside the table, code and numbers)."""
    return _ZIPF.get(key, 0.0)


def token_weight(key: str) -> float:
    """Specificity of a content key: 1 for rare words, code and numbers, down to ``MIN_WEIGHT`` for everyday ones.

    Generic verbs, negations and quantifiers weigh half; generic technical words at most ``GENERIC_WEIGHT``.
    """
    hit = _WEIGHT_CACHE.get(key)
    if hit is not None:
        return hit
    if key in _VAGUE:
        weight = VAGUE_WEIGHT
    elif key in _WEAK:
        weight = WEAK_WEIGHT
    else:
        zipf = _ZIPF.get(key, 0.0)
        slope = (1.0 - MIN_WEIGHT) / 2.0  # from 1 at COMMON_ZIPF to MIN_WEIGHT two Zipf units above
        weight = 1.0 if zipf <= COMMON_ZIPF else max(MIN_WEIGHT, 1.0 - (zipf - COMMON_ZIPF) * slope)
        if key in _GENERIC:
            weight = min(weight, GENERIC_WEIGHT)
    if len(_WEIGHT_CACHE) < _CACHE_LIMIT:
        _WEIGHT_CACHE[key] = weight
    return weight


def is_vague(key: str) -> bool:
    """True for a generic verb, negation or quantifier ("use", "one", "differ"): never a thing a question names."""
    return key in _VAGUE or key in _WEAK


def is_weak(key: str) -> bool:
    """True for a key that is not evidence on its own (an everyday or generic word, a negation, a quantifier)."""
    return token_weight(key) < WEAK_BELOW


# Polarity: a negator puts the next few words of its clause in negative polarity ("no children", "never stored
# in plain text", "not encrypted"); "instead of X" and "rather than X" negate X. A clause ends at , ; : . ! ? (
# ), a dash or an arrow standing alone, or a joining word ("and", "or", "but", ...), as the clauses of a model
# answer do (``derive.py``).
NEGATOR_KEYS = frozenset({"not", "nothing"})
# After these, polarity is unclear ("avoid hard-coding" = "do not hard-code", but "avoid it by locking in order"):
# the next words are never read as positive or negative.
_UNCLEAR_WORDS = frozenset(
    {"avoid", "avoids", "avoided", "avoiding", "prevent", "prevents", "prevented", "preventing", "instead", "unlike",
     "rather", "except"}
)  # fmt: skip
NEGATION_SCOPE = 4  # content words after a negator that it governs
_INSTEAD = {("instead", "of"), ("rather", "than")}
_CLAUSE_WORDS = frozenset(
    {"and", "or", "but", "while", "whereas", "although", "though", "so", "because", "however", "yet", "otherwise",
     "then"}
)  # fmt: skip
_CLAUSE_END = ",;:.!?)"
_DASHES = frozenset({"-", "--", "->", "=>", "\u2192", "\u21d2"})  # a dash or an arrow standing alone ends a clause too


POSITIVE, NEGATED, UNCLEAR = 0, 1, 2
_BASE = itemgetter(1)  # Token.base
_KEY = itemgetter(2)  # Token.key


def negated_flags(text: str) -> tuple[list[Token], list[int]]:
    """The tokens of a text (as ``tokenize``) and, per token, its polarity: POSITIVE, NEGATED or UNCLEAR."""
    plain = tokenize(text)
    if NEGATOR_KEYS.isdisjoint(map(_KEY, plain)) and _UNCLEAR_WORDS.isdisjoint(map(_BASE, plain)):
        return plain, [POSITIVE] * len(plain)  # no negation anywhere: the common case, one pass
    tokens: list[Token] = []
    breaks: list[bool] = []
    for chunk in prepare_text(text).split():
        got = _CHUNKS[chunk]
        if not got:
            if breaks and (chunk[-1] in _CLAUSE_END or chunk in _DASHES):  # "not app size - extensions for the rest"
                breaks[-1] = True
            continue
        if chunk[0] == "(" and breaks:
            breaks[-1] = True
        tokens.extend(got)
        breaks.extend([False] * (len(got) - 1))
        breaks.append(chunk[-1] in _CLAUSE_END)
    flags = [POSITIVE] * len(tokens)
    scope = 0
    state = NEGATED
    for j, tok in enumerate(tokens):
        key = tok.key
        if key in NEGATOR_KEYS:
            # "no, tuples are immutable": an interjection, not a negation of what follows
            scope, state = (0 if breaks[j] and tok.base == "no" else NEGATION_SCOPE), NEGATED
        elif j + 1 < len(tokens) and (tok.base, tokens[j + 1].base) in _INSTEAD:
            scope, state = NEGATION_SCOPE + 1, NEGATED  # the "of"/"than" is a stopword, not counted below
        elif tok.base in _UNCLEAR_WORDS:
            scope, state = NEGATION_SCOPE, UNCLEAR
        elif key in _CLAUSE_WORDS and not (key == "or" and state == NEGATED and scope):
            scope = 0  # "no ORM or form validation": the negation reaches past "or"
        elif scope:
            flags[j] = state
            if not tok.stop:
                scope -= 1
        if breaks[j]:
            scope = 0
    return tokens, flags
