"""Issue #16 item 1: decoding legacy code pages right, saying when it was a guess.

Every sentence here is invented for these tests. Each language is written in the code pages
its news sites used; a decoding is right only when the text comes back unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from narratrace.ingest import iter_inputs
from narratrace.ingest._encoding import decode, decode_detail
from narratrace.run.document import analyze_document
from narratrace.types import Document, RawDocument

ARTICLES = {
    "fr": "Le ministère a déclaré mardi que la réforme serait présentée à l'Assemblée après "
          "l'été. « Nous irons jusqu'au bout », a-t-il ajouté devant la presse.",
    "de": "Der Bürgermeister äußerte sich am Dienstag zur Größe des geplanten Neubaus. Die "
          "Gebühren würden überprüft, sagte er vor dem Stadtrat.",
    "es": "El presidente señaló que la reunión del jueves será decisiva para el año próximo. "
          "También habló de la situación económica del país.",
    "pl": "Premier zapowiedział, że rząd przedstawi projekt ustawy w przyszłym miesiącu. "
          "Posłowie opozycji skrytykowali ten pomysł już w środę.",
    "cs": "Předseda vlády oznámil, že návrh zákona bude projednán příští měsíc. Opoziční "
          "poslanci to ostře kritizovali ve středu večer.",
    "ru": "Министр иностранных дел заявил во вторник, что переговоры продолжатся на "
          "следующей неделе. Другие подробности он не сообщил.",
    "uk": "Міністр закордонних справ заявив у вівторок, що переговори триватимуть наступного "
          "тижня. Їхні позиції зблизилися, додав він.",
    "sk": "Predseda vlády vyhlásil, že návrh zákona predloží budúci mesiac. Opozícia to "
          "kritizovala už v stredu.",
    "hu": "A miniszterelnök kedden bejelentette, hogy a kormány jövő hónapban benyújtja a "
          "törvényjavaslatot a parlamentnek.",
    "bg": "Министърът на външните работи заяви във вторник, че преговорите ще продължат "
          "следващата седмица.",
    "el": "Ο υπουργός Εξωτερικών δήλωσε την Τρίτη ότι οι διαπραγματεύσεις θα συνεχιστούν "
          "την επόμενη εβδομάδα.",
    "tr": "Dışişleri bakanı salı günü yaptığı açıklamada görüşmelerin gelecek hafta "
          "süreceğini söyledi.",
}
# Short headlines: a handful of non-ASCII bytes, where a guess is hardest.
HEADLINES = {
    "fr": "Le ministère a déclaré",
    "fr-2": "Élections : le maire sortant réélu",
    "de": "Grüne fordern Überprüfung",
    "es": "Años de espera",
    "pl": "Rząd ogłosił zmiany",
    "cs": "Vláda schválila rozpočet",
    "ru": "Совет принял решение",
    "uk": "Рада ухвалила закон",
}
CODE_PAGES = {
    "fr": ("cp1252", "latin-1", "iso8859-15"), "fr-2": ("cp1252", "latin-1"),
    "de": ("cp1252", "latin-1"), "es": ("cp1252", "latin-1"),
    "pl": ("cp1250", "iso8859-2"), "cs": ("cp1250", "iso8859-2"), "sk": ("cp1250",),
    "hu": ("cp1250", "iso8859-2"), "ru": ("cp1251", "koi8-r", "iso8859-5"),
    "uk": ("cp1251", "koi8-u"), "bg": ("cp1251",), "el": ("cp1253", "iso8859-7"),
    "tr": ("cp1254", "iso8859-9"),
}


def _cases(texts: dict[str, str]) -> list[tuple[str, str, str]]:
    return [(lang, page, text) for lang, text in texts.items() for page in CODE_PAGES[lang]]


@pytest.mark.parametrize(("lang", "page", "text"), _cases(ARTICLES),
                         ids=[f"{lang}-{page}" for lang, page, _ in _cases(ARTICLES)])
def test_issue16_legacy_code_pages(lang: str, page: str, text: str) -> None:
    found = decode_detail(text.encode(page))
    assert found.text == text
    assert found.guessed and 0.9 <= found.confidence <= 1.0


@pytest.mark.parametrize(("lang", "page", "text"), _cases(HEADLINES),
                         ids=[f"{lang}-{page}" for lang, page, _ in _cases(HEADLINES)])
def test_issue16_short_headlines(lang: str, page: str, text: str) -> None:
    found = decode_detail(text.encode(page))
    assert found.text == text
    assert found.guessed


@pytest.mark.parametrize(("text", "page"), [
    # signs glued to a word end ("przyj¹³") and a degree sign inside one ("ro°nie")
    ("Sejm przyjął ustawę, która zmienia zasady finansowania szkół.", "cp1250"),
    ("Wybory w Krakowie: frekwencja rośnie", "cp1250"),
    # KOI8-R bytes decode as half-width katakana in Shift_JIS
    ("Губернатор пообещал, что ремонт моста завершится до конца года.", "koi8-r"),
], ids=["pl-word-end", "pl-degree", "ru-koi8-not-sjis"])
def test_misreadings_found_on_unseen_sentences(text: str, page: str) -> None:
    assert decode(text.encode(page))[0] == text


def test_issue16_latin1_is_not_read_as_cp1250() -> None:
    # The reported failure: "fête" became "fęte", "años" became "ańos".
    text = "La fête des années passées à Paris et les años de España."
    got, _ = decode(text.encode("latin-1"))
    assert got == text and "ę" not in got and "ń" not in got


@pytest.mark.parametrize("lang", sorted(ARTICLES))
@pytest.mark.parametrize("order", ["utf-16-le", "utf-16-be"])
def test_utf16_without_mark(lang: str, order: str) -> None:
    text = ARTICLES[lang] + "\n"
    found = decode_detail(text.encode(order))
    assert (found.text, found.encoding, found.guessed) == (text, order, True)


def test_cjk_multibyte_text_is_not_read_as_cyrillic() -> None:
    text = "東京都は火曜日、新しい計画を発表した。知事は記者会見で詳細を説明した。"
    for page in ("shift_jis", "euc_jp"):
        assert decode(text.encode(page))[0] == text


def test_a_lying_declared_charset_is_overruled() -> None:
    body = f"<html><head><meta charset='iso-8859-1'></head><body><p>{ARTICLES['ru']}</p></body></html>"
    found = decode_detail(body.encode("cp1251"), html=True)
    assert (found.text, found.encoding, found.guessed) == (body, "cp1251", True)
    assert found.note is not None and "declared iso-8859-1" in found.note


def test_an_honest_declared_charset_is_kept() -> None:
    body = f"<meta charset='windows-1250'><p>{ARTICLES['cs']}</p>"
    found = decode_detail(body.encode("cp1250"), html=True)
    assert (found.text, found.encoding, found.guessed) == (body, "cp1250", False)


def test_issue16_meta_charset_after_64_kib_of_script() -> None:
    script = "var config = {a: 1, b: [2, 3]};\n" * 2500  # ~80 KiB before the meta tag
    body = (f"<html><head><script>{script}</script><meta charset='koi8-r'></head>"
            "<body><p>Совет, школа.</p></body></html>")
    assert len(script) > 1 << 16
    found = decode_detail(body.encode("koi8-r"), html=True)
    assert (found.text, found.encoding, found.guessed) == (body, "koi8-r", False)


def test_certain_decodings_are_not_guesses() -> None:
    for data in (ARTICLES["fr"].encode("utf-8"), b"plain ASCII text",
                 "\ufeff".encode("utf-16-le") + ARTICLES["ru"].encode("utf-16-le")):
        found = decode_detail(data)
        assert not found.guessed and found.confidence == 1.0


def test_guess_is_recorded_and_warned(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(ARTICLES["fr"].encode("latin-1"))
    (tmp_path / "b.txt").write_bytes(ARTICLES["fr"].encode("utf-8"))
    a, b = iter_inputs(tmp_path)
    assert isinstance(a, RawDocument) and isinstance(b, RawDocument)
    assert a.content == b.content == ARTICLES["fr"]
    assert a.encoding == "cp1252" and a.encoding_confidence is not None
    assert b.encoding == "utf-8" and b.encoding_confidence is None
    from narratrace.clean import clean_document

    doc = clean_document(a)
    assert (doc.encoding, doc.encoding_confidence) == ("cp1252", a.encoding_confidence)
    _, problems = analyze_document(doc, None, stages=())
    assert [(p.stage, p.path) for p in problems] == [("ingest", doc.path)]
    assert "encoding guessed: read as cp1252" in problems[0].reason
    _, none = analyze_document(clean_document(b), None, stages=())
    assert none == []


def test_unguessed_document_has_no_warning() -> None:
    doc = Document("d", "x.txt", "Text.", "Text.", encoding="utf-8")
    assert analyze_document(doc, None, stages=())[1] == []
