"""Corpus-level entity resolution: mentions → canonical entities.

Nodes are exact keys (case/diacritic/possessive-folded surfaces), split into person and
non-person nodes so that the surname "Jordan" never meets the country. Nodes are unioned by
five rules, from strict to loose:

1. the curated alias file (same gazetteer entry, compatible type);
2. acronym definitions (``extract_aliases``), when the acronym has one long form in the corpus;
3. transliteration keys (Kiev/Kyiv, Andriy/Andrey Kovalenko), within one type class;
4. surname ↔ full name, when exactly one full-name cluster ends with that surname;
5. one name of two words or more typed a person in some documents and a thing in others.

Everything is computed from the sorted, de-duplicated input, so the result does not depend on
the order of the mentions.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable

from ..types import Entity, EntityType, Mention
from ._gazetteer import GazetteerEntry, load_gazetteer
from ._normalise import clean_surface, exact_key, translit_key

_TYPE_ORDER: tuple[EntityType, ...] = ("person", "place", "organisation", "outlet", "group",
                                       "other")
Node = tuple[str, str]  # (type class, exact key)


def _class_of(typ: str) -> str:
    return "person" if typ == "person" else "thing"


def _compatible(entry: GazetteerEntry, typ: str) -> bool:
    if typ == "person":
        return False
    if entry.type == "place":
        return typ == "place"
    return typ != "place" or entry.kind == ""  # an org tagged GPE ("NATO/GPE") still counts


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[object, object] = {}

    def find(self, x: object) -> object:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: object, b: object) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # Deterministic root: the smaller repr, so roots never depend on call order.
            if repr(ra) < repr(rb):
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


def entity_id(typ: str, name: str) -> str:
    """Stable id: a hash of the type and the canonical key of the name."""
    digest = hashlib.sha1(f"{typ}\x1f{exact_key(name)}".encode()).hexdigest()
    return f"ent_{digest[:16]}"


def merge_entities(mentions: Iterable[Mention], *,
                   aliases: Iterable[tuple[str, str]] = ()) -> list[Entity]:
    """Group mentions from many documents into canonical entities.

    ``aliases`` are ``(short, long)`` pairs, usually from :func:`extract_aliases` over the
    corpus. The result does not depend on the order of ``mentions`` or ``aliases``.

    >>> ms = [Mention("d1", 0, 4, "Kiev", "place"), Mention("d2", 0, 4, "Kyiv", "place")]
    >>> [(e.name, e.wikidata) for e in merge_entities(ms)]
    [('Kyiv', 'Q1899')]
    """
    gaz = load_gazetteer()
    ordered = sorted(set(mentions), key=lambda m: (m.doc, m.start, m.end, m.text, m.type,
                                                   m.label))
    node_mentions: dict[Node, list[Mention]] = defaultdict(list)
    for m in ordered:
        key = exact_key(m.text)
        if key:
            node_mentions[(_class_of(m.type), key)].append(m)
    uf = _UnionFind()
    for node in node_mentions:
        uf.find(node)
    node_type = {node: _vote(ms) for node, ms in node_mentions.items()}

    # 1. Curated entries.
    node_entry: dict[Node, GazetteerEntry] = {}
    for node, ms in node_mentions.items():
        surface = clean_surface(ms[0].text)
        entry = gaz.lookup(surface)
        head, _, rest = surface.partition(" ")
        if entry is None and rest and exact_key(head) in gaz.demonyms:
            entry = gaz.lookup(rest)  # "Russian Wagner Group" is the Wagner Group
        if entry is not None and _compatible(entry, node_type[node]):
            node_entry[node] = entry
            uf.union(node, ("gaz", entry.name))

    # 2. Acronym definitions, unambiguous ones only.
    longs_of: dict[str, set[str]] = defaultdict(set)
    for short, long in set(aliases):
        if exact_key(short) and exact_key(long) and exact_key(short) != exact_key(long):
            longs_of[exact_key(short)].add(exact_key(long))
    for short_key, long_keys in longs_of.items():
        if len(long_keys) != 1:
            continue
        (long_key,) = long_keys
        uf.union(("thing", short_key), ("thing", long_key))

    # 3. Transliteration variants.
    by_translit: dict[tuple[str, str], list[Node]] = defaultdict(list)
    for node, ms in node_mentions.items():
        cls = node[0]
        tkey = translit_key(clean_surface(ms[0].text), person=cls == "person")
        by_translit[(cls, tkey)].append(node)
    for nodes in by_translit.values():
        for other in nodes[1:]:
            uf.union(nodes[0], other)

    # 4. Surname ↔ full name, when unambiguous ("Ms Vantrell" is a surname with a title, not
    # a second full name ending in it).
    full_by_last: dict[str, set[object]] = defaultdict(set)
    for node, ms in node_mentions.items():
        if node[0] == "person" and len(words := _untitled(node[1])) >= 2:
            last = translit_key(words[-1], person=True)
            full_by_last[last].add(uf.find(node))
    for node in node_mentions:
        if node[0] == "person" and len(words := _untitled(node[1])) == 1:
            roots = full_by_last.get(translit_key(words[0], person=True), set())
            if len(roots) == 1:
                uf.union(node, next(iter(roots)))

    # 5. One name of two words or more typed a person in some documents and not in others
    # ("Hardacre Structures", "Klaus Schwab") is one entity, typed by its mentions' vote; a
    # single word stays split by class (the surname "Jordan" and the country).
    for node in node_mentions:
        if node[0] == "person" and len(node[1].split()) >= 2 and ("thing", node[1]) in node_mentions:
            uf.union(node, ("thing", node[1]))

    clusters: dict[object, list[Node]] = defaultdict(list)
    for node in node_mentions:
        clusters[uf.find(node)].append(node)
    entities = [_build(sorted(nodes), node_mentions, node_entry) for nodes in clusters.values()]
    return sorted(entities, key=lambda e: (e.type, e.name, e.id))


#: Titles written before a surname ("Ms", "Dr", "Minister").
_TITLES = frozenset("mr mrs ms miss mx dr prof professor sir dame madam minister president senator "
                    "governor mayor judge general colonel captain".split())


def _untitled(key: str) -> list[str]:
    """The words of a person's key without the titles before it.

    >>> _untitled("ms vantrell"), _untitled("teodora vantrell"), _untitled("dr")
    (['vantrell'], ['teodora', 'vantrell'], ['dr'])
    """
    words = key.split()
    k = 0
    while k < len(words) - 1 and words[k].rstrip(".") in _TITLES:
        k += 1
    return words[k:]


def _vote(mentions: list[Mention]) -> EntityType:
    votes = Counter(m.type for m in mentions)
    return max(votes, key=lambda t: (votes[t], -_TYPE_ORDER.index(t)))


def _build(nodes: list[Node], node_mentions: dict[Node, list[Mention]],
           node_entry: dict[Node, GazetteerEntry]) -> Entity:
    ms = sorted((m for n in nodes for m in node_mentions[n]),
                key=lambda m: (m.doc, m.start, m.end, m.text, m.type))
    entries = sorted({node_entry[n].name: node_entry[n] for n in nodes if n in node_entry}
                     .values(), key=lambda e: e.name)
    # Two curated entries in one cluster (rare): the one with the most mentions names it.
    entry = None
    if entries:
        weight = Counter(node_entry[n].name for n in nodes if n in node_entry
                         for _ in node_mentions[n])
        entry = max(entries, key=lambda e: (weight[e.name], e.name))
    # each written form cleaned once, however many mentions use it
    surfaces: Counter[str] = Counter()
    for text, n in Counter(m.text for m in ms).items():
        surfaces[clean_surface(text)] += n
    typ: EntityType = entry.type if entry is not None else _vote(ms)
    if entry is not None:
        name = entry.name
    else:
        # Most complete, then most frequent, then a fixed tie-break.
        name = max(surfaces, key=lambda s: (len(s.split()), not s.isupper(), surfaces[s],
                                            -len(s), s))
    return Entity(id=entity_id(typ, name), name=name, type=typ,
                  aliases=tuple(sorted(surfaces)), mentions=tuple(ms),
                  wikidata=entry.wikidata if entry is not None else None)
