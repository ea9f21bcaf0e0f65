"""Boilerplate removal for plain text: score lines, find the article block, label the rest.

The method, in three layers:

1. **Line features.** The text is split into logical lines (hard-wrapped lines are joined back),
   each scored: sentence-like lines (enough words, sentence punctuation, a share of lower-case
   function words) count their word count; short non-sentence lines (menus, headings, credits)
   cost a fixed penalty; lines a keyword lexicon marks as boilerplate cost more.
2. **Block.** The article is the highest-scoring contiguous run of lines (maximum-sum
   subarray, as in Body Text Extraction, Finn et al. 2001), so short headings *inside* the
   article survive while menus and link lists around it go. Headings such as "Related
   articles" or "Comments" are walls: costly to cross, and once the block holds a full
   article the first wall ends it, because past it come other stories and reader comments.
   Before the block is sought, the shape of neighbouring lines adjusts their weights: a
   numbered list or a table is article content (costs nothing); a caption above a bare photo
   credit, a short line the page repeats three times, and headlines cut with an ellipsis are
   furniture (cost like lexicon lines).
3. **Labels.** Inside the block, lexicon lines (captions, credits, share bars, bylines) and the
   repeated title are still removed; outside it, every line is removed with the kind its
   wording, its position (after a "Related" heading) or the corpus (``boilerplate``) gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..types import Removed, RemovedKind
from ._lexicon import PHOTO_CREDIT, SOCIAL_WORDS, match_line, tail_heading
from ._meta import (DATE_KEYWORD, CreditKind, acronym_of, copyright_holder, dateline_date, expand_acronym,
                    find_date,
                    glued_byline, has_outlet_word, is_tagline, known_outlet, line_credits, masthead_name,
                    rank_credits, same_name)
from ._signature import line_key

__all__ = ["Line", "TextResult", "clean_text", "split_lines"]

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Scripts whose prose is counted in characters, not words: CJK, and Thai and Lao, written
# without spaces between words or a full stop (a line of Thai prose was one or two "words").
_CJK = re.compile(r"[\u0e00-\u0eff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_TERMINAL = re.compile(r"[.!?…。！？;,:]['\"”’»)\]]*\s*$")
_SENT_BREAK = re.compile(r"[.!?…。！？]['\"”’»)]*\s+['\"“‘«(]?[A-ZÀ-ÖØ-Þ0-9]")
_GLUE = re.compile(r"[a-z][A-Z]")
# Each ``\w+`` starts at a word boundary: unanchored, a 80,000-letter run was tried from every
# letter to its end (quadratic: 67 s for one line).
_MARKUP = re.compile(r"&lt;|&gt;|</?[a-z]+[\s>]|\{\{?|\}\}?|\b\w+=[\"']|\b\w+:\s*\d+px|;\s*\w+:")
# "Some Headline In Title CaseThe teaser sentence ...": a teaser whose headline and summary
# sat in adjacent inline elements, the typical shape of a related-stories list.
_GLUED_TEASER = re.compile(r"^(.{15,160}?[\w’'!?)])([A-Z][a-z]+\b)")
# "— Jane Doe (@janedoe) June 2, 2031": an embedded post, whose date is not the article's.
_EMBED = re.compile(r"\(@\w{1,30}\)|\bpic\.twitter\.com/")
_DATED_TITLE = re.compile(
    r"^\s*(?:date|published|posted)\s*:?\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4})\s+(.{10,})$",
    re.I)

# Weights of the block finder. Tuned on the Zyte benchmark plain-text renderings (92 pages):
# a non-sentence line costing 3 words lets a sub-heading sit between two paragraphs while a
# menu of ten items outweighs a stray sentence; lexicon lines cost more because their wording
# is stronger evidence than their shape. A wall ("Related articles") costs WALL_PENALTY; once
# the block holds CUT_WORDS words of sentences, a wall ends it unless paragraphs, not teaser
# headlines, follow it (news sites put "Related" boxes inside the article too).
SHORT_PENALTY = 3.0
LEXICON_PENALTY = 6.0
WALL_PENALTY = 30.0
CUT_WORDS = 60
FOLLOW_WINDOW = 12
# An inline box of headlines longer than FOLLOW_WINDOW is still inline when this many
# paragraphs in a row follow it within twice the window (see _resumes).
RESUME_LINES = 4
MIN_SENTENCE_WORDS = 6
LONG_LINE_WORDS = 15
TITLE_MAX_WORDS = 30
# Words after a glued headline from which the line is read as a paragraph, not a teaser. On the
# Zyte renderings glued lines up to 40 words are mostly teasers (54 of 81); past it, as many
# are article paragraphs as teasers, and losing a paragraph costs more than keeping a teaser.
GLUED_PARAGRAPH_WORDS = 40
# The shape rules below (lists, tables, captions, recurring lines, cut headlines) are set from
# what such furniture looks like, not fitted: on the Zyte plain-text renderings they took token
# F1 from 0.9028 to 0.9431 (HTML 0.9642 -> 0.9646, through the shared lexicon).
# Numbered lists and tables (see _mark_lists): three items in sequence make a list; twelve
# short cells (at most six words), two in five of them numbers, make a table (a menu has no
# numeric cells).
LIST_MIN_ITEMS = 3
TABLE_MIN_CELLS = 12
TABLE_CELL_WORDS = 6
# Three headlines ending in an ellipsis within four lines of each other are a list of links.
TRUNCATED_RUN = 3
TRUNCATED_MAX_WORDS = 16
# A short line (at most REPEAT_MAX_WORDS words) shown REPEAT_MIN times in one page is its furniture.
REPEAT_MIN = 3
REPEAT_MAX_WORDS = 8
# A caption is one or two sentences; a longer line above a credit is a paragraph.
CAPTION_MAX_WORDS = 60
# Leaked markup: three hits make a line template code, and at least one every MARKUP_WORDS
# words (a 180-word paragraph with two "{link}" placeholders in it is prose).
MARKUP_WORDS = 20
# Mastheads ("Example Ledger | World") sit among the first lines of a page, above the article.
HEAD_LINES = 8
# Lines above the article block searched for its title (page renderings put the byline, date,
# share bar and section labels between the headline and the first paragraph).
TITLE_WINDOW = 15


@dataclass(slots=True)
class Line:
    """One logical line: ``start``/``end`` are offsets into the source (end excludes ``\\n``)."""

    start: int
    end: int
    text: str
    n_words: int = 0
    sentence: bool = False
    weight: float = 0.0
    kind: RemovedKind | None = None  # lexicon kind
    wall: RemovedKind | None = None  # "related"/"comments" heading
    key: str = ""
    glued_teaser: bool = False
    glued_at: int = 0  # where the sentence starts after a heading run into it ("...LawnThe")
    listed: bool = False  # an item of a numbered list or a cell of a table
    repeats: bool = False  # a short line the document itself shows three times or more


@dataclass(slots=True)
class TextResult:
    removed: list[Removed] = field(default_factory=list)
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    syndicator: str | None = None


def _n_words(text: str) -> int:
    cjk = len(_CJK.findall(text))
    return len(_WORD.findall(text)) + cjk // 2


def split_lines(source: str) -> list[Line]:
    """Logical lines of ``source``; a hard-wrapped line (next line starts lower-case, this one
    has no closing punctuation) is joined with the next one."""
    lines: list[Line] = []
    pos = 0
    prev_joinable = False
    for raw in source.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        start = pos + (len(body) - len(body.lstrip()))
        end = pos + len(body.rstrip())
        pos += len(raw)
        if not stripped:
            prev_joinable = False
            continue
        if prev_joinable and lines and stripped[0].islower() and not (
                DATE_KEYWORD.match(stripped) and find_date(stripped)):  # "date 2031-01-02"
            last = lines[-1]
            last.end = end
            last.text = f"{last.text} {stripped}"
        else:
            lines.append(Line(start, end, stripped))
        prev_joinable = not re.search(r"[.!?:;。]['\"”’»)]*$", stripped) and _n_words(stripped) >= 3
    return lines


def _lower_share(text: str) -> float:
    """The share of words that start with a small letter, or with a letter of a script without
    capitals (Arabic, Hebrew, Devanagari, Thai): prose in such a script is all "small"; a
    one-sentence Arabic article read as a line of capitalised names was "no article text"."""
    words = [w for w in _WORD.findall(text) if not w.isdigit()]
    if not words:
        return 0.0
    return sum(1 for w in words if w[0].islower() or w[0].isalpha() and not w[0].isupper()) / len(words)


def _is_social(text: str) -> bool:
    words = [w.lower() for w in re.findall(r"[\w-]+", text)]
    return bool(words) and len(words) <= 12 and sum(w in SOCIAL_WORDS for w in words) / len(words) >= 0.6


def _featurise(line: Line, boilerplate: frozenset[str]) -> None:
    t, n = line.text, _n_words(line.text)
    line.n_words = n
    line.key = line_key(t)
    lower = _lower_share(t)
    cjk = bool(_CJK.search(t))
    terminal = bool(_TERMINAL.search(t)) or bool(_SENT_BREAK.search(t))
    line.sentence = (n >= MIN_SENTENCE_WORDS and terminal and (lower >= 0.3 or cjk)) or (
        n >= LONG_LINE_WORDS and (lower >= 0.4 or cjk))
    line.wall = tail_heading(t, n)
    line.kind = match_line(t, n) or ("share" if _is_social(t) else None)
    if line.kind is None and len(_MARKUP.findall(t)) >= max(3, n / MARKUP_WORDS):
        line.kind = "other"  # leaked markup or template code, not prose
    # A teaser is a headline and a sentence or two; a headline glued to a whole paragraph
    # ("...the AbyssAccording to ClimateWatch, ...") is a sub-heading run into article text.
    if line.kind is None and (g := _GLUED_TEASER.match(t)) and not g[1].endswith(" "):
        head = [w for w in _WORD.findall(g[1]) if not w.isdigit()]
        if len(head) >= 4 and sum(w[0].isupper() for w in head) / len(head) >= 0.6 \
                and g[1][-1] != " " and not g[1][-1].isupper():
            line.glued_at = g.end(1)
            if _n_words(t[g.end(1):]) < GLUED_PARAGRAPH_WORDS:
                line.kind, line.glued_teaser = "related", True
    if line.wall is not None and n <= 6 and not re.search(r":\s*\S", t):
        line.weight = -WALL_PENALTY  # a bare heading: a wall
        return
    if line.wall is not None:  # "Read more: <headline>": an inline link, not a wall
        line.kind = line.kind or line.wall
        line.wall = None
    if line.kind is not None:
        line.weight = -LEXICON_PENALTY
    elif line.key in boilerplate and _SENT_BREAK.search(t):
        # a recurring paragraph of several sentences (an outlet's note) weighs against the
        # article as much as it would count for it: the block does not reach across it
        line.weight = -float(n)
    elif line.key in boilerplate:
        line.weight = 0.0 if line.sentence else -SHORT_PENALTY
    elif line.sentence:
        line.weight = float(n)
    elif n >= 4 and terminal and lower >= 0.3:
        line.weight = n * 0.5  # a short sentence ("Colombia had lost on Monday.")
    else:
        line.weight = -SHORT_PENALTY


_ITEM_NUMBER = re.compile(r"^(\d{1,3})(?:[.)]|[aoºª°]\b)\s*\S")
_CELL = re.compile(r"^[-+]?[\d.,:%/]+$")


def _mark_lists(lines: list[Line]) -> None:
    """Numbered lists ("1) ...", "2) ...") and tables (a run of short cells, many of them
    numbers) are content of the article: menus are neither numbered in sequence nor numeric.
    Their short lines cost nothing instead of SHORT_PENALTY, so the article block reaches
    across them; they count as short lines, never as prose, where a wall is weighed."""
    run: list[int] = []
    last = 0  # the number of the run's last item
    for idx, line in enumerate(lines):
        m = _ITEM_NUMBER.match(line.text)
        if m is None or line.sentence:
            if idx - (run[-1] if run else idx) > 1:  # one unnumbered line may sit between items
                _list_run(lines, run)
                run = []
            continue
        if run and int(m[1]) != last + 1:
            _list_run(lines, run)
            run = []
        run.append(idx)
        last = int(m[1])
    _list_run(lines, run)
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and not lines[end].sentence and lines[end].n_words <= TABLE_CELL_WORDS \
                and lines[end].kind is None and lines[end].wall is None:
            end += 1
        cells = lines[start:end]
        if len(cells) >= TABLE_MIN_CELLS and sum(bool(_CELL.match(c.text)) for c in cells) >= 0.4 * len(cells):
            for c in cells:
                c.weight, c.listed = max(c.weight, 0.0), True
        start = end + 1


def _mark_captions(lines: list[Line]) -> None:
    """A line followed by a bare photo credit ("Jane Doe, Agency", "Agency / Getty Images")
    is the photo's caption when the article goes on after it: both go. Under the last
    paragraph a bare agency name credits the story, not a photo."""
    for idx in range(1, len(lines)):
        line, prev = lines[idx], lines[idx - 1]
        if line.n_words > 12 or line.sentence or not PHOTO_CREDIT.match(line.text):
            continue
        line.kind, line.weight = "credit", -LEXICON_PENALTY
        goes_on = any(nxt.sentence for nxt in lines[idx + 1:idx + 4])
        if goes_on and prev.kind is None and prev.wall is None and prev.n_words <= CAPTION_MAX_WORDS:
            prev.kind, prev.weight = "caption", -LEXICON_PENALTY


def _mark_repeats(lines: list[Line]) -> None:
    """A short line the page shows three times or more (a share bar under every teaser, a
    series label over each item, digits folded) is the page's furniture: it costs what a
    lexicon line costs, though it stays when it sits inside the article (a speaker's name
    in a transcript recurs too)."""
    counts: dict[str, int] = {}
    for line in lines:
        if not line.sentence and line.n_words <= REPEAT_MAX_WORDS and line.key:
            counts[line.key] = counts.get(line.key, 0) + 1
    for line in lines:
        if counts.get(line.key, 0) >= REPEAT_MIN and line.kind is None and line.wall is None \
                and not line.listed and not line.sentence and line.n_words <= REPEAT_MAX_WORDS:
            line.repeats = True
            line.weight = min(line.weight, -LEXICON_PENALTY)


_TRUNCATED = re.compile(r"(?:\.{2,}|…)['\"”’»)]*$")


def _mark_truncated(lines: list[Line]) -> None:
    """Headlines cut short with an ellipsis ("Council votes to close the..."), three or more
    among neighbouring lines, are a list of links to other stories. An article may trail off
    once; it does not end line after line that way."""
    cut = [idx for idx, ln in enumerate(lines)
           if ln.n_words <= TRUNCATED_MAX_WORDS and _TRUNCATED.search(ln.text) and ln.kind is None]
    for k, idx in enumerate(cut):
        near = [o for o in cut[max(0, k - 2):k + 3] if abs(o - idx) <= 2 * (TRUNCATED_RUN - 1)]
        if len(near) >= TRUNCATED_RUN:
            lines[idx].kind, lines[idx].weight = "related", -LEXICON_PENALTY


def _list_run(lines: list[Line], run: list[int]) -> None:
    if len(run) < LIST_MIN_ITEMS:
        return
    for idx in run:
        line = lines[idx]
        if line.kind is None or line.glued_teaser:
            line.kind, line.glued_teaser, line.listed = None, False, True
            line.weight = max(line.weight, 0.0)


def _best_block(lines: list[Line]) -> tuple[int, int] | None:
    """Indices [i, j] of the best run of lines (maximum-sum subarray), cut at the first wall
    that follows a substantial part of the article."""
    best: tuple[float, int, int] | None = None
    cur, cur_start = 0.0, 0
    for idx, line in enumerate(lines):
        if cur <= 0:
            cur, cur_start = 0.0, idx
        cur += line.weight
        if cur > 0 and (best is None or cur > best[0]):
            best = (cur, cur_start, idx)
    if best is None:
        return None
    _, i, j = best
    words = 0.0
    for idx in range(i, j + 1):
        line = lines[idx]
        if line.wall is not None and words >= CUT_WORDS and not _article_follows(lines, idx, j):
            # a "Related"/"Comments" heading after the article: the rest is other stories
            j = _best_end(lines, i, idx)
            break
        words += max(line.weight, 0.0)
    return i, j


def _best_end(lines: list[Line], i: int, stop: int) -> int:
    """The end in [i, stop) that maximises the block's sum (drops a weak trailing fringe)."""
    total, best, best_k = 0.0, float("-inf"), i
    for k in range(i, stop):
        total += lines[k].weight
        if total > best:
            best, best_k = total, k
    return best_k


def _article_follows(lines: list[Line], wall: int, j: int) -> bool:
    """Whether the lines after an inline wall read as the rest of the article: within the next
    FOLLOW_WINDOW plain lines, mostly paragraphs rather than teaser headlines with their date
    and source lines. Lexicon lines (captions, share bars) and further walls are skipped.
    Paragraphs parted by one recurring short line ("Share | Save" under each) are teasers.
    A box of bare headlines longer than the window is inline too when, right after it, the
    article resumes with RESUME_LINES paragraphs in a row (a tail of teasers alternates
    headlines and single sentences; comments and author boxes never resume the article)."""
    if lines[wall].wall == "related" and _resumes(lines, wall, j):
        return True
    prose = short = 0
    seps: dict[str, int] = {}
    for line in lines[wall + 1:j + 1]:
        if line.wall is not None or line.kind is not None:
            continue
        if line.repeats:
            seps[line.key] = seps.get(line.key, 0) + 1
            if seps[line.key] >= 2:
                return False
        if line.weight > 0 and not line.listed:
            prose += 1
        else:
            short += 1
        if prose + short >= FOLLOW_WINDOW:
            break
    return prose >= 2 and prose >= short


def _resumes(lines: list[Line], wall: int, j: int) -> bool:
    seen = run = 0
    for line in lines[wall + 1:j + 1]:
        if line.wall is not None or (seen >= 2 * FOLLOW_WINDOW and run == 0):
            return False
        if line.kind is not None:
            continue
        seen += 1
        run = run + 1 if line.sentence and not line.listed else 0
        if run >= RESUME_LINES:
            return True
    return False


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def _dated(line: Line) -> bool:
    """A line that is only a date or a byline ("June 17, 2031", "date 2031-06-17", "By X")."""
    return (line.n_words <= 8 and find_date(line.text) is not None) or line.kind == "byline"


def _title_like(line: Line) -> bool:
    return (2 <= line.n_words <= TITLE_MAX_WORDS and line.kind is None and line.wall is None
            and not re.search(r"[.;,:]$", line.text) and find_date(line.text) is None
            and glued_byline(line.text) is None)


def _find_masthead(lines: list[Line], i: int) -> tuple[int, str] | None:
    """(index, outlet name) of the masthead line in the page head, if any.

    A masthead is a short name-shaped line (optionally "| Section" or "— date") that carries
    evidence of naming an outlet: an outlet word ("Ledger", "Wire"), a name in the packaged
    outlet registries, the name recurring elsewhere in the document (footer, promo), or the
    header layout title → name → date. A single word needs an outlet word or the registry
    (a lone capitalised word over a date is a dateline place)."""
    for idx, line in enumerate(lines[:min(len(lines), i + 3, HEAD_LINES)]):
        if line.sentence or line.wall is not None or line.kind not in (None, "byline"):
            continue
        found = masthead_name(line.text)
        if found is None:
            continue
        name, rest = found
        if has_outlet_word(name) or known_outlet(name):
            return idx, name
        # (a headline may ask: "Is X about to close?")
        titled = idx >= 1 and 3 <= lines[idx - 1].n_words <= TITLE_MAX_WORDS and not re.search(
            r"[.!]$", lines[idx - 1].text)
        # A name with its slogan under the headline ("Example Vial - health news for parents")
        # or with its acronym spelled out: a site's masthead.
        if titled and rest and (is_tagline(rest) or acronym_of(rest) == name):
            return idx, name
        if len(name.split()) < 2:
            continue
        low = name.lower()
        # Recurring in a footer, promo or copyright line; a repeated headline or a sentence
        # about the organisation ("the Taskforce was set up ...") is no masthead evidence.
        recurs = any(low in other.text.lower() for k, other in enumerate(lines)
                     if k != idx and not other.sentence and _norm(other.text) != _norm(line.text))
        # a date under it; a byline under a name-shaped line is a headline's, not a masthead's
        dated = bool(rest and find_date(rest)) or (
            idx + 1 < len(lines) and find_date(lines[idx + 1].text) is not None
            and lines[idx + 1].n_words <= 8 and not lines[idx + 1].sentence)
        if recurs or (dated and (titled or idx == 0)):
            return idx, name
    return None


def _title_by_masthead(lines: list[Line], m: int, i: int) -> int | None:
    """The title next to masthead ``m``: the nearest title-like line above it (past date and
    byline lines), else the first one below it that is not yet the article."""
    for k in range(m - 1, max(-1, m - 4), -1):
        if _dated(lines[k]):
            continue
        if _title_like(lines[k]) or (k == 0 and 3 <= lines[k].n_words <= TITLE_MAX_WORDS
                                     and not re.search(r"[.!?;,:]$", lines[k].text)):
            return k
        break
    for k in range(m + 1, min(len(lines), m + 4)):
        if _dated(lines[k]):
            continue
        if _title_like(lines[k]) and (k < i or not lines[k].sentence):
            return k
        break
    return None


_PATH_LIKE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.|[A-Za-z]:[\\/]|~?/|\.{1,2}[\\/])\S*$|"
                        r"^\S*[\\/]\S*\.(?:txt|html?|json|xml|php|aspx?|md)$", re.I)
_NAV_SEPARATORS = re.compile(r"\s[|•·›»>/]\s")


def is_path_like(text: str) -> bool:
    """A file path or URL, never a headline.

    >>> is_path_like("/home/user/news/a.txt"), is_path_like("C:/news/a.txt"), is_path_like("Council vote")
    (True, True, False)
    """
    return bool(_PATH_LIKE.match(text.strip()))


def _standalone_headline(lines: list[Line], i: int, source: str) -> int | None:
    """Index of a short headline standing alone above the article: the document's first line,
    or the line right above the article block, with a blank line after it. Any language and
    any length from one word ("Council vote", "Рада ухвалила закон"), unless its wording or
    shape says navigation (a lexicon line, a "Home | World" list, a path)."""
    for idx in dict.fromkeys((0, i - 1)):
        if not 0 <= idx <= i or idx >= len(lines) - 1:
            continue
        line = lines[idx]
        gap = source[line.end:lines[idx + 1].start]
        if gap.count("\n") < 2 or line.kind is not None or line.wall is not None:
            continue
        # A long headline reads like a sentence; as the first line it still is one unless it
        # closes like a paragraph (a full stop, a comma, a colon).
        if line.sentence and (idx != 0 or re.search(r"[.;,:]['\"”’»)]*$", line.text)):
            continue
        if not 1 <= line.n_words <= TITLE_MAX_WORDS or re.search(r"[;,:]$", line.text):
            continue
        if (is_path_like(line.text) or len(_NAV_SEPARATORS.findall(line.text)) >= 2
                or find_date(line.text) is not None and line.n_words <= 8
                or glued_byline(line.text) is not None):
            continue
        return idx
    return None


def _find_title(lines: list[Line], i: int, given: str | None,
                masthead: int | None = None, source: str = "") -> tuple[str | None, set[str]]:
    """The title and the normalised forms of lines that repeat it."""
    if given and not is_path_like(given):
        return given, {_norm(given)}
    head = lines[max(0, i - 15):i + 1]
    for line in head:
        if m := _DATED_TITLE.match(line.text):
            title = m[2].strip()
            return title, {_norm(title)}
    # A masthead far above the article heads a page of menus: its neighbours are not the title.
    if masthead is not None and i - masthead <= TITLE_WINDOW and (
            k := _title_by_masthead(lines, masthead, i)) is not None:
        return lines[k].text, {_norm(lines[k].text)}
    seen: dict[str, int] = {}
    # A headline read as a sentence (long, lower-case words) is still one when the page shows
    # it twice in a row at the article's top (h1 and og title), without a closing full stop.
    top = [ln for k, ln in enumerate(lines[i:i + 2]) if ln.sentence and not re.search(
        r"[.!?;,:]['\"”’»)]*$", ln.text) and (k == 0 or _norm(ln.text) == _norm(lines[i].text))]
    for line in [*head, *top[1:]]:
        if 2 <= line.n_words <= TITLE_MAX_WORDS and (not line.sentence or line in top):
            seen[_norm(line.text)] = seen.get(_norm(line.text), 0) + 1
    for line in reversed([*head, *top[1:]]):  # a line shown twice just above the article: h1 + og title
        if seen.get(_norm(line.text), 0) >= 2 and line.kind is None:
            return line.text, {_norm(line.text)}
    if (k := _standalone_headline(lines, i, source)) is not None and k != masthead:
        return lines[k].text, {_norm(lines[k].text)}
    best: tuple[float, int] | None = None
    for idx in range(i - 1, max(0, i - TITLE_WINDOW) - 1, -1):
        line = lines[idx]
        if idx == masthead or not (3 <= line.n_words <= TITLE_MAX_WORDS) or line.sentence:
            continue
        if (line.kind is None and line.wall is None and not re.search(r"[.;,:]$", line.text)
                and find_date(line.text) is None and glued_byline(line.text) is None
                and not is_path_like(line.text) and not _BYLINE_SHAPE.search(line.text)):
            score = _headline_score(line) - 0.5 * (i - 1 - idx)
            if best is None or score > best[0]:
                best = (score, idx)
    if best is not None:
        return lines[best[1]].text, {_norm(lines[best[1]].text)}
    return None, set()


# "By Jane Doe", "Jane Doe, Sports Writer", "12:02 PM": the lines around a headline.
_BYLINE_SHAPE = re.compile(r"^by\s|\b(?:writer|correspondent|reporter|editor|contributor|staff)\b"
                           r"|\b\d{1,2}:\d{2}\b|@|\bwww\.", re.I)


def _headline_score(line: Line) -> float:
    """How much a line above the article reads as its headline: the longer the better (up to
    a point); short all-capitalised labels ("Science & Astronomy", "National Sports") and
    name-shaped lines score low."""
    words = [w for w in _WORD.findall(line.text) if not w.isdigit()]
    capitalised = bool(words) and all(w[0].isupper() for w in words)
    score = float(min(line.n_words, 16))
    if capitalised and line.n_words <= 4:
        score -= 6.0
    return score


def no_text_reason(source: str) -> str:
    """Why :func:`clean_text` found no article in ``source``, in words (for the rejection).

    >>> no_text_reason("\\n".join(f'"Report {i}," said clerk {i}.' for i in range(50)))
    '50 of its 50 lines repeat one short line with other numbers (a list or a template, not an article)'
    >>> no_text_reason("Home\\nNews\\nSport")
    'none of its 3 lines reads as a sentence of prose'
    """
    lines = [line for line in split_lines(source) if line.text.strip()]
    if not lines:
        return "the text is empty"
    for line in lines:
        _featurise(line, frozenset())
    _mark_repeats(lines)
    repeats = sum(line.repeats for line in lines)
    if repeats * 2 >= len(lines):
        return (f"{repeats:,} of its {len(lines):,} lines repeat one short line with other numbers "
                "(a list or a template, not an article)")
    furniture = sum(line.kind is not None for line in lines)
    if furniture * 2 >= len(lines):
        return (f"{furniture:,} of its {len(lines):,} lines are page furniture (menus, share "
                "bars, captions)")
    return f"none of its {len(lines):,} lines reads as a sentence of prose"


def clean_text(source: str, *, boilerplate: frozenset[str] = frozenset(),
               title: str | None = None) -> tuple[list[tuple[int, int]], TextResult] | None:
    """Clean plain ``source``. Returns (kept line spans, result) or None when no article
    block exists. Removed spans cover whole lines including their line break."""
    lines = split_lines(source)
    for line in lines:
        _featurise(line, boilerplate)
    _mark_lists(lines)
    _mark_captions(lines)
    _mark_repeats(lines)
    _mark_truncated(lines)
    block = _best_block(lines)
    if block is None:
        return None
    i, j = block
    res = TextResult()
    mast = _find_masthead(lines, i)
    res.title, title_keys = _find_title(lines, i, title, mast[0] if mast else None, source)

    # metadata: bylines glued to dates, mastheads, copyright lines, credits, dated lines
    keyword_date: str | None = None
    dateline_day: str | None = None
    head_date: str | None = None
    byline_idx: set[int] = {mast[0]} if mast else set()
    publisher: str | None = None
    holder: str | None = None
    credits: list[tuple[CreditKind, str]] = []
    head_end = max(i + 1, mast[0] + 1 if mast else 0)  # the date line under the masthead
    for idx, line in enumerate(lines):
        if line.n_words <= 12 and (g := glued_byline(line.text)):
            publisher = publisher or g[0]
            res.published = res.published or g[1]
            byline_idx.add(idx)
            continue
        credits.extend(c for c in line_credits(line.text)
                       if c[0] != "dateline" or i <= idx <= i + 2)
        if i <= idx <= i + 2:
            dateline_day = dateline_day or dateline_date(line.text)
        if (i <= idx <= j and line.sentence) or line.n_words > 25 or _EMBED.search(line.text):
            continue
        holder = holder or copyright_holder(line.text)
        if keyword_date is None and DATE_KEYWORD.search(line.text) and not re.search(
                r"\bupdated\b", line.text, re.I):
            keyword_date = find_date(line.text)
        elif head_date is None and idx <= head_end and line.n_words <= 15:
            head_date = find_date(line.text)
    res.published = res.published or keyword_date or dateline_day or head_date
    res.outlet, res.syndicator = choose_outlet(
        publisher or (mast[1] if mast else None) or holder, credits, source)
    # Corpus lines at the block's edges are the outlet's furniture even when they are
    # paragraphs (an editor's note under every article, with its promo and copyright lines,
    # which go anyway, around it); inside the article, a recurring sentence stays text.
    furniture: set[int] = set()
    for run in (range(i, j + 1), range(j, i - 1, -1)):
        for idx in run:
            if lines[idx].kind is not None or lines[idx].wall is not None:
                continue
            if lines[idx].key not in boilerplate:
                break
            furniture.add(idx)
    removed: list[Removed] = []
    kept: list[tuple[int, int]] = []
    after_wall: RemovedKind | None = None
    for idx, line in enumerate(lines):
        if line.wall is not None:
            after_wall = line.wall
            kind: RemovedKind | None = line.wall
        elif _norm(line.text) in title_keys or _DATED_TITLE.match(line.text) and idx < i:
            kind = "byline" if _DATED_TITLE.match(line.text) else "title_repeat"
        elif idx in byline_idx:
            kind = "byline"
        elif line.kind is not None:
            kind = line.kind
        elif line.key in boilerplate and (not (i <= idx <= j and line.sentence) or idx in furniture):
            kind = "repeated"
        elif i <= idx <= j:
            if (line.sentence or line.weight > 0) and not line.listed:
                after_wall = None
                kind = None
            elif after_wall is not None:  # headlines listed under an inline "Related" box
                kind = after_wall
            elif line.n_words <= 12 and find_date(line.text):
                kind = "byline"
            else:
                kind = None
        elif idx > j and after_wall is not None:
            kind = after_wall
        elif idx < i and line.n_words <= 8 and find_date(line.text):
            kind = "byline"  # the date line of the header, read into ``published``

        else:
            kind = "navigation" if line.n_words <= 10 else "other"
        if line.glued_at and i <= idx <= j and (kind is None or line.glued_teaser and _in_prose(lines, idx)):
            # A sub-heading run into its paragraph (a teaser sits among teasers, this one
            # among the article's paragraphs): the heading goes, the paragraph stays.
            removed.append(Removed("heading", line.start, line.start + line.glued_at))
            kept.append((line.start + line.glued_at, line.end))
            continue
        if kind is None:
            kept.append((line.start, line.end))
            continue
        end = line.end + 1 if line.end < len(source) and source[line.end] == "\n" else line.end
        if kind in ("credit", "disclaimer") and (glue := _GLUE.search(line.text[:80])) and \
                line.text[:2] in ("© ", "(c", "©") and len(line.text) - glue.start() > 40:
            # "© Agency Photo / NameA caption sentence ...": credit glued to its caption
            cut = line.start + glue.start() + 1
            removed.append(Removed("credit", line.start, cut))
            removed.append(Removed("caption", cut, end))
            continue
        removed.append(Removed(kind, line.start, end))
    if not kept:
        return None
    return kept, _finish(res, removed)


def _in_prose(lines: list[Line], idx: int) -> bool:
    """Line ``idx`` sits between two paragraphs of article prose."""
    def prose(k: int) -> bool:
        return 0 <= k < len(lines) and lines[k].sentence and lines[k].kind is None \
            and not lines[k].glued_teaser and lines[k].wall is None
    return prose(idx - 1) and (idx + 1 == len(lines) or prose(idx + 1))


def choose_outlet(publisher: str | None, credits: list[tuple[CreditKind, str]],
                  source: str) -> tuple[str | None, str | None]:
    """(outlet, syndicator) from the publisher the page states and the parties it credits.

    Without a stated publisher the first explicit credit of the story itself (a byline
    organisation, a reprint's "originally published by", a dateline agency) is the outlet;
    a distribution service or a host app never is. The syndicator is the most explicit credit
    that is not the outlet. Acronyms from datelines are spelled out when the text does so."""
    names = [(kind, expand_acronym(name, source)) for kind, name in credits]
    outlet = publisher
    for kind in _STORY_CREDITS:
        if outlet is None:
            outlet = next((n for k, n in names if k == kind), None)
    if outlet is None:  # a host app names the site only next to a stated outlet
        names = [(k, n) for k, n in names if k != "host"]
    else:
        outlet = expand_acronym(outlet, source)
    syndicator = next((n for n in rank_credits(names) if not same_name(n, outlet)), None)
    return outlet, syndicator


# Credits that name the story's own outlet when the page states no publisher, in order.
_STORY_CREDITS: tuple[CreditKind, ...] = ("byline", "original", "dateline")


def _finish(res: TextResult, removed: list[Removed]) -> TextResult:
    merged: list[Removed] = []
    for r in sorted(removed, key=lambda r: r.start):
        if merged and merged[-1].kind == r.kind and merged[-1].end >= r.start - 1:
            last = merged[-1]
            merged[-1] = Removed(last.kind, last.start, max(last.end, r.end))
        else:
            merged.append(r)
    res.removed = merged
    return res
