"""The entities stage, both halves: typed mentions and acronym definitions per document; one
canonical entity per real-world actor across the corpus (a union-find over every mention,
global by nature and cheap: about 0.1 s for 400 documents)."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from ..records import kind as stored_kind
from ..stage import CorpusContext, CorpusStage, DocStage, StageContext
from ..types import Alias, Attribution, DocAnalysis, Document, Entity, Mention
from . import DESCRIBED, entity_id, exact_key, extract_aliases, extract_mentions, merge_entities


#: The label of a mention whose entity is named otherwise than its words ("the ministry").
RESOLVED = "RESOLVED"


def _mentions(document: Document, parsed: Any, got: DocAnalysis, ctx: StageContext) -> dict[str, Any]:
    return {"mentions": tuple(extract_mentions(document, parsed)),
            "aliases": tuple(Alias(short, long) for short, long in extract_aliases(document))}


def speaking_actors(entities: list[Entity], attributions: Iterable[Attribution],
                    texts: Mapping[str, str] | None = None) -> list[Entity]:
    """Entities as speakers: a country or capital that speaks ("Moscow said", "Mali accused")
    becomes its government, an entity of type ``government`` apart from the place; every
    entity gets the roles it was given where it spoke ("Prime Minister"), most frequent first.
    A speaker resolved to a name other than the words at its place ("the ministry" → the
    minister's ministry) gets an entity of that name whose mention is those words, read from
    ``texts`` (document id → text) or from the source as written.

    >>> from narratrace.types import Actor, Speaker
    >>> place = Entity("e1", "Mali", "place", mentions=(Mention("d", 0, 4, "Mali", "place"),))
    >>> actor = Actor("Government of Mali", "government", "metonymy", 0, 4)
    >>> a = Attribution("a", "d", "indirect", Speaker("Mali", 0, 4, actor=actor), "say", "x", 10, 11)
    >>> [(e.name, e.type, e.aliases) for e in speaking_actors([place], [a])]
    [('Mali', 'place', ()), ('Government of Mali', 'government', ('Mali',))]
    """
    by_span: dict[tuple[str, int, int], tuple[Entity, Mention]] = {
        (m.doc, m.start, m.end): (e, m) for e in entities for m in e.mentions}
    by_doc: dict[str, list[tuple[int, int, Entity]]] = defaultdict(list)
    for (doc, start, end), (e, _) in by_span.items():
        by_doc[doc].append((start, end, e))
    governments: dict[str, dict[tuple[str, int, int], Mention]] = defaultdict(dict)
    renamed: dict[str, dict[tuple[str, int, int], Mention]] = defaultdict(dict)
    roles: dict[str, Counter[str]] = defaultdict(Counter)
    for a in attributions:
        actor = a.speaker.actor
        if actor is None or actor.start is None or actor.end is None:
            continue
        hit = by_span.get((a.doc, actor.start, actor.end))
        # The words at the actor's offsets: a mention there, else the source as written there.
        text = hit[1].text if hit is not None else a.speaker.text if (
            a.speaker.mention_start, a.speaker.mention_end) == (actor.start, actor.end) else \
            texts[a.doc][actor.start:actor.end] if texts is not None and a.doc in texts else None
        if actor.type == "government":
            if text is not None:
                governments[actor.name][(a.doc, actor.start, actor.end)] = Mention(
                    a.doc, actor.start, actor.end, text, "government", "SPEAKER")
        elif actor.type == "organisation" and text is not None and exact_key(text) != exact_key(actor.name) \
                and actor.how != "description" and actor.name[:1].isupper():
            # "The ministry" resolved to the minister's ministry, "the Foreign Ministry" to the
            # passage's country's: the actor by its name, its mention the words as written
            renamed[actor.name][(a.doc, actor.start, actor.end)] = Mention(
                a.doc, actor.start, actor.end, text, "organisation", RESOLVED)
        if actor.type != "government" and actor.role:
            for start, end, e in by_doc.get(a.doc, ()):
                if start < actor.end and actor.start < end:
                    roles[e.id][actor.role] += 1
                    break
    out = [dataclasses.replace(e, roles=tuple(r for r, _ in sorted(roles[e.id].items(),
                                                                    key=lambda kv: (-kv[1], kv[0]))))
           if e.id in roles else e for e in entities]
    for name in sorted(governments):
        mentions = tuple(sorted(governments[name].values(), key=lambda m: (m.doc, m.start)))
        out.append(Entity(entity_id("government", name), name, "government",
                          aliases=tuple(sorted({m.text for m in mentions if m.text != name})),
                          mentions=mentions))
    index = {exact_key(e.name): n for n, e in enumerate(out) if e.type == "organisation"}
    for name in sorted(renamed):
        added = tuple(sorted(renamed[name].values(), key=lambda m: (m.doc, m.start)))
        n = index.get(exact_key(name))
        if n is not None:  # the same organisation named in full elsewhere in the corpus
            e = out[n]
            have = {(m.doc, m.start, m.end) for m in e.mentions}
            added = tuple(m for m in added if (m.doc, m.start, m.end) not in have)  # (a run before linked it)
            out[n] = dataclasses.replace(e, mentions=tuple(sorted(e.mentions + added, key=lambda m: (m.doc, m.start))))
        else:
            out.append(Entity(entity_id("organisation", name), name, "organisation",
                              aliases=tuple(sorted({m.text for m in added})), mentions=added))
    return out


def speaker_mentions(mentions: Iterable[Mention], attributions: Iterable[Attribution]) -> list[Mention]:
    """Mentions the tagger missed that a speaker was resolved to ("Tobiah Quell, who chairs
    the forum, said ..." with no PERSON tag): each becomes a mention of its actor, so the
    speaker has an entity like any other and merges with the same name elsewhere.

    >>> from narratrace.types import Actor, Speaker
    >>> actor = Actor("Ivo Marek", "person", "name", 0, 9)
    >>> a = Attribution("a", "d", "indirect", Speaker("Ivo Marek", 0, 9, actor=actor), "say", "x", 20, 21)
    >>> [(m.text, m.type) for m in speaker_mentions([], [a])]
    [('Ivo Marek', 'person')]
    """
    by_doc: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for m in mentions:
        by_doc[m.doc].append((m.start, m.end, m.text))
    out: dict[tuple[str, int, int], Mention] = {}
    for a in attributions:
        actor = a.speaker.actor
        if actor is None or actor.start is None or actor.end is None or \
                actor.type not in ("person", "organisation", "outlet", "group") or actor.how == "description":
            continue
        text = actor.name
        written = exact_key(a.speaker.text)
        if (a.speaker.mention_start, a.speaker.mention_end) == (actor.start, actor.end) and (
                written == exact_key(actor.name)
                or actor.id is not None and all(w[:1].isupper() for w in a.speaker.text.split())
                and set(written.split()) <= set(exact_key(actor.name).split())):
            # "The Daily Lantern" written, "Daily Lantern" its name; "Landolfi" written where a
            # run before linked it to its entity "Federico Landolfi" (what the speakers stage
            # stores is read again by the next run: the mention must be the one it first was)
            text = a.speaker.text
        elif actor.end - actor.start != len(actor.name):
            continue  # named otherwise than written there ("the ministry" → its full name): no mention
        if any(s < actor.end and actor.start < e and not actor.name.startswith((t + "'s ", t + "’s "))
               for s, e, t in by_doc.get(a.doc, ())):
            continue  # (an owner named inside is not the actor: "Varenia's coast guard")
        out.setdefault((a.doc, actor.start, actor.end),
                       Mention(a.doc, actor.start, actor.end, text, actor.type, "SPEAKER"))
    return [out[k] for k in sorted(out)]


def described_sources(attributions: Iterable[Attribution]) -> list[Entity]:
    """Sources a document describes instead of naming ("a person familiar with the talks",
    "a nurse at a clinic in Lowmoor") and then refers back to ("the source said", "she
    added"): one entity each, of that document only -- two articles' "a senior official" are
    not one person -- so every statement of the source points at one actor.

    >>> from narratrace.types import Actor, Speaker
    >>> actor = Actor("a person inside the club", "person", "description", 30, 54)
    >>> a = Attribution("a", "d", "indirect", Speaker("a person inside the club", 30, 54, actor=actor),
    ...                 "tell", "x", 0, 20)
    >>> [(e.name, e.type, e.id.startswith(DESCRIBED)) for e in described_sources([a])]
    [('a person inside the club', 'person', True)]
    """
    found: dict[tuple[str, int, int], Mention] = {}
    for a in attributions:
        actor = a.speaker.actor
        if actor is None or actor.how != "description" or actor.start is None or actor.end is None \
                or actor.type not in ("person", "anonymous"):
            continue
        found.setdefault((a.doc, actor.start, actor.end),
                         Mention(a.doc, actor.start, actor.end, actor.name, "person", "DESCRIBED"))
    return [Entity(DESCRIBED + entity_id("person", f"{doc}\x1f{start}\x1f{m.text}")[4:], m.text, "person",
                   mentions=(m,)) for (doc, start, _), m in sorted(found.items())]


def stored_mentions(ctx: CorpusContext) -> list[Mention]:
    """Every stored mention. A mention is flat (strings and offsets), so a stored row is its
    fields as they are: built from the row straight, not through the generic record decoding
    (no later corpus stage reads mentions, so they are not cached in ``ctx``). On the
    5,100-document bench store, 30,600 mentions: 0.12 s of decoding → 0.05 s. A row with a key
    the record does not know (a newer store) is decoded the generic way, which ignores it."""
    rows = ctx.store.iter_annotations("mentions")
    out: list[Mention] = []
    for row in rows:
        try:
            out.append(Mention(**row))
        except TypeError:
            out.append(stored_kind("mentions").from_row(row))
    return out


def _merge(ctx: CorpusContext) -> Mapping[str, Any]:
    aliases = [(a.short, a.long) for a in ctx.read("aliases")]
    attributions = list(ctx.read("attributions"))
    mentions = stored_mentions(ctx)
    mentions += speaker_mentions(mentions, attributions)
    entities = speaking_actors(merge_entities(mentions, aliases=aliases), attributions,
                               {d.id: d.text for d in ctx.documents})
    entities += described_sources(attributions)
    # A government's speaking mentions point at the government, not the place; a speaker
    # resolved to a name other than the words written at its place points at that name.
    spans = {(m.doc, m.start, m.end): e.id
             for e in sorted(entities, key=lambda e: e.type == "government") for m in e.mentions}
    spans.update({(m.doc, m.start, m.end): e.id for e in entities for m in e.mentions if m.label == RESOLVED})
    by_doc: dict[str, list[tuple[int, int, str]]] = {}
    for (doc, start, end), entity in spans.items():
        by_doc.setdefault(doc, []).append((start, end, entity))
    return {"entities": entities, "entity_spans": spans, "entity_spans_by_doc": by_doc}


DOC = DocStage("entities", requires=("text", "parse"), assigns=("mentions", "aliases"), fn=_mentions)
#: ``entity_spans``: ``{(doc, start, end): entity id}`` of every mention;
#: ``entity_spans_by_doc``: ``{doc: [(start, end, entity id), ...]}``, the same per document.
CORPUS = CorpusStage("entities", requires=("mentions", "aliases", "attributions"),
                     assigns=("entities", "entity_spans", "entity_spans_by_doc"), fn=_merge)
