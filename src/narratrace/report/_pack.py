"""Per-tab data packed into the page: gzip, then base64, written as it is made.

The report is one file that opens from disk with no server: ``fetch()`` of a ``file://`` URL is
blocked in browsers and a second file would have to travel with the first. So each heavy tab's
HTML is gzip-compressed into an inert ``<script type="text/x-narratrace-tab">`` block that the
page's own script unpacks (``DecompressionStream``) the first time the tab is shown. The
browser only tokenises the base64 on load, never builds those tabs' DOM, and the markup of a
report compresses about eight-fold (14.5 MB of tab HTML to 1.9 MB, 2.5 MB in base64, at
1,000 documents), so the file shrinks and the first paint is the overview's.

>>> packer = Packer()
>>> data = packer.feed("<p>hello</p>" * 100) + packer.close()
>>> import base64, gzip
>>> gzip.decompress(base64.b64decode(data)).decode()[:12]
'<p>hello</p>'
"""

from __future__ import annotations

import base64
import gzip
import zlib
from collections.abc import Iterable, Iterator

#: zlib's default level. On the 14.5 MB of tab HTML of 1,000 SemEval-shaped documents (the
#: bench's input, quiet box): level 6 gives 1.87 MB in 0.30 s, level 9 1.3% less in 0.49 s,
#: level 1 27% more.
LEVEL = 6
#: Text gathered before each call into zlib (tens of thousands of tiny template pieces).
BATCH_CHARS = 1 << 16


class Packer:
    """Text in, base64 of its gzip stream out, piece by piece (a multiple of 3 bytes each
    time, so the pieces concatenate into one valid base64 string)."""

    def __init__(self) -> None:
        self._zip = zlib.compressobj(LEVEL, zlib.DEFLATED, 31)  # wbits 31: a gzip stream
        self._carry = b""

    def feed(self, text: str) -> str:
        return self._encode(self._zip.compress(text.encode("utf-8")))

    def close(self) -> str:
        tail = self._carry + self._zip.flush()
        self._carry = b""
        return base64.b64encode(tail).decode("ascii")

    def _encode(self, data: bytes) -> str:
        data = self._carry + data
        cut = len(data) - len(data) % 3
        self._carry = data[cut:]
        return base64.b64encode(data[:cut]).decode("ascii")


_OPEN = '<div class="tab-body">'
_DATA = '<script type="text/x-narratrace-tab" class="tab-data">'


def packed_section(name: str, anchors: str, pieces: Iterable[str]) -> Iterator[str]:
    """The ``<section>`` of tab ``name`` with its HTML (``pieces``) packed, and what the page
    shows until its script unpacks it. ``anchors``: the prefix of the ids inside (``d`` for
    ``d12``), so that a deep link unpacks this tab first; "" for none."""
    attr = f' data-anchors="{anchors}"' if anchors else ""
    yield (f'<section id="{name}" class="tab packed"{attr}>{_OPEN}'
           '<p class="muted unpacking">Unpacking…</p><noscript><p class="caveat">This tab is '
           'packed in the page; it needs JavaScript to open (analysis.json holds the same '
           f'data).</p></noscript></div>{_DATA}')
    yield from packed(pieces)
    yield "</script></section>\n"


def packed(pieces: Iterable[str]) -> Iterator[str]:
    """``pieces`` (the HTML of a tab) as base64 gzip, in pieces, never all in memory."""
    packer, batch, size = Packer(), [], 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size >= BATCH_CHARS:
            out = packer.feed("".join(batch))
            batch, size = [], 0
            if out:
                yield out
    yield packer.feed("".join(batch)) + packer.close()


def unpack_html(page: str) -> str:
    """``page`` with every packed tab unpacked in place: the HTML the browser shows once every
    tab has been opened (for tests and for tools that read the report without a browser).

    >>> unpack_html('<div class="tab-body">x</div><script type="text/x-narratrace-tab" '
    ...             'class="tab-data">' + "".join(packed(["<p>hi</p>"])) + '</script>')
    '<div class="tab-body"><p>hi</p></div>'
    """
    out, pos = [], 0
    while (start := page.find(_OPEN, pos)) >= 0:
        data = page.find(_DATA, start)
        end = page.find("</script>", data)
        if data < 0 or end < 0:
            break
        body = gzip.decompress(base64.b64decode(page[data + len(_DATA):end])).decode("utf-8")
        out += [page[pos:start], _OPEN, body, "</div>"]
        pos = end + len("</script>")
    out.append(page[pos:])
    return "".join(out)
