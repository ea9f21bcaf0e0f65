"""Small text helpers shared by the claims, provenance and events stages."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..records import content_id
from ..types import Mention

__all__ = ["STOPWORDS", "content_id", "in_span", "key_terms", "norm_name", "refine_sentences",
           "sentence_of", "split_sentences", "stem", "words"]

_SENT_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9À-Ý])|\n+")
_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Maj|Capt|Prof|Rep|Sen|Gov|Gens|No|vs|Jr|Sr|[A-Z])\.$")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)

#: Function words and newsroom filler that carry no content when comparing two sentences.
STOPWORDS = frozenset("""
a an the of and or but to in on at by for from with as into onto over under about after before
during since than that this these those it its is are was were be been being has have had do does
did not no so such which who whom whose what when where while also very more most some any all
each other their there they them he she his her him we our us you your i me my mine one two three
said says say told according reported report reports reportedly allegedly further including
will would could should may might can must just even only own same new last first this year
""".split())


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans from punctuation and line breaks (used when no parse is given).

    >>> split_sentences("One two. Three four.\\nFive")
    [(0, 8), (9, 20), (21, 25)]
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in [*_SENT_END.finditer(text), None]:
        if match and "\n" not in match.group(0) and _ABBREV.search(text, 0, match.start()):
            continue  # "Mr. Smith", "Gen. Ali": not a sentence end
        end = match.start() if match else len(text)
        if match:  # closing quotes and brackets stay with their sentence
            closers = re.match(r"[\"'”’)\]]*", text[end:])
            end += len(closers.group(0)) if closers else 0
        chunk = text[pos:end]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if trail > lead:
            spans.append((pos + lead, pos + trail))
        pos = match.end() if match else len(text)
    return spans


def refine_sentences(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Split given sentence spans at line breaks (a parser glues headings to the next line)."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        pos = start
        for m in [*re.finditer(r"\n+", text[start:end]), None]:
            stop = start + m.start() if m else end
            chunk = text[pos:stop]
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk.rstrip())
            if trail > lead:
                out.append((pos + lead, pos + trail))
            pos = start + m.end() if m else end
    return out


def norm_name(text: str) -> str:
    """A comparison key for a name: lower case, possessive, article and demonym endings off.

    Demonyms share a key with their country so that "Malian troops" and "Mali" overlap.

    >>> norm_name("the Ukrainian"), norm_name("Ukraine's"), norm_name("Russia"), norm_name("Russian")
    ('ukrain', 'ukrain', 'russ', 'russ')
    """
    words = [w for w in _WORD.findall(text.replace("’", "'")) if w.lower() not in ("the", "a", "an")]
    out = []
    for word in words:
        w = word.lower()
        if w.endswith("'s"):
            w = w[:-2]
        for suffix in ("ian", "ean", "ese", "ish", "an"):
            if len(w) - len(suffix) >= 4 and w.endswith(suffix):
                w = w[: -len(suffix)]
                break
        while len(w) > 4 and w[-1] in "aei":  # Russia/Russ-ian, Ukraine/Ukrain-ian
            w = w[:-1]
        out.append(w)
    return " ".join(out)


#: Words before a person's name that are not part of it ("Ms Okafor", "Minister Okafor").
_TITLES = frozenset("mr mrs ms miss dr prof professor sir dame minister president prime senator mayor "
                    "governor general colonel captain commodore admiral chief judge justice".split())


def name_keys(name: str) -> tuple[str, str | None, str | None]:
    """Comparison keys of a speaker's name: its :func:`norm_name`; the one word it is, titles
    off ("Ms Okafor" → "okafor"), if it is one word; a person's surname, if it is two or three
    capitalised words with no organisation word ("Adaeze Okafor" → "okafor")."""
    words = [w for w in name.replace("’", "'").split() if w.lower().strip(".") not in _TITLES]
    single = norm_name(words[0]) if len(words) == 1 else None
    surname = norm_name(words[-1]) if 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words) \
        and not _ORGISH.search(name) else None
    return norm_name(name), single, surname


def same_actor(a: str, b: str) -> bool:
    """Do two speaker names name one actor? Equal keys (:func:`norm_name`), or one is the
    other's surname, alone or after a title ("Ms Okafor", "Okafor" and "Adaeze Okafor").

    >>> same_actor("Adaeze Okafor", "Ms Okafor"), same_actor("Okafor", "Adaeze Okafor")
    (True, True)
    >>> same_actor("Adaeze Okafor", "Chidi Okafor"), same_actor("Okafor Holdings", "Okafor")
    (False, False)
    """
    (ka, sa, la), (kb, sb, lb) = name_keys(a), name_keys(b)
    return ka == kb or (sa is not None and sa == lb) or (sb is not None and sb == la)


_ORGISH = re.compile(r"\b(?:Holdings|Group|Ltd|Inc|Company|Ministry|Government|Agency|Council|Service|Office|"
                     r"Association|Federation|Union|Bank|Institute|University|Centre|Center|Authority)\b")


def stem(word: str) -> str:
    """A crude prefix stem: good enough to match supply/supplied/suppliers across sentences."""
    w = word.lower()
    return w[:5] if len(w) > 5 else w


def key_terms(text: str) -> set[str]:
    """Content-word stems of ``text`` (stopwords and short words dropped)."""
    return {stem(w) for w in _WORD.findall(text) if len(w) > 2 and w.lower() not in STOPWORDS
            and not w.isdigit()}


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def in_span(items: Iterable[Mention], start: int, end: int) -> list[Mention]:
    """Mentions lying inside ``[start, end)``, in text order."""
    return sorted((m for m in items if m.start >= start and m.end <= end), key=lambda m: m.start)


def sentence_of(spans: Sequence[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    """The sentence span containing character ``pos``."""
    for start, end in spans:
        if start <= pos < end:
            return start, end
    return None
