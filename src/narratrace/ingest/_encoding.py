"""Turning bytes into text: byte-order marks, strict UTF-8, declared charsets, then detection."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

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

# Encodings charset-normalizer may choose, commonest on news sites first. Without this list
# it picks DOS and Mac code pages (cp775, mac_latin2) for short French text in Latin-1.
_DETECTABLE = {name: rank for rank, name in enumerate((
    "cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "cp1251", "koi8_r", "koi8_u",
    "iso8859_5", "cp1253", "iso8859_7", "cp1254", "iso8859_9", "cp1255", "iso8859_8", "cp1256",
    "iso8859_6", "cp1257", "iso8859_13", "cp1258", "cp874", "gb18030", "big5", "shift_jis",
    "euc_jp", "euc_kr", "utf_8", "utf_16", "utf_32",
))}

# WHATWG encoding standard: these labels mean windows-1252 in HTML, whatever they say.
_HTML_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
                 "us-ascii": "cp1252", "ascii": "cp1252", "iso8859-1": "cp1252"}

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,500}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]{1,40})"""
    rb"""|<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_:.\-]{1,40})""",
    re.IGNORECASE,
)
_SNIFF_BYTES = 1 << 16  # pages often carry tens of KiB of inline script before the meta tag

# C0 controls other than tab/newline/CR/form feed/vertical tab, DEL and the C1 block.
_CONTROLS = "".join(chr(c) for c in [*range(0, 9), 14, *range(15, 32), *range(0x7F, 0xA0)])
_STRIP_CONTROLS = str.maketrans("", "", _CONTROLS + "\ufffd")
# Random bytes decode to ~10% C0 controls (27 of 256 values) and more under Latin-1; real
# articles have almost none. 2% leaves room for a stray form feed or escape sequence.
_MAX_CONTROL_SHARE = 0.02
_CONTROL_SAMPLE = 1 << 20


class LooksBinary(InputError):
    """Bytes that are not text, whatever the file is called."""


def decode(data: bytes, *, declared: Iterable[str] = (), html: bool = False) -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding)`` with newlines normalised to ``\\n``.

    Order: byte-order mark, strict UTF-8, the ``declared`` charsets (an HTTP header) and, for
    HTML, the page's own ``<meta charset>``, then charset-normalizer. Strict UTF-8 comes
    before declarations because a page that is valid UTF-8 with non-ASCII bytes is UTF-8
    whatever its (often copied) meta tag says.

    >>> decode("caf\\u00e9\\r\\n".encode("utf-8"))
    ('café\\n', 'utf-8')
    """
    if not data:
        raise InputError("empty (0 bytes); nothing to analyse")
    text, encoding = _decode(data, declared=declared, html=html)
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
            f"looks binary ({controls / len(sample):.0%} control characters as {encoding}); "
            "is it really a text file?"
        )
    return text, encoding


def _decode(data: bytes, *, declared: Iterable[str], html: bool) -> tuple[str, str]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(name), name
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"starts with a {name} byte-order mark but is not valid {name} "
                    f"(byte {exc.start + len(bom)}); re-save it as UTF-8"
                ) from None
    if b"\x00" in data:
        found = _utf16_without_bom(data)
        if found is None:
            raise LooksBinary("looks binary (contains NUL bytes); is it really a text file?")
        return found
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    labels = list(declared)
    if html:
        labels += meta_charsets(data)
    for label in labels:
        codec = _codec_name(label, html=html)
        if codec is None:
            continue
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    best = from_bytes(data, cp_isolation=list(_DETECTABLE)).best()
    if best is None or best.encoding is None:
        raise InputError("could not detect the text encoding; re-save it as UTF-8")
    # Several code pages often decode the bytes identically; name the commonest one.
    same = [e for e in best.could_be_from_charset if e in _DETECTABLE] or [best.encoding]
    name = min(same, key=lambda e: _DETECTABLE.get(e, len(_DETECTABLE)))
    return str(best), _codec_name(name, html=False) or name


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


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text saved without a mark: NULs in every other byte. None if not that."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    # Mostly-Latin UTF-16 has a NUL in ~all high bytes; 40% leaves room for other scripts.
    if odd > 0.4 * half and even < 0.05 * half:
        name = "utf-16-le"
    elif even > 0.4 * half and odd < 0.05 * half:
        name = "utf-16-be"
    else:
        return None
    try:
        return data.decode(name), name
    except UnicodeDecodeError:
        return None
