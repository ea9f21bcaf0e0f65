"""The attribution stage, both halves: who said what in each document; each speaker linked to
the canonical entity whose mention it overlaps, once entities are merged across the corpus."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from ..records import kind
from ..stage import CorpusContext, CorpusStage, DocStage, StageContext
from ..types import Actor, Attribution, DocAnalysis, Document, Entity, Speaker
from . import extract_attributions


def _attributions(document: Document, parsed: Any, got: DocAnalysis,
                  ctx: StageContext) -> dict[str, Any]:
    return {"attributions": tuple(extract_attributions(document, parsed,
                                                       lang=document.language or "en",
                                                       mentions=got.mentions))}


def _link_speakers(ctx: CorpusContext) -> Mapping[str, Any]:
    """Point each attribution's speaker at the canonical entity whose mention it overlaps;
    rewrite only the documents whose attributions changed."""
    spans_by_doc: Mapping[str, list[tuple[int, int, str]]] = ctx["entity_spans_by_doc"]
    names = {e.id: e.name for e in ctx["entities"]}
    titled = _holders_of_roles(ctx["entities"])
    bodies = _bodies_by_role(ctx["entities"])
    types = {e.id: e.type for e in ctx["entities"]}
    linked: list[Attribution] = []
    by_doc: dict[str, list[Attribution]] = {}
    changed: set[str] = set()
    for attribution in ctx.read("attributions"):
        speaker = attribution.speaker
        s, e = speaker.start, speaker.end
        if s is not None and e is not None:
            entity = speaker_entity(speaker, spans_by_doc.get(attribution.doc, []))
            actor = speaker.actor
            if entity is None and actor is not None and actor.type == "person" and actor.start is None \
                    and (holder := titled.get(_role_key(actor.name if actor.id is None else speaker.text))) is not None:
                # (the title as written once a run before has named its holder)
                # "The Health Minister said ...": the one person the corpus gives
                # that title ("Health Minister Ada Brun told parliament ...")
                entity = holder
                actor = dataclasses.replace(actor, id=holder, name=names[holder], how="role noun")
            if entity is None and (actor is None or actor.start is None and actor.type in _BODY_TYPES) \
                    and speaker.text[:4].lower() == "the " \
                    and (body := bodies.get(_role_key(speaker.text))) is not None:
                # "the health board said", no board named in the article: the one body of the
                # corpus whose name ends so ("Quillon Island Health Board")
                entity = body
                actor = Actor(names[body], types[body], "role noun", id=body)  # type: ignore[arg-type]
            if actor is not None and actor.start is not None:
                # The actor takes the canonical entity's id and name ("Marek" in one
                # article, "Ivo Marek" in another: one actor).
                actor = dataclasses.replace(actor, id=entity,
                                            name=names.get(entity, actor.name) if entity else actor.name)
            if speaker.entity != entity or actor != speaker.actor:
                changed.add(attribution.doc)
                attribution = dataclasses.replace(
                    attribution, speaker=dataclasses.replace(speaker, entity=entity, actor=actor))
        linked.append(attribution)
        by_doc.setdefault(attribution.doc, []).append(attribution)
    spec = kind("attributions")
    for doc in sorted(changed):
        ctx.store.replace_annotations(doc, "attributions", [spec.to_row(a) for a in by_doc[doc]])
    ctx.forget("attributions")
    return {"linked_attributions": linked}


def speaker_entity(speaker: Speaker, spans: list[tuple[int, int, str]]) -> str | None:
    """The entity whose mention is the speaker's span, else one overlapping it -- unless the
    speaker is only described: "the student from Lviv" is not Lviv, "the Varenian
    authorities" not the word "Varenian".

    >>> from narratrace.types import Actor
    >>> described = Speaker("the student from Lviv", 0, 21, actor=Actor("the student from Lviv", "person",
    ...                     "description", None, None))
    >>> speaker_entity(described, [(17, 21, "lviv")]) is None
    True
    >>> speaker_entity(Speaker("Ivo Marek said", 0, 14), [(0, 9, "marek")])
    'marek'
    """
    s, e = speaker.start, speaker.end
    if s is None or e is None:
        return None
    exact = [ent for ms, me, ent in spans if (ms, me) == (s, e)]
    if exact:
        return exact[0]
    actor = speaker.actor
    if actor is not None and actor.how == "description" and actor.start is None:
        return None
    return next((ent for ms, me, ent in spans if ms < e and s < me), None)


def _role_key(text: str) -> str:
    words = text.lower().split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


def _holders_of_roles(entities: list[Entity]) -> dict[str, str]:
    """Titles of two words or more ("sports minister") held by exactly one person entity of
    the corpus, and that person's id; a title several people hold names none of them."""
    holders: dict[str, set[str]] = {}
    for e in entities:
        if e.type != "person":
            continue
        for role in e.roles:
            key = _role_key(role)
            if len(key.split()) >= 2 and key.replace(" ", "").isalpha():
                holders.setdefault(key, set()).add(e.id)
    return {key: next(iter(ids)) for key, ids in holders.items() if len(ids) == 1}


_BODY_TYPES = ("organisation", "outlet", "government")


def _bodies_by_role(entities: list[Entity]) -> dict[str, str]:
    """The last two words or more of a body's name ("health board" of "Quillon Island Health
    Board"; "health ministry" of "Ministry of Health"), when exactly one organisation, outlet or
    government of the corpus is named so, and that body's id.

    >>> e = lambda i, n: Entity(i, n, "organisation")
    >>> got = _bodies_by_role([e("a", "Quillon Island Health Board"), e("b", "Ministry of Health"),
    ...                         e("c", "Harbour Water Board")])
    >>> got["health board"], got["island health board"], got["health ministry"], "water board" in got, "board" in got
    ('a', 'a', 'b', True, False)
    """
    named: dict[str, set[str]] = {}
    for e in entities:
        if e.type not in _BODY_TYPES:
            continue
        for name in (e.name, *e.aliases):
            words = name.lower().split()
            if len(words) == 3 and words[1] == "of" and words[0] in ("ministry", "department"):
                named.setdefault(f"{words[2]} {words[0]}", set()).add(e.id)
            for k in range(2, len(words) + 1):
                key = " ".join(words[-k:])
                if key.replace(" ", "").isalpha():
                    named.setdefault(key, set()).add(e.id)
    return {key: next(iter(ids)) for key, ids in named.items() if len(ids) == 1}


DOC = DocStage("attribution", requires=("text", "parse", "mentions"), assigns=("attributions",),
               fn=_attributions)
CORPUS = CorpusStage("speakers", requires=("attributions", "entities", "entity_spans_by_doc"),
                     assigns=("linked_attributions",), fn=_link_speakers)
