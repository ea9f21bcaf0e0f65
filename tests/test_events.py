"""Timeline: dated events merged across documents (no models)."""

from __future__ import annotations

import pytest

from narratrace.events import merge_events
from narratrace.types import DateMention, Document, Mention


def _corpus(texts: dict[str, str], dated: dict[str, list[tuple[str, str]]],
            names: tuple[tuple[str, str], ...] = (("Dorn", "place"), ("Kesh", "group"), ("Talia", "place"),
                                                   ("Brosk", "place"), ("Velmar", "place"))):
    docs = {d: Document(id=d, path=d, text=t, source_text=t) for d, t in texts.items()}
    dates, mentions = [], []
    for d, t in texts.items():
        for surface, value in dated.get(d, []):
            s = t.index(surface)
            kind = "range" if "/" in value else "partial" if len(value) < 10 else "absolute"
            dates.append(DateMention(d, surface, s, s + len(surface), value, kind))  # type: ignore[arg-type]
        for name, type_ in names:
            start = t.find(name)
            while start >= 0:
                mentions.append(Mention(d, start, start + len(name), name, type_))  # type: ignore[arg-type]
                start = t.find(name, start + 1)
    return merge_events(dates, documents=docs, mentions=mentions), docs


def test_one_attack_in_three_articles_is_one_event():
    events, _ = _corpus(
        {"a": "Kesh fighters attacked an army post in Dorn on March 3-4, 2023, killing twelve soldiers.",
         "b": "The ambush on soldiers in Dorn in March 2023 was claimed by the Kesh.",
         "c": "Officials said the deadly attack on the army post in Dorn killed soldiers."},
        {"a": [("March 3-4, 2023", "2023-03-03/2023-03-04")], "b": [("March 2023", "2023-03")]})
    assert len(events) == 1
    ev = events[0]
    assert ev.docs == ("a", "b", "c") and ev.date == "2023-03-03/2023-03-04" and ev.date_text == "March 3-4, 2023"
    assert "Dorn" in ev.places and "Kesh" in ev.actors
    assert ev.summary == min(("Kesh fighters attacked an army post in Dorn on March 3-4, 2023, killing twelve soldiers.",
                              "The ambush on soldiers in Dorn in March 2023 was claimed by the Kesh.",
                              "Officials said the deadly attack on the army post in Dorn killed soldiers."), key=len)


@pytest.mark.parametrize("case, texts, dated, n_events", [
    ("same place, different days stay apart",
     {"a": "Kesh fighters attacked the army post in Dorn on 3 March 2023.",
      "b": "Kesh fighters attacked the army post in Dorn on 9 March 2023."},
     {"a": [("3 March 2023", "2023-03-03")], "b": [("9 March 2023", "2023-03-09")]}, 2),
    ("a month does not chain two different days",
     {"a": "Kesh fighters attacked the army post in Dorn on 3 March 2023.",
      "b": "Kesh fighters attacked the army post in Dorn in March 2023.",
      "c": "Kesh fighters attacked the army post in Dorn on 9 March 2023."},
     {"a": [("3 March 2023", "2023-03-03")], "b": [("March 2023", "2023-03")], "c": [("9 March 2023", "2023-03-09")]}, 2),
    ("same day, different kinds of event stay apart",
     {"a": "Talia and Brosk severed diplomatic relations in May 2022.",
      "b": "Talia signed a fishing agreement with Velmar in May 2022."},
     {"a": [("May 2022", "2022-05")], "b": [("May 2022", "2022-05")]}, 2),
    ("same day and kind, nothing shared: apart",
     {"a": "Kesh fighters attacked the army post in Dorn on 3 March 2023.",
      "b": "A bomb exploded at a wedding hall in Velmar on 3 March 2023."},
     {"a": [("3 March 2023", "2023-03-03")], "b": [("3 March 2023", "2023-03-03")]}, 2),
    ("two events 'in 2023' are not one",
     {"a": "Talia signed a charter with Brosk in 2023.", "b": "Talia signed a treaty with Brosk in 2023."},
     {"a": [("2023", "2023")], "b": [("2023", "2023")]}, 2),
    ("a dated sentence without an event word is no event",
     {"a": "The weather in Dorn was warm on 3 March 2023."}, {"a": [("3 March 2023", "2023-03-03")]}, 0),
])
def test_events_kept_apart_or_dropped(case, texts, dated, n_events):
    events, _ = _corpus(texts, dated)
    assert len(events) == n_events, case
    assert len({e.id for e in events}) == len(events)


def test_undated_retelling_joins_only_a_matching_event():
    events, _ = _corpus(
        {"a": "Talia and Brosk severed diplomatic relations in May 2022.",
         "b": "Talia later severed diplomatic ties with Brosk after the border dispute.",
         "c": "Velmar severed diplomatic relations with Dorn."},
        {"a": [("May 2022", "2022-05")]})
    assert [e.docs for e in events] == [("a", "b")]


def test_ids_are_stable_and_events_sorted_by_date():
    texts = {"a": "Talia and Brosk severed diplomatic relations in May 2022. Kesh fighters attacked Dorn on 3 March 2021."}
    dated = {"a": [("May 2022", "2022-05"), ("3 March 2021", "2021-03-03")]}
    one, _ = _corpus(texts, dated)
    two, _ = _corpus(texts, dated)
    assert one == two and [e.date for e in one] == ["2021-03-03", "2022-05"]


def test_the_any_event_precheck_agrees_with_the_classes():
    """The one-scan precheck must never rule out a sentence that some class matches."""
    from narratrace.events import _ANY_EVENT, EVENT_CLASSES

    samples = ["Talks resumed in Geneva.", "They SEVERED diplomatic ties.", "Nothing happened here.",
               "the blast", "handed over the keys", "It rained all week.", "a left turn", ""]
    for text in samples:
        assert bool(_ANY_EVENT.search(text)) == any(rx.search(text) for _, rx in EVENT_CLASSES)
    assert not _ANY_EVENT.search("It rained all week.")  # negative case: the check can say no



@pytest.mark.parametrize("sentence", [
    "The Bay Observer reported on Monday.", "the BAY OBSERVER's reporters said", "Bayern won on Monday.",
    "Ο ΛΟΓΟΣ.Α reported", "Ο ΛΟΓΟΣ reported", "ΛΟΓΟΣ Τύπος said", "Kestrel’s editors wrote on Friday.",
    "The Kestrels' coach said", "Nothing about any outlet here.", "İstanbul Postası said", "",
])
def test_outlet_names_found_with_the_first_word_check_are_those_found_without(sentence):
    """Issue #19: the event merge skips a sentence in which no outlet name's first word occurs
    (lowered as a whole, one sigma) without normalising it; it finds the names the word-by-word
    look-up finds, also where the whole sentence lowers a final sigma otherwise than the word
    alone ("ΛΟΓΟΣ.Α": σ, the word: ς) and for a word whose lower case is longer ("İ")."""
    from narratrace.claims.text import norm_name
    from narratrace.events import _Cand, _add_outlet_names, _first_words, _outlet_index

    outlets = ["Bay Observer", "Kestrel", "Λογος", "Λογος Τύπος", "İstanbul Postası", "Portvale Courier"]
    keys = _outlet_index({norm_name(o) for o in outlets} - {""})
    plain = _Cand("d", 0, len(sentence), sentence, "other", None, None, None)
    checked = _Cand("d", 0, len(sentence), sentence, "other", None, None, None)
    _add_outlet_names(plain, {}, keys)
    _add_outlet_names(checked, {}, keys, _first_words(keys))
    assert checked.names == plain.names
    if "ΛΟΓΟΣ." in sentence:  # the case the sigma fold is for
        assert plain.names == {"λογος"} and "λογος" not in sentence.lower()


def test_the_first_word_check_passes_over_sentences_naming_no_outlet():
    """The check says no where no outlet is named (a negative case: it is not always yes), and
    yes wherever a name could start."""
    from narratrace.claims.text import norm_name
    from narratrace.events import _first_words, _fold, _outlet_index

    first = _first_words(_outlet_index({norm_name("Bay Observer"), norm_name("Λογος")}))
    assert first is not None and first.search(_fold("Rain fell in the valley.")) is None
    assert first.search(_fold("The BAY Observer said")) and first.search(_fold("ΛΟΓΟΣ.Α"))
    assert _first_words(_outlet_index(set())) is None

@pytest.mark.model
def test_event_candidates_written_with_each_document_equal_the_corpus_stages_own(tmp_path):
    """The per-document events stage (run by workers) gives each document the candidates the
    corpus stage computes from the stored dates, mentions and sentences; and a document stored
    without them still gets them from the corpus stage."""
    from scale_corpus import write_corpus

    from narratrace import Options, analyze, open_store
    from narratrace.analysis import build_analysis
    from narratrace.events import event_candidates
    from narratrace.records import from_row
    from narratrace.types import Attribution, DateMention, Mention

    write_corpus(tmp_path / "c", 6)
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    analyze([tmp_path / "c"], store=store, options=Options(quiet=True, workers=1))
    stored = {r["doc"]: r["candidates"] for r in store.annotations("event_candidates")}
    docs = list(store.documents())
    assert set(stored) == {d.id for d in docs} and any(stored.values())
    for d in docs:
        spans = [tuple(s) for s in store.annotations("sentences", doc=d.id)[0]["spans"]]
        again = event_candidates(d, dates=[DateMention(**r) for r in store.annotations("dates", doc=d.id)],
                                 mentions=[Mention(**r) for r in store.annotations("mentions", doc=d.id)],
                                 sentences=spans,
                                 attributions=[from_row(Attribution, r)
                                               for r in store.annotations("attributions", doc=d.id)])
        assert again == stored[d.id]
    events = build_analysis(store)["events"]
    victim = docs[0].id
    store.replace_annotations(victim, "event_candidates", [])  # as an older store has it
    from narratrace.run.corpus import run_corpus_stages

    run_corpus_stages(store, options=Options(quiet=True, incremental=False))
    assert {r["doc"]: r["candidates"] for r in store.annotations("event_candidates")} == stored
    assert build_analysis(store)["events"] == events


def test_the_merge_of_stored_descriptions_normalises_each_place_once(monkeypatch):
    """Issue #19: the merge of every corpus run normalises the places of each description as
    it joins an event and of each event's record, and each document's outlet: the same few
    names, each normalised once (they were normalised again for every description and event),
    with the same events."""
    import narratrace.events as events
    from narratrace.events import event_candidates

    texts = {f"d{k}": f"Kesh fighters attacked the army post in Dorn on Tuesday, officials in Brosk said ({k})."
             for k in range(8)}
    docs = {d: Document(id=d, path=d, text=t, source_text=t, published="2024-08-15", outlet="The Ledger")
            for d, t in texts.items()}
    rows = {}
    for d, t in texts.items():
        s = t.index("Tuesday")
        found = [Mention(d, t.index(n), t.index(n) + len(n), n, ty)
                 for n, ty in (("Kesh", "group"), ("Dorn", "place"), ("Brosk", "place"))]
        rows[d] = event_candidates(docs[d], dates=[DateMention(d, "Tuesday", s, s + 7, "2024-08-13", "relative")],
                                   mentions=found)
    before = merge_events([], documents=docs, mentions=[], candidates=rows)
    if hasattr(events, "_name_key"):
        events._name_key.cache_clear()
    asked: list[str] = []

    def norm_name(text):
        asked.append(text)
        return real(text)

    real = events.norm_name
    monkeypatch.setattr(events, "norm_name", norm_name)
    after = merge_events([], documents=docs, mentions=[], candidates=rows)
    assert after == before and len({e.id for e in after if e.kind != "publication"}) == 1
    assert asked.count("Dorn") == asked.count("Brosk") == asked.count("The Ledger") == 1
