"""The curated alias file (``data/aliases.json``) as lookup tables.

The file holds facts only: canonical names, types, other spellings, demonyms and Wikidata ids
of countries, capitals, major cities and regions, news outlets and agencies, international
organisations and a few armed groups. It is read once per process; the tables are immutable,
so caching them never makes a result depend on what the process saw before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Mapping

from ..types import EntityType
from ._normalise import exact_key, translit_key


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    name: str
    type: EntityType
    aliases: tuple[str, ...]
    wikidata: str | None
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Gazetteer:
    entries: tuple[GazetteerEntry, ...]
    by_exact: Mapping[str, GazetteerEntry]  # exact_key of name/alias -> entry
    by_translit: Mapping[str, GazetteerEntry]  # translit_key of name/alias -> entry
    demonyms: frozenset[str]  # exact keys of nationality words ("malian", "ukrainians")
    case_sensitive: Mapping[str, GazetteerEntry]  # surface forms as written, for text scans
    # Country name of each country and capital ("Bamako" -> "Mali"): a capital used as a
    # speaker ("Moscow said") stands for its country's government.
    country_of: Mapping[str, str] = field(default_factory=dict)
    # exact key of a nationality word -> its country ("malian" -> "Mali")
    demonym_country: Mapping[str, str] = field(default_factory=dict)

    def lookup(self, text: str) -> GazetteerEntry | None:
        """Entry for a surface form, by exact then transliteration key."""
        key = exact_key(text)
        return self.by_exact.get(key) or self.by_translit.get(translit_key(text))


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """Read ``narratrace/data/aliases.json`` (cached per process: it is package data)."""
    raw = json.loads(resources.files("narratrace").joinpath("data/aliases.json")
                     .read_text(encoding="utf-8"))
    entries: list[GazetteerEntry] = []
    by_exact: dict[str, GazetteerEntry] = {}
    by_translit: dict[str, GazetteerEntry] = {}
    surfaces: dict[str, GazetteerEntry] = {}
    demonyms: set[str] = set()
    country_of: dict[str, str] = {}
    demonym_country: dict[str, str] = {}
    country = ""
    for item in raw["entities"]:
        entry = GazetteerEntry(name=item["name"], type=item["type"],
                               aliases=tuple(item.get("aliases", ())),
                               wikidata=item.get("wikidata"), kind=item.get("kind", ""))
        entries.append(entry)
        for surface in (entry.name, *entry.aliases):
            # First writer wins: countries come before capitals and cities in the file, so
            # "Monaco" or "Singapore" resolve to the country.
            by_exact.setdefault(exact_key(surface), entry)
            surfaces.setdefault(surface, entry)
            if not surface.isupper():
                by_translit.setdefault(translit_key(surface), entry)
        demonyms.update(exact_key(d) for d in item.get("demonyms", ()))
        # The file lists each capital right after its country.
        if entry.kind == "country":
            country = entry.name
            for d in item.get("demonyms", ()):
                demonym_country.setdefault(exact_key(d), country)
        if entry.kind in ("country", "capital") and country:
            country_of.setdefault(entry.name, country)
    return Gazetteer(entries=tuple(entries), by_exact=MappingProxyType(by_exact),
                     by_translit=MappingProxyType(by_translit), demonyms=frozenset(demonyms),
                     case_sensitive=MappingProxyType(surfaces),
                     country_of=MappingProxyType(country_of),
                     demonym_country=MappingProxyType(demonym_country))
