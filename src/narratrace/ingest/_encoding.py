"""Turning bytes into text: byte-order marks, strict UTF-8, declared charsets, then detection."""

from __future__ import annotations

import codecs
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from charset_normalizer import from_bytes

from narratrace.errors import InputError

# Longest marks first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# WHATWG encoding standard: these labels mean windows-1252 in HTML, whatever they say.
_HTML_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
                 "us-ascii": "cp1252", "ascii": "cp1252", "iso8859-1": "cp1252"}

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,500}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]{1,40})"""
    rb"""|<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_:.\-]{1,40})""",
    re.IGNORECASE,
)
# Pages often carry tens of KiB of inline script (seen: over 64 KiB) before the meta tag.
_SNIFF_BYTES = 1 << 20

# C0 controls other than tab/newline/CR/form feed/vertical tab, DEL and the C1 block.
_CONTROLS = "".join(chr(c) for c in [*range(0, 9), 14, *range(15, 32), *range(0x7F, 0xA0)])
_STRIP_CONTROLS = str.maketrans("", "", _CONTROLS + "\ufffd")
# Random bytes decode to ~10% C0 controls (27 of 256 values) and more under Latin-1; real
# articles have almost none. 2% leaves room for a stray form feed or escape sequence.
_MAX_CONTROL_SHARE = 0.02
_CONTROL_SAMPLE = 1 << 20


class LooksBinary(InputError):
    """Bytes that are not text, whatever the file is called."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text and how it was decoded: ``guessed`` when no byte-order mark, valid UTF-8
    or believable declaration settled it; ``confidence`` is then the detector's share of
    belief in this decoding over the other candidates (1.0 when not guessed)."""

    text: str
    encoding: str
    confidence: float = 1.0
    guessed: bool = False
    note: str | None = None


# --------------------------------------------------------------------------- detection
# Single-byte code pages tried when the bytes are not UTF-8, with a prior in nats (the
# commonest on news sites first). Several often decode the bytes identically; the prior then
# names the commonest.
_CANDIDATES: dict[str, float] = {
    "cp1252": 0.0, "iso8859-15": -0.5, "cp1250": -1.0, "cp1251": -1.0, "iso8859-2": -1.5,
    "koi8-r": -1.5, "koi8-u": -2.0, "iso8859-5": -2.5, "cp1253": -2.0, "iso8859-7": -2.5,
    "cp1254": -2.0, "cp1257": -3.0, "cp1255": -2.0, "cp1256": -2.0, "iso8859-6": -3.0,
    "latin-1": -3.0,
}
_MULTIBYTE = ("gb18030", "big5", "shift_jis", "euc_jp", "euc_kr")
_SCORE_BYTES = 1 << 13  # ample to tell code pages apart (scoring runs per character)
_SCORE_LEAD = 1 << 10  # ASCII kept before the first other byte: its function words
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")

# Relative frequency (% of letters) of the non-ASCII letters of each language, rounded from
# published letter-frequency tables; for Cyrillic and Greek, every letter. A decoding is
# plausible when one language explains its letters: French read as cp1250 gives č, ę, ŕ, ů,
# which no single language writes together. Hebrew and Arabic read as Cyrillic or Greek give
# letters, too, but not in Russian's or Greek's proportions.
_LETTERS: dict[str, str] = {
    "fr": "é1.9 è.27 ê.22 à.49 ç.09 â.05 î.045 ô.02 û.06 ù.06 ë.01 ï.005 ü.005 œ.02 ÿ.001",
    "de": "ä.58 ö.44 ü.99 ß.31 é.005",
    "es": "á.5 é.43 í.73 ó.83 ú.17 ñ.31 ü.01",
    "pt": "á.12 â.56 ã.73 à.07 ç.53 é.34 ê.45 í.13 ó.3 ô.64 õ.04 ú.2",
    "it": "à.6 è.26 é.1 ì.03 ò.1 ù.17",
    "nl": "ë.02 é.02 ï.01",
    "sv": "å1.3 ä1.8 ö1.3 é.01",
    "da": "æ.9 ø.9 å1.2 é.01",
    "fi": "ä3.6 ö.4",
    "is": "á1.8 ð4.4 é.65 í1.6 ó1.0 ú.61 ý.23 þ1.5 æ.87 ö.78",
    "pl": "ą.99 ć.4 ę1.1 ł1.8 ń.2 ó.85 ś.66 ź.06 ż.83",
    "cs": "á.87 č.46 ď.02 é.63 ě.82 í1.64 ň.01 ó.02 ř.38 š.69 ť.01 ú.05 ů.2 ý1.0 ž.72",
    "sk": "á2.0 ä.1 č.9 ď.1 é.7 í1.6 ĺ.01 ľ.4 ň.1 ó.2 ô.2 ŕ.01 š.8 ť.3 ú.7 ý1.2 ž.8",
    "hu": "á3.4 é3.3 í.5 ó.9 ö1.0 ő.8 ú.3 ü.5 ű.1",
    "ro": "ă2.5 â.6 î1.1 ș1.2 ş1.2 ț1.0 ţ1.0",
    "hr": "č1.0 ć.9 đ.2 š1.0 ž.7",
    "tr": "ç1.2 ğ1.1 ı5.1 ö.8 ş1.8 ü1.9 â.01",
    "lt": "ą.6 č.4 ę.2 ė1.6 į.6 š1.2 ų1.2 ū.4 ž.8",
    "lv": "ā4.0 č.3 ē1.7 ģ.1 ī1.4 ķ.2 ļ.5 ņ.4 š1.4 ū.5 ž.6",
    "ru": "а8.0 б1.6 в4.5 г1.7 д3.0 е8.5 ё.04 ж.94 з1.65 и7.35 й1.2 к3.5 л4.4 м3.2 н6.7 о11.0 "
          "п2.8 р4.7 с5.5 т6.3 у2.6 ф.26 х.97 ц.48 ч1.44 ш.73 щ.36 ъ.04 ы1.9 ь1.74 э.32 ю.64 я2.0",
    "uk": "а7.2 б1.7 в5.2 г1.6 ґ.01 д3.5 е4.7 є.4 ж.9 з2.3 и6.1 і5.9 ї.6 й1.4 к3.6 л3.6 м3.2 "
          "н6.5 о9.3 п2.5 р4.8 с4.3 т5.2 у3.3 ф.2 х1.2 ц1.0 ч1.5 ш.8 щ.6 ь1.7 ю.8 я2.9",
    "bg": "а8.9 б1.4 в4.6 г1.5 д3.2 е8.0 ж.8 з1.8 и8.3 й.7 к3.3 л3.2 м2.8 н7.7 о8.8 п3.0 р4.9 "
          "с4.5 т7.4 у1.3 ф.2 х.9 ц.8 ч1.8 ш.5 щ.3 ъ2.0 ь.03 ю.2 я2.3",
    "sr": "а10 б1.5 в3.5 г1.6 д3.4 ђ.2 е8.5 ж.7 з1.6 и9.5 ј4.5 к3.6 л3.0 љ.4 м3.0 н4.5 њ.4 о9.0 "
          "п2.8 р4.5 с4.5 т4.5 ћ.9 у4.0 ф.2 х.6 ц.7 ч1.2 џ.04 ш.8",
    "el": "α12 β.5 γ2 δ2 ε8 ζ.3 η4 θ1 ι8 κ4 λ3 μ3 ν7 ξ.3 ο9 π4 ρ4 σ4 ς3 τ8 υ4 φ1 χ1 ψ.1 ω2 "
          "ά2 έ1.5 ή1 ί1.5 ό2 ύ1 ώ1 ϊ.05 ΐ.01 ϋ.01",
    "he": "א6.3 ב4.7 ג1.3 ד2.6 ה8.7 ו10.5 ז.8 ח2.3 ט1.2 י11.1 כ2.1 ך.6 ל7.4 מ5.6 ם2.9 נ3.6 "
          "ן1.3 ס1.3 ע2.9 פ1.6 ף.3 צ1.1 ץ.2 ק1.8 ר5.6 ש4.2 ת5.3",
    "ar": "ا12 ل10 ي6.5 م6 و5.6 ن5.5 ر4.5 ت4.4 ب3.6 ة3.2 ع3 د2.8 س2.6 ف2.5 ه2.4 ك2.3 ق2.2 "
          "أ2 ح1.9 ج1.3 إ1 ش.9 ط.9 ص.9 ى.9 خ.8 ض.6 ز.5 ذ.5 ث.5 غ.4 ئ.3 ء.3 ظ.2 ؤ.2 آ.1",
}
_NON_LATIN = frozenset({"ru", "uk", "bg", "sr", "el", "he", "ar"})


def _log_shares(table: str) -> dict[str, float]:
    """Log of each letter's share among the table's letters: P(letter | a non-ASCII letter)."""
    freq = {item[0]: float(item[1:]) for item in table.split()}
    total = sum(freq.values())
    return {c: math.log(f / total) for c, f in freq.items()}


_LOGP: dict[str, dict[str, float]] = {lang: _log_shares(t) for lang, t in _LETTERS.items()}
_UNSEEN_LETTER = math.log(1e-4)  # a letter the language does not write
_MIXED_SCRIPT = -6.0  # a Cyrillic or Greek letter touching an ASCII letter: "ministиre"
# Common function words written in ASCII: they tell Spanish "anos" from Polish "anos" when the
# letters alone are ambiguous (a short headline).
_STOPWORDS: dict[str, frozenset[str]] = {lang: frozenset(words.split()) for lang, words in {
    "fr": "le la les des et est une que qui dans pour pas sur au aux du ce il elle ont avec",
    "de": "der die das und ist nicht ein eine mit von zu den dem des sich auf auch wird",
    "es": "el la los las del y que en un una por con para es se lo al como",
    "pt": "o os as da do das dos e que em um uma para com por se no na",
    "it": "il lo la gli le di che e un una per con non sono del della",
    "nl": "de het een en van is dat op te niet met zijn voor",
    "sv": "och att det som en av är med den till",
    "da": "og at det som en af er til med den for ikke",
    "fi": "ja on ei se kun mutta tai oli",
    "is": "og er sem um til en var hann hefur fyrir eftir ekki",
    "pl": "w na nie z do to jest od po przez jak ale czy tak o",
    "cs": "a v na se je to z do jako ale by pro za od po",
    "sk": "a v na sa je to z do ako ale by pre za od po",
    "hu": "a az egy hogy nem is van de meg",
    "ro": "si in la de cu pe nu o un care din mai",
    "hr": "i u na je da se za od su to ne s",
    "tr": "ve bir bu da de ile icin olarak gibi daha",
    "lt": "ir kad su yra o bet kaip",
    "lv": "un ir ar ka no par uz",
}.items()}
_STOPWORD_WEIGHT = 2.0
# Punctuation and signs that news text uses in every code page; other non-ASCII symbols cost.
_COMMON_SIGNS = frozenset("\u00a0«»“”„‚‘’–—…•·€£©®°§±×÷²³½¼¿¡™‹›†№‰¢¥¶،؛؟")
_IN_WORD_SIGNS = frozenset("’‘·\u00ad\u2010\u2011")  # l’été, l·l, soft and hard hyphens
# Signs that may close a word: quotes, dashes, ellipsis, a no-break space, a trademark.
_AFTER_WORD_SIGNS = frozenset("’‘”“»«›‹…–—\u00a0\u00ad\u2010\u2011™®©°·€£¥¢%")
_ODD_SIGN = -3.0
_SIGN_IN_WORD = -8.0  # "Rz¹d", "og³osi³": Polish read as cp1252; "М╕н╕стр": KOI8-U as KOI8-R
_CONTROL_CHAR = -10.0  # C1 controls: cp1252 quotes read as Latin-1
# A combining mark no single-byte Latin code page writes, on a Latin letter: "Espaٌa" (the ñ
# of Spanish read as Windows-1256, whose French letters read as in Windows-1252).
_MARK_ON_LATIN = -10.0
_CASE_FLIP = -2.0  # "пРАВ": an upper-case letter right after a lower-case one
_OVERRULE_DECLARED = 12.0  # nats by which detection must beat a declared code page
# Mean score per non-ASCII character above which a single-byte reading is taken over a
# short CJK reading: Latin-script text scores -0.8 (French) to -2.0 (Polish); Cyrillic and
# Greek text about -3, as do CJK bytes read as KOI8-R or Greek (-3.6 to -4.7).
_PLAUSIBLE_LATIN = -2.5
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ASCII_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class _Reading:
    encoding: str
    text: str
    score: float
    per_char: float
    confidence: float


def _plausible_text(sample: bytes, codec: str) -> str | None:
    """``sample`` in ``codec``; a multi-byte character cut at the end of the sample is fine,
    an undefined byte is not."""
    try:
        return sample.decode(codec)
    except UnicodeDecodeError:
        return None


def _score(text: str, lang_prior: dict[str, float] | None = None) -> float:
    """Log-likelihood (nats) of the non-ASCII characters of ``text`` under the language that
    explains them best, plus penalties for signs inside words, controls and case flips."""
    if lang_prior is None:
        lang_prior = _language_prior(text)
    letters: dict[str, int] = {}
    penalty = 0.0
    mixed = 0
    for m in _NON_ASCII.finditer(text):
        c = m.group()
        i = m.start()
        if c.isalpha():
            low = c.lower()
            letters[low] = letters.get(low, 0) + 1
            if (i and text[i - 1].isascii() and text[i - 1].isalpha()) or (
                    i < len(text) - 1 and text[i + 1].isascii() and text[i + 1].isalpha()):
                mixed += 1
            if c != low and i and text[i - 1].isalpha() and text[i - 1].islower():
                penalty += _CASE_FLIP
        elif "\x80" <= c <= "\x9f":
            penalty += _CONTROL_CHAR
        elif unicodedata.combining(c):  # Hebrew points, Arabic vowel signs: on their letters
            if i and text[i - 1].isascii():
                penalty += _MARK_ON_LATIN
        elif i and text[i - 1].isalpha() and (
                c not in _IN_WORD_SIGNS if i < len(text) - 1 and text[i + 1].isalpha()
                else c not in _AFTER_WORD_SIGNS):
            penalty += _SIGN_IN_WORD  # a sign glued to a word: "przyj¹³", "Rz¹d", "ro°nie"
        elif c not in _COMMON_SIGNS and not c.isspace():
            penalty += _ODD_SIGN
    if not letters:
        return penalty
    best = max(
        prior + sum(n * logp.get(c, _UNSEEN_LETTER) for c, n in letters.items())
        + (mixed * _MIXED_SCRIPT if lang in _NON_LATIN else 0.0)
        for lang, logp in _LOGP.items()
        for prior in (lang_prior.get(lang, 0.0),)
    )
    return best + penalty


def _language_prior(text: str) -> dict[str, float]:
    """Log-share of each language's ASCII function words among all of them found."""
    counts = dict.fromkeys(_LOGP, 0)
    total = 0
    for w in _ASCII_WORD.findall(text[:20_000].lower()):
        for lang, words in _STOPWORDS.items():
            if w in words:
                counts[lang] += 1
                total += 1
    if not total:
        return {}
    top = max(counts.values())
    # Relative to the likeliest language, so that the prior never makes a reading look
    # less plausible than its letters are.
    return {lang: _STOPWORD_WEIGHT * math.log((k + 1) / (top + 1)) for lang, k in counts.items()}


def _detect(sample: bytes) -> _Reading | None:
    """The most plausible single-byte reading of ``sample``, with its confidence."""
    readings: dict[str, tuple[str, float]] = {}  # text -> (best encoding, score)
    prior: dict[str, float] | None = None
    for codec, enc_prior in _CANDIDATES.items():
        text = _plausible_text(sample, codec)
        if text is None:
            continue
        if prior is None:
            prior = _language_prior(text)  # ASCII words read the same in every candidate
        score = _score(text, prior) + enc_prior
        if text not in readings or readings[text][1] < score:
            readings[text] = (codec, score)
    if not readings:
        return None
    ranked = sorted(readings.items(), key=lambda kv: -kv[1][1])
    text, (codec, score) = ranked[0]
    # Softmax over the distinct readings: the detector's belief in the one it picked.
    confidence = 1.0 / sum(math.exp(min(0.0, s - score)) for _, (_, s) in ranked)
    n = max(1, len(_NON_ASCII.findall(text)))
    return _Reading(codec, text, score, (score - _CANDIDATES[codec]) / n, round(confidence, 3))


def decode(data: bytes, *, declared: Iterable[str] = (), html: bool = False) -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding)`` with newlines normalised to ``\\n``.

    Order: byte-order mark, strict UTF-8, the ``declared`` charsets (an HTTP header) and, for
    HTML, the page's own ``<meta charset>``, then detection. Strict UTF-8 comes before
    declarations because a page that is valid UTF-8 with non-ASCII bytes is UTF-8 whatever its
    (often copied) meta tag says. A declared single-byte code page is overruled when the bytes
    read far better in another one. Detection weighs each candidate code page by how
    plausible its letters are in some language (:func:`decode_detail` says how sure it is).

    >>> decode("caf\\u00e9\\r\\n".encode("utf-8"))
    ('café\\n', 'utf-8')
    >>> decode("Los años del niño".encode("latin-1"))[0]
    'Los años del niño'
    """
    found = decode_detail(data, declared=declared, html=html)
    return found.text, found.encoding


def decode_detail(data: bytes, *, declared: Iterable[str] = (), html: bool = False) -> Decoded:
    """:func:`decode` with how sure it is: the encoding, a confidence and whether it was
    guessed from the bytes (then the reader says so in a warning).

    >>> d = decode_detail("Le ministère a déclaré que la fête aura lieu.".encode("latin-1"))
    >>> d.text[:22], d.encoding, d.guessed
    ('Le ministère a déclaré', 'cp1252', True)
    """
    if not data:
        raise InputError("empty (0 bytes); nothing to analyse")
    found = _decode(data, declared=declared, html=html)
    text = found.text
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("empty (only whitespace); nothing to analyse")
    sample = text[:_CONTROL_SAMPLE]
    controls = len(sample) - len(sample.translate(_STRIP_CONTROLS))
    if sample and controls / len(sample) > _MAX_CONTROL_SHARE:
        raise LooksBinary(
            f"looks binary ({controls / len(sample):.0%} control characters as {found.encoding}); "
            "is it really a text file?"
        )
    return Decoded(text, found.encoding, found.confidence, found.guessed, found.note)


@dataclass(frozen=True, slots=True)
class StrayNuls:
    """Text that held a few raw NUL bytes: decoded as the same bytes without them would be,
    each NUL kept as U+0000 where it was (a reader then drops it or the record holding it)."""

    decoded: Decoded
    count: int
    first: int  # byte offset of the first NUL


# Raw NUL bytes outside a run at the end of the file (zero padding left by a crash) are
# "stray" up to 1% of the bytes (or 4 in a short text): a damaged text. More is a binary file or UTF-16 read wrongly
# (UTF-16 of Latin text has a NUL in every other byte).
_MAX_STRAY_NUL_SHARE = 0.01


def decode_stray_nuls(data: bytes, *, html: bool = False) -> StrayNuls:
    """Decode a text whose bytes hold a few raw NULs, which :func:`decode_detail` refuses as
    binary. Raises :class:`LooksBinary` when the NULs are too many or the rest is not text.

    >>> found = decode_stray_nuls(b"The port\\x00 reopened.\\x00\\x00")
    >>> found.decoded.text, found.count, found.first
    ('The port\\x00 reopened.\\x00\\x00', 3, 8)
    >>> decode_stray_nuls(bytes(range(256)) * 4)
    Traceback (most recent call last):
    narratrace.ingest._encoding.LooksBinary: looks binary (contains NUL bytes); is it really a text file?
    """
    refused = LooksBinary("looks binary (contains NUL bytes); is it really a text file?")
    count = data.count(b"\x00")
    if count == len(data):
        raise InputError(f"only NUL bytes ({count:,}): a zero-filled file, as a crash or a failed "
                         "copy leaves; nothing to analyse")
    stray = data.rstrip(b"\x00").count(b"\x00")
    if not count or stray > max(4, _MAX_STRAY_NUL_SHARE * len(data)):
        raise refused
    try:
        found = decode_detail(data.replace(b"\x00", b""), html=html)
        text = data.decode(found.encoding)
    except (InputError, UnicodeDecodeError, LookupError):
        raise refused from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.count("\x00") != count:  # a code page where 0x00 is not U+0000 alone
        raise refused
    return StrayNuls(Decoded(text, found.encoding, found.confidence, found.guessed, found.note),
                     count, data.index(b"\x00"))


def _decode(data: bytes, *, declared: Iterable[str], html: bool) -> Decoded:
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom):].decode(name), name)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"starts with a {name} byte-order mark but is not valid {name} "
                    f"(byte {exc.start + len(bom)}); re-save it as UTF-8"
                ) from None
    if b"\x00" in data:
        found = _utf32_without_bom(data) or _utf16_without_bom(data)
        if found is None:
            raise LooksBinary("looks binary (contains NUL bytes); is it really a text file?")
        return found
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    labels = list(declared)
    if html:
        labels += meta_charsets(data)
    sample = _sample(data)
    for label in labels:
        codec = _codec_name(label, html=html)
        if codec is None:
            continue
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec not in _CANDIDATES:  # a multi-byte or rare code page: nothing to weigh it by
            return Decoded(text, codec)
        # A declaration is often copied from a template: keep it unless the bytes read far
        # better in another code page (mojibake, symbols inside words).
        best = _detect(sample)
        if best is None or best.encoding == codec or best.text == _plausible_text(sample, codec):
            return Decoded(text, codec)
        own = _score(_plausible_text(sample, codec) or "")
        if best.score - own < _OVERRULE_DECLARED:
            return Decoded(text, codec)
        try:
            return Decoded(data.decode(best.encoding), best.encoding, best.confidence, True,
                           f"declared {label.strip()} but the bytes read as {best.encoding}")
        except UnicodeDecodeError:
            return Decoded(text, codec)
    return _guess(data, sample)


def _sample(data: bytes) -> bytes:
    """The bytes detection weighs: ``_SCORE_BYTES`` from a little before the first byte that is
    not ASCII. A page may open with tens of KiB of inline script and a text with a long ASCII
    head, which read the same in every code page: weighed alone, they chose the commonest
    (Windows-1252) for Russian or Polish text further on.

    >>> sample = _sample(b"var a = 1;" * 2000 + "é".encode("latin-1"))
    >>> len(sample), sample[-3:]
    (1025, b'1;\\xe9')
    """
    first = _HIGH_BYTE.search(data)
    start = 0 if first is None else max(0, first.start() - _SCORE_LEAD)
    return data[start:start + _SCORE_BYTES]  # ASCII before `first`: a character boundary


def _guess(data: bytes, sample: bytes) -> Decoded:
    """The most plausible single-byte decoding, or East Asian multi-byte text (which a
    single-byte code page reads as a plausible-looking stream of Cyrillic or Greek letters)."""
    best = _detect(sample)
    if _east_asian(sample, best):
        found = from_bytes(data, cp_isolation=list(_MULTIBYTE)).best()
        if found is not None and found.encoding is not None:
            name = _codec_name(found.encoding, html=False) or found.encoding
            return Decoded(str(found), name, round(max(0.0, 1.0 - found.chaos), 3), True)
    if best is not None:
        try:
            return Decoded(data.decode(best.encoding), best.encoding, best.confidence, True)
        except UnicodeDecodeError:  # a byte past the sample the code page lacks
            pass
    for codec in _CANDIDATES:
        try:
            return Decoded(data.decode(codec), codec, 0.0, True)
        except UnicodeDecodeError:
            continue
    raise InputError("could not detect the text encoding; re-save it as UTF-8")


def _east_asian(sample: bytes, single: _Reading | None) -> bool:
    """Whether ``sample`` reads as Chinese, Japanese or Korean in a multi-byte encoding: some
    such encoding decodes it with (nearly) only CJK characters beyond ASCII, and enough of
    them that a Latin text whose accented letters happen to pair up ("Años") is not taken."""
    for codec in _MULTIBYTE:
        text = _decode_prefix(sample, codec)
        if text is None:
            continue
        wide = [c for c in _NON_ASCII.findall(text)]
        cjk = sum(1 for c in wide if _is_cjk(c))
        if wide and cjk >= 4 and cjk >= 0.95 * len(wide) and (
                cjk >= 10 or single is None or single.per_char < _PLAUSIBLE_LATIN):
            return True
    return False


def _decode_prefix(sample: bytes, codec: str) -> str | None:
    """``sample`` in ``codec``, forgiving a multi-byte character cut by the sample's end."""
    try:
        return sample.decode(codec)
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 3:
            return None
        try:
            return sample[:exc.start].decode(codec)
        except UnicodeDecodeError:
            return None


def _is_cjk(c: str) -> bool:
    """Han, kana, hangul and full-width forms; not half-width katakana (U+FF61-FF9F), which
    is what KOI8 or Windows-1251 bytes read as Shift_JIS look like."""
    o = ord(c)
    return (0x3000 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF
            or 0xFF00 <= o <= 0xFF60 or 0xFFA0 <= o <= 0xFFEF or 0x1100 <= o <= 0x11FF
            or o >= 0x20000)


def meta_charsets(data: bytes) -> list[str]:
    """The charsets an HTML/XML document declares about itself, in document order."""
    return [
        (m.group(1) or m.group(2)).decode("ascii")
        for m in _META_CHARSET.finditer(data, 0, _SNIFF_BYTES)
    ]


def _codec_name(label: str, *, html: bool) -> str | None:
    """Python's canonical codec name for ``label``, or None if unknown or not ASCII-based."""
    label = label.strip().lower()
    if html:
        label = _HTML_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page that declares UTF-16/32 in an ASCII meta tag cannot be UTF-16/32 (HTML spec).
    if name.startswith(("utf-16", "utf-32")):
        return None
    return name


def _utf32_without_bom(data: bytes) -> Decoded | None:
    """UTF-32 text saved without a mark: three NUL bytes in each four-byte unit of ASCII.
    Other bytes seldom decode as UTF-32 at all (a unit over U+10FFFF fails), so the byte order
    that decodes and looks like text is the reading. None if neither does."""
    if len(data) < 8 or len(data) % 4:
        return None
    sample = data[:8192]
    for name in ("utf-32-le", "utf-32-be"):
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            continue
        score = _utf16_plausibility(text)
        if score >= 0.6:
            try:
                return Decoded(data.decode(name), name, round(min(score, 1.0), 3), True)
            except UnicodeDecodeError:
                return None
    return None


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text saved without a mark: the byte order whose characters look like text
    (spaces, punctuation and letters of one script rather than scattered CJK or controls).
    None if neither does."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:8192]
    nuls = sample.count(0)
    if 0 < nuls < len(sample) // 10:
        # A few stray NUL bytes in a text that is UTF-8 or a code page without them (a damaged
        # JSON line, a zero-padded file). UTF-16 of an alphabetic script has a NUL in about every
        # other byte; UTF-16 of other scripts has about 6% or more bytes under 0x20 besides
        # (Cyrillic's 0x04 high bytes; CJK's evenly spread low bytes, and 、。 U+3001/3002).
        rest = sample.replace(b"\x00", b"")
        controls = sum(1 for b in rest if b < 0x20 and b not in (0x09, 0x0A, 0x0D))
        if controls * 100 < len(rest):
            return None
    scores: dict[str, float] = {}
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            continue
        scores[name] = _utf16_plausibility(text)
    if not scores:
        return None
    name = max(scores, key=lambda k: scores[k])
    if scores[name] < 0.6:
        return None
    other = min(scores.values()) if len(scores) == 2 else 0.0
    try:
        text = data.decode(name)
    except UnicodeDecodeError:
        return None
    confidence = round(scores[name] / (scores[name] + other), 3)
    return Decoded(text, name, confidence, True)


def _utf16_plausibility(text: str) -> float:
    """Share of characters that are ASCII or letters of the dominant script, minus controls.

    Byte-swapped UTF-16 turns spaces into U+2000 and Latin letters into CJK ideographs, so a
    right reading scores near 1 and a swapped one near 0 (except CJK text, where the ASCII
    spaces and digits still tip it)."""
    if not text:
        return 0.0
    blocks: dict[int, int] = {}
    good = 0.0
    for c in text:
        o = ord(c)
        if 0x20 <= o < 0x7F or c in "\n\t\r":
            good += 1.01  # ties (CJK read either way) go to the reading with ASCII
        elif o < 0x20 or 0x7F <= o < 0xA0 or 0xD800 <= o < 0xE000 or o >= 0xE000 and o < 0xF900:
            good -= 1
        else:
            block = -1 if _is_cjk(c) else o >> 7  # CJK spans many blocks: one script
            blocks[block] = blocks.get(block, 0) + 1
    good += max(blocks.values(), default=0)
    return good / len(text)
