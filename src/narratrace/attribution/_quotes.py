"""Find direct-quote spans in raw text, character by character.

Quote marks are ambiguous: a straight ``'`` or a curly ``’`` is usually an apostrophe
(``Mali's``, ``Jama'at``, ``don’t``), a straight ``"`` opens or closes, and an unbalanced
mark must never swallow the rest of the article. So a quote never crosses a paragraph
break unless the next paragraph opens with a quote mark again (the news convention for
a quote running over several paragraphs; one that ends its paragraph in whole sentences ends
there), and single-quote pairs are only taken where
the marks sit at word boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass

_DOUBLE_OPEN = "“«„"
_DOUBLE_CLOSE = "”»"
_SINGLE_OPEN = "‘‹"
_SINGLE_CLOSE = "’›"
_OPEN_BEFORE = " \t\n([{—–-/:;,“\"«‘'"  # what may precede an opening mark
_CLOSE_AFTER = " \t\n)]}.,;:!?—–-/”\"»’'…"  # what may follow a closing mark
_ALL_MARKS = "\"'“”«»„‘’‹›"


@dataclass(frozen=True, slots=True)
class Quote:
    """A quoted stretch: ``start``/``end`` include the marks, ``inner_*`` exclude them."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    single: bool  # made of single quote marks


def _paragraph_ends(text: str) -> list[int]:
    return [i for i, ch in enumerate(text) if ch == "\n"] + [len(text)]


def _next_visible(text: str, i: int) -> str:
    n = len(text)
    while i < n and text[i] in " \t\u00a0":
        i += 1
    return text[i] if i < n else ""


def _is_opener(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return (prev in _OPEN_BEFORE or prev == "\u00a0") and not nxt.isspace()


def _is_closer(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return not prev.isspace() and (nxt in _CLOSE_AFTER or nxt == "\u00a0")


def _scan(text: str, opens: str, closes: str, straight: str, single: bool) -> list[Quote]:
    quotes: list[Quote] = []
    open_at: int | None = None
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch == "\n":
            if open_at is not None:
                # An open quote only survives a paragraph break when the next non-empty
                # paragraph opens with a quote mark (multi-paragraph quotation).
                j = i
                while j < n and text[j] in "\n \t\u00a0":
                    j += 1
                if not (j < n and (text[j] in opens or text[j] == straight)):
                    # A quotation that runs to the end of its paragraph in whole sentences
                    # goes on after a line of page furniture ("Read more"): it ends here.
                    inner = text[open_at + 1:i].rstrip()
                    if not single and len(inner.split()) >= 4 and inner[-1:] in ".!?…":
                        quotes.append(Quote(open_at, open_at + 1 + len(inner), open_at + 1,
                                            open_at + 1 + len(inner), single))
                    open_at = None
                else:
                    i = j + 1  # skip the re-opening mark
                    continue
        elif ch in opens:
            if single and not _is_opener(text, i):
                pass
            else:
                open_at = i
        elif ch in closes:
            if open_at is not None and (not single or _is_closer(text, i)):
                if i - open_at > 1:
                    quotes.append(Quote(open_at, i + 1, open_at + 1, i, single))
                open_at = None
        elif ch == straight:
            if single and text[i - 1:i].isalnum() and text[i + 1:i + 2].isalnum():
                pass  # apostrophe inside a word: Mali's, Jama'at, don't
            elif open_at is None:
                if _is_opener(text, i):
                    open_at = i
            elif _is_closer(text, i) or not single:
                if i - open_at > 1:
                    quotes.append(Quote(open_at, i + 1, open_at + 1, i, single))
                open_at = None
        i += 1
    return quotes


def find_quotes(text: str) -> list[Quote]:
    """Return the quoted stretches of ``text`` in order, outermost only.

    >>> text = 'He said "no way" twice.'
    >>> [text[q.inner_start:q.inner_end] for q in find_quotes(text)]
    ['no way']
    """
    doubles = _scan(text, _DOUBLE_OPEN, _DOUBLE_CLOSE, '"', single=False)
    singles = _scan(text, _SINGLE_OPEN, _SINGLE_CLOSE, "'", single=True)
    # A single-quoted stretch inside a double-quoted one is a nested quote, not a new one.
    out = list(doubles)
    for q in singles:
        if not any(d.start <= q.start and q.end <= d.end for d in doubles) and \
                not any(q.start < d.end and d.start < q.end for d in doubles):
            out.append(q)
    out.sort(key=lambda q: q.start)
    return out


def strip_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past surrounding whitespace, quote marks and edge punctuation."""
    while start < end and (text[start].isspace() or text[start] in _ALL_MARKS + ",:;—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _ALL_MARKS + ",:;—–-"):
        end -= 1
    return start, end
