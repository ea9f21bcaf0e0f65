"""The timeline (#15): one event per thing on one day, with its kind, its documents and who it
is known from. Invented articles, hand-built dates, mentions and attributions; no models."""

from __future__ import annotations

from narratrace.events import document_outlet, event_candidates, merge_events
from narratrace.types import Actor, Attribution, DateMention, Document, Mention, Removed, Speaker

NAMES = (("Orvel", "place"), ("Kesh", "group"), ("Marta Quell", "person"), ("Quell", "person"),
         ("Harbour Board", "organisation"), ("Dorn", "place"), ("Velmar", "place"))


def _doc(d: str, text: str, published: str | None, outlet: str | None = None) -> Document:
    return Document(id=d, path=d, text=text, source_text=text, published=published, outlet=outlet,
                    title=f"Title of {d}")


def _corpus(docs: list[Document], dated: dict[str, list[tuple[str, str]]],
            attributions: tuple[Attribution, ...] = ()):
    dates, mentions = [], []
    for doc in docs:
        t = doc.text
        for surface, value in dated.get(doc.id, []):
            s = t.index(surface)
            dates.append(DateMention(doc.id, surface, s, s + len(surface), value, "relative"))
        for name, type_ in NAMES:
            start = t.find(name)
            while start >= 0:
                if not any(m.doc == doc.id and m.start <= start < m.end for m in mentions):
                    mentions.append(Mention(doc.id, start, start + len(name), name, type_))  # type: ignore[arg-type]
                start = t.find(name, start + 1)
    return merge_events(dates, documents={d.id: d for d in docs}, mentions=mentions,
                        attributions=attributions)


def _said(doc: Document, cue: str, name: str, content: str) -> Attribution:
    c = doc.text.index(cue)
    s = doc.text.index(content)
    return Attribution(id=f"{doc.id}-{c}", doc=doc.id, kind="indirect",
                       speaker=Speaker(name, None, None, actor=Actor(name, "person", "name")),
                       cue=cue, content=content, start=s, end=s + len(content), cue_start=c,
                       cue_end=c + len(cue))


def test_a_statement_on_one_day_in_two_articles_is_one_statement_known_from_its_speaker():
    a = _doc("a", "Minister Marta Quell said on Friday that the Orvel dam would be drained.", "2025-09-27", "Orvel Post")
    b = _doc("b", "Quell told the Harbour Board on Friday that the Orvel dam is safe for now.", "2025-09-28", "Dorn Daily")
    events = _corpus([a, b], {"a": [("Friday", "2025-09-26")], "b": [("Friday", "2025-09-26")]},
                     (_said(a, "said", "Marta Quell", "the Orvel dam would be drained"),
                      _said(b, "told", "Marta Quell", "the Orvel dam is safe for now")))
    day = [e for e in events if e.date == "2025-09-26"]
    assert len(day) == 1
    assert day[0].docs == ("a", "b") and day[0].kind == "statement" and day[0].origins == ("Marta Quell",)


def test_each_dated_document_is_a_publication_that_articles_naming_its_outlet_join():
    a = _doc("a", "Kesh fighters attacked a ferry near Orvel, a harbour pilot has told the Velmar Courier.",
             "2025-04-12", "Velmar Courier")
    b = _doc("b", "The Velmar Courier reported on Saturday that Kesh fighters attacked a ferry near Orvel.",
             "2025-04-14", "Dorn Daily")
    c = _doc("c", "A regional paper said on Saturday that a ferry sank near Dorn in a storm.", "2025-04-14", "Orvel Post")
    events = _corpus([a, b, c], {"b": [("Saturday", "2025-04-12")], "c": [("Saturday", "2025-04-12")]})
    pub = [e for e in events if e.kind == "publication" and e.date == "2025-04-12"]
    assert len(pub) == 1 and pub[0].docs == ("a", "b")  # c names no outlet of the corpus
    assert pub[0].summary == "Velmar Courier publishes \u201cTitle of a\u201d" and pub[0].origins[0] == "Velmar Courier"
    assert {e.date for e in events if e.kind == "publication"} == {"2025-04-12", "2025-04-14"}
    # two documents out on one day are two publications, never one event
    assert len([e for e in events if e.kind == "publication" and e.date == "2025-04-14"]) == 2


def test_the_first_person_of_an_outlet_dates_its_own_earlier_publication():
    a = _doc("a", "A nurse in Orvel has told us that the vaccine vials were cloudy.", "2025-04-12", "Orvel Post")
    b = _doc("b", "On Saturday we told you what a nurse in Orvel had told us about the vials.", "2025-04-16", "Orvel Post")
    events = _corpus([a, b], {"b": [("Saturday", "2025-04-12")]})
    assert [e.docs for e in events if e.date == "2025-04-12"] == [("a", "b")]


def test_different_things_on_one_day_stay_apart_and_retellings_merge():
    a = _doc("a", "The Harbour Board summoned the Kesh envoy in Orvel on Monday. "
                  "A storm flooded the fish market in Velmar on Monday morning.", "2025-02-11")
    b = _doc("b", "The Kesh envoy was summoned by the Harbour Board in Orvel on Monday.", "2025-02-12")
    c = _doc("c", "Stalls at the fish market in Velmar were flooded on Monday.", "2025-02-12")
    events = _corpus([a, b, c], {"a": [("Monday", "2025-02-10"), ("Monday morning", "2025-02-10")],
                                 "b": [("Monday", "2025-02-10")], "c": [("Monday", "2025-02-10")]})
    day = sorted(e.docs for e in events if e.date == "2025-02-10")
    assert day == [("a", "b"), ("a", "c")]


def test_a_date_without_any_action_is_no_event_and_a_blaze_is_a_fire():
    a = _doc("a", "The weather in Orvel was warm on Tuesday.", "2024-08-15")
    b = _doc("b", "The fire broke out near Orvel on Tuesday afternoon.", "2024-08-15")
    c = _doc("c", "The blaze that started near Orvel on Tuesday burned for days.", "2024-08-20")
    events = _corpus([a, b, c], {d: [("Tuesday", "2024-08-13")] for d in "abc"})
    assert [e.docs for e in events if e.date == "2024-08-13"] == [("b", "c")]


def test_a_bare_weekday_of_an_undated_document_joins_the_one_matching_event():
    a = _doc("a", "Marta Quell told the Harbour Board on Friday that Orvel will close the port.", "2025-09-27")
    b = _doc("b", "Her speech to the Harbour Board on Friday alarmed shipping firms in Orvel.", None)
    c = _doc("c", "Fishermen in Velmar marched on Friday over new quotas.", None)
    events = _corpus([a, b, c], {"a": [("Friday", "2025-09-26")]})
    assert [e.docs for e in events if e.date == "2025-09-26"] == [("a", "b")]
    assert all("c" not in e.docs for e in events)  # no event on a Friday of Velmar to join


def test_a_wrong_weekday_never_joins():
    a = _doc("a", "Marta Quell told the Harbour Board on Friday that Orvel will close the port.", "2025-09-27")
    b = _doc("b", "Her speech to the Harbour Board on Tuesday alarmed shipping firms in Orvel.", None)
    events = _corpus([a, b], {"a": [("Friday", "2025-09-26")]})
    assert all("b" not in e.docs for e in events)


def test_stored_candidates_of_an_older_store_still_merge():
    a = _doc("a", "Kesh fighters attacked the port of Orvel on Tuesday.", "2024-08-15")
    dm = DateMention("a", "Tuesday", 41, 48, "2024-08-13", "relative")
    rows = event_candidates(a, dates=[dm], mentions=[Mention("a", 0, 4, "Kesh", "group")])
    old = [{k: v for k, v in r.items() if k in ("doc", "start", "end", "sentence", "cls", "date", "lo", "hi",
                                                 "places", "actors", "names", "terms")} for r in rows]
    events = merge_events([], documents={"a": a}, mentions=[], candidates={"a": old})
    assert [(e.date, e.kind) for e in events] == [("2024-08-13", "happening"), ("2024-08-15", "publication")]


def test_the_outlet_falls_back_to_a_removed_masthead_line_only():
    text = "Orvel Post - news from the harbour\nBody text here."
    doc = Document(id="a", path="a", text="Body text here.", source_text=text,
                   removed=(Removed("other", 0, 35),))
    assert document_outlet(doc) == "Orvel Post"
    dated = Document(id="b", path="b", text="Body.", source_text="16 August 2024 - FOR RELEASE\nBody.",
                     removed=(Removed("byline", 0, 29),))
    assert document_outlet(dated) is None  # a date line is no masthead


def test_one_name_in_many_articles_on_many_days_merges_by_day():
    """A name recurring in every article on thirty days: descriptions are looked up by their day,
    so each day gets its own event with its ten articles, none bleeds into another."""
    docs, dated = [], {}
    for i in range(300):
        day = f"2024-03-{1 + i % 30:02d}"
        d = f"d{i:03d}"
        docs.append(_doc(d, f"Kesh fighters attacked the Orvel checkpoint on the {i}th day.", None))
        dated[d] = [(f"the {i}th day", day)]
    events = _corpus(docs, dated)
    assert len(events) == 30 and all(len(e.docs) == 10 for e in events)


def test_a_description_that_ties_two_events_of_one_day_settles_them_into_one():
    """The greedy pass meets b before c, which ties b to a; the settling pass joins them."""
    a = _doc("a", "Kesh fighters attacked the Orvel checkpoint on Saturday.", "2025-02-10")
    b = _doc("b", "The Dorn road was blocked by the assault on Saturday.", "2025-02-10")
    c = _doc("c", "Kesh fighters closed the Dorn road near Orvel on Saturday.", "2025-02-11")
    events = _corpus([a, b, c], {d: [("Saturday", "2025-02-08")] for d in "abc"})
    assert [e.docs for e in events if e.date == "2025-02-08"] == [("a", "b", "c")]
    two = _corpus([a, b], {d: [("Saturday", "2025-02-08")] for d in "ab"})
    assert len([e for e in two if e.date == "2025-02-08"]) == 2  # without c nothing ties them


def test_the_verb_of_the_dates_clause_decides_the_kind():
    text = ("The port disruption, which lasted from Saturday, delayed exports, the Harbour Board said "
            "on Tuesday.")
    doc = _doc("a", text, "2025-02-12")
    dates = [DateMention("a", "Saturday", text.index("Saturday"), text.index("Saturday") + 8, "2025-02-08"),
             DateMention("a", "Tuesday", text.index("Tuesday"), text.index("Tuesday") + 7, "2025-02-11")]
    rows = event_candidates(doc, dates=dates, mentions=[])
    assert [(r["lo"], r["kind"]) for r in rows] == [("2025-02-08", "happening"), ("2025-02-11", "statement")]


def test_an_undated_weekday_joins_the_friday_it_ties_to_best_and_no_other():
    a = _doc("a", "Marta Quell told the Harbour Board on Friday that Orvel will close the port.", "2025-09-27")
    d = _doc("d", "Kesh fighters attacked a convoy near Orvel on Friday.", "2025-05-31")
    b = _doc("b", "Her speech to the Harbour Board on Friday about the port alarmed shipping firms in Orvel.", None)
    events = _corpus([a, d, b], {"a": [("Friday", "2025-09-26")], "d": [("Friday", "2025-05-30")]})
    assert [e.docs for e in events if e.date in ("2025-09-26", "2025-05-30")] == [("d",), ("a", "b")]


def test_the_index_keys_no_description_looks_up_are_not_written_and_change_no_event(monkeypatch):
    """Issue #19: the merge writes index keys only of the kinds some description will look up
    (a class's words only for descriptions coarser than a day, weekday keys only for bare
    weekdays of undated documents); on a corpus with days, months, ranges, undated retellings
    and bare weekdays it gives the events of writing every key, and on one dated to days only
    it writes fewer keys."""
    import random

    import narratrace.events as events_module

    subjects = ["Kesh fighters", "Marta Quell", "The Harbour Board", "Officials in Dorn", "Velmar police"]
    verbs = ["attacked the convoy near", "signed the port charter in", "met the envoys in",
             "arrested two men in", "announced new tariffs in", "closed the road to"]
    places = ["Orvel", "Dorn", "Velmar"]
    when = [("on 7 March 2025", "2025-03-07"), ("on 4 March 2025", "2025-03-04"), ("in March 2025", "2025-03"),
            ("from 2 to 5 March 2025", "2025-03-02/2025-03-05"), ("in 2025", "2025"), ("on Friday", None),
            ("", None)]

    def corpus(seed: int, days_only: bool) -> tuple[list[Document], dict[str, list[tuple[str, str]]]]:
        rng = random.Random(seed)
        docs, dated = [], {}
        for k in range(60):
            d = f"d{k:02d}"
            sentences, dates = [], []
            for _ in range(rng.randint(1, 3)):
                surface, value = rng.choice(when[:2] if days_only else when)
                sentence = f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(places)} {surface}".strip() + "."
                if value and surface not in " ".join(sentences):
                    dates.append((surface, value))
                sentences.append(sentence)
            published = None if not days_only and k % 5 == 0 else f"2025-03-{1 + k % 9:02d}"
            docs.append(_doc(d, " ".join(sentences), published, outlet=["Bay Observer", None][k % 2]))
            dated[d] = dates
        return docs, dated

    written: list[int] = []
    real = events_module._Group.add

    def counting(self, cand, index, gid, reads=None):
        before = sum(map(len, index.values()))
        real(self, cand, index, gid, reads)
        written.append(sum(map(len, index.values())) - before)

    monkeypatch.setattr(events_module._Group, "add", counting)
    for seed, days_only in [(1, False), (2, False), (3, False), (4, True)]:
        docs, dated = corpus(seed, days_only)
        written.clear()
        kept = _corpus(docs, dated)
        fewer = sum(written)
        with monkeypatch.context() as m:
            m.setattr(events_module, "_reads", lambda dated, undated: None)  # every key written
            written.clear()
            every = _corpus(docs, dated)
        assert kept == every and len(every) > 10
        assert fewer < sum(written) if days_only else fewer <= sum(written)
