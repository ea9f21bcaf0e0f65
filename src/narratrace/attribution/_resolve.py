"""Speaker resolution: from the source as written to an actor, the way a careful reader does.

A source is one of:

- a **name** ("Varenian Prime Minister Lena Korva": the person, the title kept as a role);
  a country or capital used as a speaker ("Moscow said", "Mali accused") is that country's
  government (*metonymy*); a nationality word alone ("Malian") is never an actor;
- a **pronoun** (he, she, it, they): resolved by salience -- the current speaker of the
  passage, then the last named subject outside quotations, then the nearest name -- of the
  right type (a person for he/she, an outlet, organisation or government for it) and gender
  (from titles, and from pronouns already bound to the name); a name inside a quotation is
  never an antecedent;
- a **role noun** ("the minister", "the outlet", "the ministry's spokeswoman", "the latter"):
  the nearest name of the right type whose title holds the role word, before the cue and
  else after it (a lede often names the governor only in its third paragraph);
- a **description** kept whole ("a senior diplomat", "military sources", "Russian officials");
  plural officials of a named country are that country's government, unnamed or anonymous
  sources are typed ``anonymous``.

Everything works from the typed mentions of the entities stage and the dependency parse;
there is no coreference model. The rules are the ones a style guide would state, not fitted
to any article.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from ..entities import COMPANY_TAILS, exact_key, load_gazetteer, looks_like_outlet, outlet_tail
from ..types import Actor, ActorType, Mention, ResolvedHow
from ._medium import PLATFORMS
from ._quotes import find_quotes
from ._speaker import handle_of, screen_name

_PERSON_PRONOUNS = frozenset("he she him her his hers il elle lui".split())
_FEMALE = frozenset("she her hers elle".split())
_MALE = frozenset("he him his il lui".split())
_THING_PRONOUNS = frozenset("it its".split())
_PLURAL_PRONOUNS = frozenset("they them their theirs ils elles leur leurs".split())
_RELATIVE = frozenset("who which that whom whose qui".split())

# Nouns that stand for a person ("the minister", "a senior diplomat").
PERSON_ROLES = frozenset("""
minister premier president spokesman spokeswoman spokesperson official diplomat ambassador
envoy senator congressman congresswoman lawmaker legislator governor mayor candidate nominee
leader chief head director secretary chairman chairwoman chair general commander officer
adviser advisor analyst expert professor researcher scientist economist lawyer attorney
prosecutor judge king queen prince princess pope chancellor deputy representative
businessman businesswoman founder ceo executive author journalist reporter correspondent
editor activist student photographer creator commentator columnist blogger writer
politician MP lawmaker investigator inspector negotiator resident witness survivor doctor
teacher soldier colonel major captain lieutenant sergeant admiral marshal veteran spy agent
source insider aide ally critic observer member president-elect ex-president
commissioner commodore skipper nurse worker employee manager coordinator superintendent
chairperson councillor councilor trustee campaigner organiser organizer protester
commenter reader user poster viewer listener follower subscriber fan person
ministre président porte-parole ambassadeur député sénateur
""".split())
# Nouns that stand for an outlet.
OUTLET_ROLES = frozenset("""
outlet newspaper paper agency daily tabloid broadcaster channel network website site
publication magazine weekly portal station journal média journal quotidien chaîne
""".split())
# Nouns that stand for a document or report of an outlet or organisation.
# "a memo written inside the ministry", "a study drawn up at the institute": where it was written
_WRITTEN_IN = frozenset("inside in at within".split())
REPORT_ROLES = frozenset("report study survey dossier document article investigation story "
                         "memo memorandum letter briefing filing "
                         "rapport étude enquête".split())
# Verbs by which an organisation puts a report out.
_PUBLISH_VERBS = frozenset("issue publish release produce compile commission unveil "
                           "publier".split())
# Nouns that stand for an organisation.
ORG_ROLES = frozenset("""
ministry department embassy mission office committee commission council court police army
military company firm group organization organisation campaign party foundation institute
institution alliance union coalition bloc service directorate bureau agency manufacturer
federation association league club university team guard coastguard navy
ministère ambassade armée
""".split())
# People who speak for the organisation they work at ("Pentagon officials", "analysts at X");
# critics, residents or supporters of X do not.
_SPEAK_FOR = frozenset("""official analyst researcher expert scientist economist engineer staff
employee spokesperson spokesman spokeswoman diplomat officer representative investigator""".split())
# Nouns any organisation may be called: "the company" is the passage's organisation even when
# its name does not say "company".
_GENERIC_ORG = frozenset("company firm organisation organization group manufacturer club team".split())
# People who speak for an organisation and are described by it ("a company spokeswoman").
_SPOKESPEOPLE = frozenset("spokesman spokeswoman spokesperson".split())
# "the ministry's press office", "the army's press service": a body's voice, as its spokesperson
_PRESS_DESKS = frozenset("office service secretary officer department desk".split())
# Nouns that, with a country, stand for its government.
GOV_NOUNS = frozenset("government administration authorities authority officials regime "
                      "leadership cabinet representatives diplomats gouvernement autorités".split())
_ANONYMOUS_WORDS = frozenset("unnamed anonymous unidentified undisclosed".split())
_ANONYMOUS_HEADS = frozenset("source sources insider insiders".split())
_TITLES = re.compile(r"^(?:(?:mr|mrs|ms|miss|dr|prof|sir|dame|gen|col|sen|rep|gov|pres)\.?\s+)+",
                     re.IGNORECASE)
_FEMALE_TITLES = frozenset("mrs ms miss dame spokeswoman chairwoman congresswoman queen "
                           "princess businesswoman madame mme".split())
_MALE_TITLES = frozenset("mr sir spokesman chairman congressman king prince businessman "
                         "monsieur".split())
_NAMED_TYPES = frozenset(["person", "organisation", "outlet", "place", "group", "government"])
_WINDOW_PARAGRAPHS = 4  # how far back a pronoun looks for the passage's speaker
_FAR = 40  # paragraphs: no search goes further
_FAR_CHARS = 20_000  # characters: no search goes further (one-line documents)
_INTRODUCED_TOKENS = 300  # how far back "the nurse" looks for "a school nurse"


@dataclass(slots=True)
class _Named:
    start: int
    end: int
    text: str
    type: str
    para: int
    subject: bool
    quoted: bool
    title: str  # the words before the name and an apposition after it, lower-cased
    kind_words: frozenset[str] = frozenset()  # what its own phrase calls it ("channel", "outlet")
    apposed: str = ""  # the apposition after the name as written ("director of the Example Board")


@dataclass(slots=True)
class _Country:
    """A country the text names, where: by its name or by its nationality word."""

    at: int
    name: str
    demonym: str | None  # its nationality word as the text or the gazetteer writes it
    subject: bool  # a main-clause subject outside quotations ("Varenia has expressed ...")


@dataclass(slots=True)
class _Said:
    """A speaker already resolved in this document, at the position of its source."""

    at: int
    para: int  # the paragraph where what they said ends (a quote may run on)
    actor: Actor
    plural: bool
    inner: bool = False  # the speaker of a report nested in another's ("X said Y had told her ...")


@dataclass(slots=True)
class Resolver:
    """Resolves the sources of one document, in text order (it remembers earlier speakers)."""

    doc: Doc
    text: str
    named: list[_Named]
    quotes: list[tuple[int, int]]
    breaks: list[int]
    said: list[_Said] = field(default_factory=list)
    gender: dict[str, str] = field(default_factory=dict)
    starts: list[int] = field(default_factory=list)  # of ``named``, for bisection
    longest: dict[str, str] = field(default_factory=dict)  # last name -> longest person name
    qstarts: list[int] = field(default_factory=list)  # of ``quotes``, for bisection
    publishers: list[tuple[int, _Named]] = field(default_factory=list)  # who put out a report, where
    published: dict[int, str] = field(default_factory=dict)  # where -> what was put out ("memo")
    coalitions: list[tuple[int, _Named]] = field(default_factory=list)  # organisations acting together
    things: set[str] = field(default_factory=set)  # names the text says "which" of: never a person
    countries: list[_Country] = field(default_factory=list)  # countries the text names, in order

    def person_shaped(self, name: str) -> bool:
        """Does ``name`` look like a person's name the tagger called an organisation?"""
        return name not in self.things and _person_shaped(name)

    # ------------------------------------------------------------------ building

    @classmethod
    def build(cls, doc: Doc, text: str, mentions: list[Mention]) -> Resolver:
        quotes = [(q.start, q.end) for q in find_quotes(text)]
        breaks = [i for i, ch in enumerate(text) if ch == "\n"]
        named: list[_Named] = []
        things: set[str] = set()
        qstarts = [q[0] for q in quotes]
        for m in sorted(mentions, key=lambda m: (m.start, m.end)):
            if m.type not in _NAMED_TYPES:
                continue
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            subject = False
            title = apposed = ""
            kind_words: set[str] = set()
            if span is not None and len(span):
                root = span.root
                # "the Frontline Telegram channel", "Frontline, a channel close to ...",
                # "the local news outlet Bamtu": the nouns its own phrase calls it by
                top = root
                while top.dep_ == "compound" and top.head.i > top.i:
                    top = top.head
                if top is not root and top.pos_ == "NOUN":
                    kind_words.add(top.lemma_.lower())
                for c in root.children:
                    if c.dep_ == "appos" and c.pos_ == "NOUN":
                        kind_words.add(c.lemma_.lower())
                if root.dep_ == "appos" and root.head.pos_ == "NOUN":
                    kind_words.add(root.head.lemma_.lower())
                if root.dep_ in ("compound", "appos"):
                    root = root.head
                # Salience counts main-clause subjects: a name in a reported or subordinate
                # clause ("... whether Petra Holm was ...") does not take over the passage.
                verb = root.head
                subject = root.dep_ in ("nsubj", "nsubjpass", "nsubj:pass") and (
                    verb.dep_ == "ROOT" or verb.dep_ == "conj" and verb.head.dep_ == "ROOT")
                lo = max(span.sent.start, span.start - 5)
                before = [t for t in doc[lo:span.start] if not t.is_punct]
                title = " ".join(t.lower_ for t in before)
                apposed = _apposition(root)
                if apposed:
                    title += " " + apposed.lower()
                # "Anna Sild, the ministry's spokeswoman": a title after the name
            k = bisect.bisect_right(qstarts, m.start) - 1
            quoted = k >= 0 and quotes[k][0] < m.start < quotes[k][1]
            typ = m.type
            if _WHICH.match(text, m.end):
                # "Tarn Biologics, which owns the plant, said": "which" is said of a thing,
                # never of a person, whatever the tagger or the shape of the name says
                things.add(_clean_name(m.text))
                if typ == "person":
                    typ = "organisation"
            named.append(_Named(m.start, m.end, m.text, typ, bisect.bisect_left(breaks, m.start),
                                subject, quoted, title, frozenset(kind_words), apposed))
        resolver = cls(doc, text, named, quotes, breaks, starts=[n.start for n in named],
                       qstarts=qstarts, things=things)
        resolver.publishers, resolver.coalitions = resolver._find_reporters()
        lemma_at = {t.idx: t.lemma_.lower() for t in doc}  # (each publisher is found at a token)
        resolver.published = {at: lemma_at.get(at, "") for at, _ in resolver.publishers}
        resolver.countries = _countries(doc, text, named)
        for n in named:
            if n.type == "person" and not n.quoted:
                name = _clean_name(n.text)
                last = name.split()[-1] if name.split() else ""
                if last and len(name) > len(resolver.longest.get(last, "")):
                    resolver.longest[last] = name
            if n.type == "person":
                words = set(n.title.split())
                if words & _FEMALE_TITLES:
                    resolver.gender.setdefault(_key(n.text), "f")
                elif words & _MALE_TITLES:
                    resolver.gender.setdefault(_key(n.text), "m")
        return resolver

    def _named_at(self, tok: Token) -> _Named | None:
        k = bisect.bisect_right(self.starts, tok.idx) - 1
        return self.named[k] if k >= 0 and self.named[k].start <= tok.idx < self.named[k].end else None

    def _find_reporters(self) -> tuple[list[tuple[int, _Named]], list[tuple[int, _Named]]]:
        """Who put out a report, and where the text says so: the named subject of a
        publishing verb ("X issued a study", "X and Y released their ..."), the agent of a
        report noun ("a report by X", "a report published by X", "X's report", "an X study");
        and organisations acting together, the first of coordinated subjects ("X, Y and Z
        issued ..."). Both in text order."""
        out: list[tuple[int, _Named]] = []
        coalitions: list[tuple[int, _Named]] = []

        def named(tok: Token) -> _Named | None:
            n = self._named_at(tok)
            return n if n is not None and not n.quoted and n.type in ("organisation", "outlet", "group") \
                else None

        for tok in self.doc:
            lemma = tok.lemma_.lower()
            if tok.dep_ == "nsubj" and (n := named(tok)) is not None and \
                    sum(named(c) is not None for c in tok.conjuncts) >= 1:
                coalitions.append((tok.idx, n))
            if tok.pos_ == "VERB" and lemma in _PUBLISH_VERBS:
                for c in tok.children:
                    if c.dep_ == "nsubj" and (n := named(c)) is not None:
                        out.append((tok.idx, n))
            elif tok.pos_ == "NOUN" and lemma in REPORT_ROLES:
                agents = [c for c in tok.children if c.dep_ in ("poss", "compound")]
                for c in tok.children:
                    if c.dep_ == "prep" and c.lower_ in ("by", "from", "of"):
                        agents += [g for g in c.children if g.dep_ == "pobj"]
                    elif c.dep_ == "acl":
                        agents += [g for a in c.children if a.dep_ == "agent" for g in a.children
                                   if g.dep_ == "pobj"]
                        # "a memo written inside the department, the Ministry of Works"
                        places = [g for a in c.children if a.dep_ == "prep" and a.lower_ in _WRITTEN_IN
                                  for g in a.children if g.dep_ == "pobj"]
                        for g in places:
                            # its name in apposition, however the parser hung it
                            after = g.right_edge.i + 1
                            named_after = [self.doc[k] for k in range(after + 1, min(after + 3, len(self.doc)))
                                           if self.doc[after].text == ","]
                            agents += [g, *(y for y in g.children if y.dep_ == "appos"), *named_after]
                for a in agents:
                    if (n := named(a)) is not None:
                        out.append((tok.idx, n))
                        break
        return out, coalitions

    def _publisher_before(self, at: int, lemma: str = "") -> _Named | None:
        """Who the text last said put out a report before ``at``: one that put out a ``lemma``
        ("the memo said": the memo's author, not the paper that reported on it) when the text
        names one, else any."""
        if lemma:
            k = bisect.bisect_left(self.publishers, (at,)) - 1
            while k >= 0:
                pos, n = self.publishers[k]
                if self.para(at) - self.para(pos) > _FAR or at - pos > _FAR_CHARS:
                    break
                if self.published.get(pos) == lemma:
                    return n
                k -= 1
        return self._before_in(self.publishers, at)

    def _before_in(self, found: list[tuple[int, _Named]], at: int) -> _Named | None:
        """The last of ``found`` (in text order) before ``at``, within the search bounds."""
        k = bisect.bisect_left(found, (at,)) - 1
        if k < 0:
            return None
        pos, n = found[k]
        return None if self.para(at) - self.para(pos) > _FAR or at - pos > _FAR_CHARS else n

    def para(self, at: int) -> int:
        return bisect.bisect_left(self.breaks, at)

    def remember(self, at: int, actor: Actor, *, plural: bool = False, pronoun: str = "",
                 until: int | None = None, inner: bool = False) -> None:
        """Record a resolved speaker (and the gender a pronoun gave it); ``until`` is where
        their words end, from where the passage's window counts; ``inner`` for the speaker of
        a report nested in another's."""
        self.said.append(_Said(at, self.para(max(at, until or at)), actor, plural, inner))
        if actor.type == "person" and pronoun:
            if pronoun in _FEMALE:
                self.gender.setdefault(_key(actor.name), "f")
            elif pronoun in _MALE:
                self.gender.setdefault(_key(actor.name), "m")

    def last_speaker(self) -> _Said | None:
        return self.said[-1] if self.said else None

    # ------------------------------------------------------------------ resolution

    def resolve(self, head: Token, start: int, end: int) -> Actor | None:
        """The actor of the source headed by ``head`` written at ``[start, end)``, or None
        when nothing the text says identifies one."""
        lower = head.lower_
        if lower in _PERSON_PRONOUNS:
            return self._pronoun(start, "person", lower)
        if lower in _THING_PRONOUNS:
            return self._pronoun(start, "thing", lower)
        if lower in _PLURAL_PRONOUNS:
            return self._pronoun(start, "plural", lower)
        lemma = head.lemma_.lower()
        if lemma in OUTLET_ROLES and (own := self._channel_name(head) or self._apposed_outlet(head)) is not None:
            return own
        if screen_name(head):
            # "“…,” posted Ivo_M.": a screen name, one person's account
            h0 = head.idx
            h1 = h0 + len(head.text.rstrip("."))
            return Actor(self.text[h0:h1], "person", "name", h0, h1)
        if (handle := handle_of(head)) is not None:  # "a commenter calling himself Ivo_M"
            h0, h1 = handle.idx, handle.idx + len(handle.text)
            return Actor(_clean_name(self.text[h0:h1]), "person", "name", h0, h1)
        inside = self._mention_at(head, start, end)
        if inside is not None:
            return self._named_actor(inside, start, end, head)
        if (lemma := head.lemma_.lower()) in PERSON_ROLES and (named := _apposed_name(head)) is not None:
            # "Its spokeswoman, Orla Venmire, told ...": a name the tagger missed
            n0, n1 = named
            return Actor(self.text[n0:n1], "person", "name", n0, n1,
                         role=_clean_description(self.text[start:end]))
        if (lemma in PERSON_ROLES or head.tag_ == "NNS") and any(
                c.dep_ == "poss" and c.lower_ in ("its", "whose") for c in head.children):
            # "its inspectors", "the weekly, whose reporter ...": the body named last before
            n = self._before(start, lambda n: not n.quoted and n.type != "place", 1)
            if n is not None and n.type in ("organisation", "outlet", "group") \
                    and (body := self._actor_of(n, "role noun")) is not None:
                return Actor(body.name, body.type, "role noun", body.start, body.end,
                             role=_clean_description(self.text[start:end]))
        words = [t for t in self.doc.char_span(start, end, alignment_mode="expand") or [head]]
        lowers = {t.lower_ for t in words}
        definite = any(t.lower_ in ("the", "le", "la", "l'", "l’") or t.dep_ == "poss" for t in words
                       if t.i < head.i)
        if lemma in ("latter", "former") and definite:
            return self._latter(start, lemma)
        # "Russian officials", "officials in Kyiv", "the government in Bamako"
        if lemma in GOV_NOUNS or head.lower_ in GOV_NOUNS:
            country = self._country_in(head, start, end)
            if country is not None:
                return Actor(f"Government of {country}", "government", "description",
                             start, end, role=None)
            if definite and lemma in ("government", "administration", "regime", "authority",
                                      "gouvernement") and (gov := self._government_role(start)) is not None:
                return gov
            if definite and lemma in ("government", "gouvernement") and head.tag_ == "NN" and \
                    (home := self.passage_country(start)) is not None:
                # "after the government said ...", no country written near: the passage's country
                return Actor(f"Government of {home.name}", "government", "role noun", start, end)
        if definite and head.tag_ == "NN" and (lemma in _ANONYMOUS_HEADS or lemma in PERSON_ROLES) \
                and (same := self._described_before(start, lemma)) is not None:
            return same  # "according to our source", "the person said": the one described before
        if lowers & _ANONYMOUS_WORDS or lemma in _ANONYMOUS_HEADS or head.lower_ in _ANONYMOUS_HEADS:
            return Actor(_clean_description(self.text[start:end]), "anonymous", "description",
                         *self._described_span(start, end, definite))
        if head.tag_ in ("NNS", "NNPS") and (lemma in GOV_NOUNS or lemma in _SPEAK_FOR):
            # "Pentagon officials", "analysts at the Example Institute": the organisation
            # speaks through them, as a country's officials are its government
            lo, hi = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
            orgs = [n for n in self.named[lo:hi] if n.end <= end and n.type in ("organisation", "outlet")]
            if orgs:
                org = orgs[-1]
                return Actor(_clean_name(org.text), org.type, "description", org.start, org.end)  # type: ignore[arg-type]
        if (lemma in _SPOKESPEOPLE or lemma in _PRESS_DESKS and any(c.lower_ == "press" for c in head.lefts)) \
                and head.pos_ == "NOUN" and (spoken_for := self._spoken_for(head, start, end)) is not None:
            return spoken_for
        if definite and (named_as := self._short_name(head, start)) is not None:
            # "the Observer reported", after "The Corvel Observer": a capitalised head is the
            # short name of a body named before, not a role noun ("the observer")
            return named_as
        if definite and head.pos_ in ("NOUN", "PROPN"):
            if lemma in PERSON_ROLES or head.lower_ in PERSON_ROLES:
                return self._person_role(start, end, lemma, head)
            if lemma in OUTLET_ROLES and lemma in ORG_ROLES:  # "the agency": news or not
                return self._typed_role(start, end, ("outlet", "organisation", "group"), lemma)
            if lemma in OUTLET_ROLES:
                return self._typed_role(start, end, ("outlet",), lemma)
            if lemma in ("authority", "authorities"):  # "the authority" of a named one
                return self._typed_role(start, end, ("organisation", "group"), "authority")
            if lemma in REPORT_ROLES:
                return self._typed_role(start, end, ("outlet", "organisation"), lemma, report=True)
            if lemma in ORG_ROLES:
                if head.tag_ == "NNS" and (n := self._before_in(self.coalitions, start)) is not None \
                        and (actor := self._actor_of(n, "role noun")) is not None:
                    return actor  # "X, Y and Z issued ... the groups said": the first of them
                actor = self._typed_role(start, end, ("organisation", "group", "outlet"), lemma)
                owner = next((c for c in head.children if c.dep_ == "poss" and c.pos_ == "PROPN"), None)
                if actor is not None and actor.how == "description" and owner is not None:
                    # "Varenia's coast guard": no name for it, but whose it is identifies it
                    return Actor(_clean_description(self.text[start:end]), "organisation", "role noun", start, end)
                return actor
            if head.pos_ == "NOUN" and head.tag_ == "NN" and self._before(
                    start, lambda n: n.type in ("organisation", "group", "outlet") and not n.quoted
                    and _clean_name(n.text).lower().split()[-1:] == [head.lower_]) is not None:
                # "the River Protection Inspectorate ... The inspectorate said": the word the
                # text named an organisation with stands for it, lexicon or not
                return self._typed_role(start, end, ("organisation", "group", "outlet"), lemma)
        if head.pos_ == "NOUN" and lemma in PERSON_ROLES and head.tag_ == "NN" and (
                said := self._said_before(start, lambda s: s.actor.how == "description" and (
                    lemma in s.actor.name.lower().split() or s.actor.type != "person"
                    and lemma in (s.actor.role or "").lower().split()), 2)) is not None:
            # "A spokesperson for the ministry said ... ‘…,’ a spokesperson told a paper": the
            # same described speaker again
            a = said.actor
            at = self.text.find(a.name, said.at, said.at + len(a.name) + 40)  # the description
            return Actor(a.name, a.type, "role noun", at if at >= 0 else a.start,
                         at + len(a.name) if at >= 0 else a.end, role=a.role)
        if head.pos_ in ("NOUN",) and (lemma in PERSON_ROLES or lemma in ("official", "officer")):
            # "a senior diplomat", "two officials": a description kept whole
            typ: ActorType = "anonymous" if head.tag_ in ("NNS",) or lemma == "official" else "person"
            return Actor(_clean_description(self.text[start:end]), typ, "description",
                         *self._described_span(start, end, definite))
        if head.pos_ == "PROPN":
            if (tail := outlet_tail(self.text, end)) is not None:  # "Quillon Today, the site, reported"
                return Actor(_clean_name(self.text[start:tail]), "outlet", "name", start, tail)
            name = _clean_name(self.text[start:end])
            thing = _WHICH.match(self.text, end) is not None  # "Tarn Biologics, which ..."
            if thing:
                self.things.add(name)
            typ = "outlet" if looks_like_outlet(self.text[start:end], self.text[max(0, start - 8):start]) \
                else "organisation" if thing or _looks_org(words) else "person"
            # a name the tagger missed keeps the post the text gives it ("Ana Ruiz, director of ...")
            role = _role("", "", _apposition(head)) if typ == "person" else None
            return Actor(name, typ, "name", start, end, role=role)
        return None

    def _spoken_for(self, head: Token, start: int, end: int) -> Actor | None:
        """"a spokesman for the Varn Rail Authority", "a company spokeswoman", "a spokesman
        for the federation", "the ministry's press office": the organisation a spokesperson speaks for, when the text names
        it (here, or earlier as "the company" would find it); the words as written are its
        role."""
        role = _clean_description(self.text[start:end])
        lo, hi = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        orgs = [n for n in self.named[lo:hi] if n.end <= end and n.type in ("organisation", "outlet")]
        if orgs:
            org = orgs[-1]
            return Actor(_clean_name(org.text), org.type, "description", org.start, org.end,  # type: ignore[arg-type]
                         role=role)
        nouns = [c for c in head.lefts if c.dep_ in ("compound", "nmod", "poss") and c.pos_ == "NOUN"]
        nouns += [g for p in head.rights if p.dep_ == "prep" and p.lower_ == "for"
                  for g in p.children if g.dep_ == "pobj" and g.pos_ == "NOUN"]
        for noun in nouns:
            lemma = noun.lemma_.lower()
            if lemma not in ORG_ROLES or lemma in GOV_NOUNS:
                continue
            actor = self._typed_role(noun.idx, noun.idx + len(noun.text), ("organisation", "group", "outlet"),
                                     lemma)
            if actor is not None and actor.how != "description":
                return Actor(actor.name, actor.type, "description", actor.start, actor.end, role=role)
        return None

    def _introduced_before(self, at: int, lemma: str) -> Actor | None:
        """"a school nurse", "one dock worker": the person a definite role noun ("the nurse")
        refers back to, introduced by an indefinite phrase with that noun earlier in the
        passage (outside quotations), whether or not they spoke there."""
        i = self._token_at(at)
        para = self.para(at)
        for tok in reversed(self.doc[max(0, i - _INTRODUCED_TOKENS):i]):
            if para - self.para(tok.idx) > _WINDOW_PARAGRAPHS:
                return None
            if tok.lemma_.lower() != lemma or tok.pos_ != "NOUN" or tok.tag_ != "NN" or self._quote_at(tok.idx) >= 0:
                continue
            det = next((c for c in tok.lefts if c.dep_ in ("det", "nummod")), None)
            if det is None or det.lower_ not in ("a", "an", "one"):
                continue
            a, b = det.idx, tok.idx + len(tok.text)
            if self._said_before(at, lambda s: s.at > a and s.actor.type in ("person", "anonymous")) is not None:
                return None  # someone else has spoken since: "the nurse" may be anyone now
            return Actor(_clean_description(self.text[a:b]), "person", "description", a, b)
        return None

    def _token_at(self, at: int) -> int:
        span = self.doc.char_span(at, at + 1, alignment_mode="expand")
        return span.start if span is not None and len(span) else len(self.doc)

    def _described_span(self, start: int, end: int, definite: bool) -> tuple[int | None, int | None]:
        """Where a described source is written, when it introduces one ("a person familiar
        with the talks"): later references ("the person", "she") resolve to it. A definite
        description that found no such introduction keeps no span."""
        if definite:
            return None, None
        desc = _clean_description(self.text[start:end])
        at = self.text.find(desc, start, end + 1)
        return (at, at + len(desc)) if at >= 0 else (start, end)

    def _described_before(self, at: int, lemma: str) -> Actor | None:
        """"the source", "our source", "the person", "the worker": the one source described
        before ("a person inside the club", "one camp worker"), when it is the passage's last
        speaker of its kind. "source" and "insider" fit any described person; another head
        must be the description's own ("the worker" → "one camp worker")."""
        def fits(s: _Said) -> bool:
            return s.actor.type in ("person", "anonymous") and s.actor.start is not None and not s.plural

        said = self._said_before(at, fits, _WINDOW_PARAGRAPHS)
        if said is None or not (said.actor.how == "description" or _INTRODUCED.match(said.actor.name)):
            return None
        if lemma not in _ANONYMOUS_HEADS and lemma not in said.actor.name.lower().split():
            return None
        a = said.actor
        return Actor(a.name, a.type, "role noun", a.start, a.end, role=a.role)

    def _channel_name(self, head: Token) -> Actor | None:
        """"the Frontline Telegram and YouTube channel": the proper names before an outlet
        noun, less the platforms it is on, name the outlet (the tagger often misses it)."""
        words = [t for t in head.lefts if t.pos_ == "PROPN" and t.dep_ in ("compound", "nmod")]
        if not words:
            return None
        lo = min(w.left_edge.i for w in words)
        names = [t for t in self.doc[lo:head.i] if t.pos_ == "PROPN"]
        if any(t.lower_ in PLATFORMS for t in names[:1]) or not names:
            return None  # "the Telegram channel": the platform, not an owner
        keep = []
        for t in names:
            if t.lower_ in PLATFORMS:
                break
            keep.append(t)
        if len(keep) == len(names):
            return None  # no platform named: the mention, if any, names the outlet
        if not keep or exact_key(keep[0].text) in load_gazetteer().demonyms:
            return None
        a, b = keep[0].idx, keep[-1].idx + len(keep[-1].text)
        return Actor(_clean_name(self.text[a:b]), "outlet", "name", a, b)

    def _apposed_outlet(self, head: Token) -> Actor | None:
        """"the science website The Open Lab", "the music paper Side Line": the proper name
        set right after an outlet noun is the outlet's name (the tagger often misses it or
        takes it for a title)."""
        for child in head.rights:
            if child.pos_ != "PROPN" or child.dep_ not in ("appos", "compound", "npadvmod", "dobj", "attr"):
                continue
            toks = [t for t in self.doc[child.left_edge.i:child.i + 1]]
            while toks and toks[0].lower_ in ("the", ",") or toks and toks[0].is_punct:
                toks = toks[1:]
            if not toks or toks[0].i != child.left_edge.i + (child.left_edge.lower_ == "the") or \
                    child.left_edge.i != head.i + 1 or not all(t.text[:1].isupper() for t in toks):
                return None
            a, b = toks[0].idx, toks[-1].idx + len(toks[-1].text)
            return Actor(_clean_name(self.text[a:b]), "outlet", "name", a, b)
        return None

    def _mention_at(self, head: Token, start: int, end: int) -> _Named | None:
        """The named mention the source's head sits in, else one in the source span that a
        role noun heads ("spokeswoman Anna Sild" parsed with the noun as head)."""
        i = bisect.bisect_right(self.starts, head.idx) - 1
        if i >= 0 and self.named[i].start <= head.idx < self.named[i].end:
            return self.named[i]
        apposed = [c for c in head.children if c.dep_ == "appos"]
        if head.lemma_.lower() in PERSON_ROLES:  # "representative to the UN, Ivo Marek,"
            apposed += [g for p in head.children if p.dep_ == "prep" for o in p.children
                        for g in o.children if g.dep_ == "appos"]
        for child in apposed:  # "Varenia's deputy envoy, Ivo Marek,"
            if child.dep_ == "appos":
                k = bisect.bisect_right(self.starts, child.idx) - 1
                if k >= 0 and self.named[k].start <= child.idx < self.named[k].end and (
                        self.named[k].type == "person" or self.named[k].type == "organisation"
                        and self.person_shaped(_clean_name(self.named[k].text))):
                    return self.named[k]  # "the mission's head, Ivo Marek" (tagged ORG)
        lo, hi = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        inside = [n for n in self.named[lo:hi] if n.end <= end]
        if not inside:
            return None
        lemma = head.lemma_.lower()
        people = [n for n in inside if n.type == "person"]
        if people and lemma in PERSON_ROLES:
            return people[-1]
        demonyms = load_gazetteer().demonyms
        named = [n for n in inside if n.type in ("outlet", "organisation", "group")
                 and exact_key(n.text) not in demonyms  # "the Malian military" is not "Malian"
                 and n.text.lower() not in PLATFORMS  # nor "the Frontline YouTube channel" YouTube
                 and not self.text.startswith(("'s ", "’s "), n.end)]  # nor "Varenia's navy" Varenia
        if named and (lemma in OUTLET_ROLES or lemma in ORG_ROLES):
            return named[-1]
        return None

    def _named_actor(self, m: _Named, start: int, end: int, head: Token) -> Actor | None:
        gaz = load_gazetteer()
        role = _role(self.text[start:end], m.text, m.apposed)
        if m.type == "person" or m.type == "organisation" and head.lemma_.lower() in PERSON_ROLES \
                and self.person_shaped(_clean_name(m.text)):
            return Actor(self.full_name(m), "person", "name", m.start, m.end, role=role)
        if m.type == "outlet" or m.kind_words & OUTLET_ROLES and m.type in ("organisation", "group"):
            return Actor(_clean_name(m.text), "outlet", "name", m.start, m.end)
        if m.type == "place":
            entry = gaz.lookup(m.text)
            country = gaz.country_of.get(entry.name) if entry is not None else None
            if country is None:
                return None
            return Actor(f"Government of {country}", "government", "metonymy", m.start, m.end)
        if m.type == "group":
            key = exact_key(m.text)
            if key in gaz.demonyms or exact_key(m.text.rstrip("s")) in gaz.demonyms and head.pos_ == "ADJ":
                # A nationality word heads nothing; "Ukrainians" as a people is a group.
                if head.pos_ == "ADJ" or not m.text.endswith("s"):
                    return None
            return Actor(_clean_name(m.text), "group", "name", m.start, m.end)
        name = _clean_name(m.text)
        if _COUNTRYLESS_MINISTRY.fullmatch(name) and not _owner_before(self.text, m.start) and \
                (home := self.passage_country(m.start)) is not None:
            # "The Foreign Ministry said ...": a ministry is some country's; the passage's
            name = f"{home.demonym} {name}" if home.demonym else f"{name} of {home.name}"
        return Actor(name, "organisation", "name", m.start, m.end, role=role)

    def full_name(self, m: _Named) -> str:
        """The longest mention of the same person in the document ("Marek" -> "Ivo
        Marek"), without titles or a possessive."""
        name = _clean_name(m.text)
        last = name.split()[-1] if name.split() else ""
        best = self.longest.get(last, name)
        return best if len(best) > len(name) else name

    def _actor_of(self, n: _Named, how: ResolvedHow) -> Actor | None:
        span = self.doc.char_span(n.start, n.end, alignment_mode="expand")
        if span is None or not len(span):
            return None
        actor = self._named_actor(n, n.start, n.end, span.root)
        if actor is None:
            return None
        return Actor(actor.name, actor.type, how, actor.start, actor.end, role=actor.role)

    # ------------------------------------------------------------------ bounded look-ups
    # Every search walks outward from a position and stops after _FAR paragraphs or
    # _FAR_CHARS characters, so resolving a document is linear in its length.

    def _before(self, at: int, pred: Callable[[_Named], bool], window: int = 0) -> _Named | None:
        para, far = self.para(at), window or _FAR
        k = bisect.bisect_left(self.starts, at) - 1
        while k >= 0:
            n = self.named[k]
            if para - n.para > far or at - n.start > _FAR_CHARS:
                return None
            if n.end <= at and pred(n):
                return n
            k -= 1
        return None

    def _after(self, at: int, pred: Callable[[_Named], bool], window: int = 0) -> _Named | None:
        para, far = self.para(at), window or _FAR
        k = bisect.bisect_left(self.starts, at)
        while k < len(self.named):
            n = self.named[k]
            if n.para - para > far or n.start - at > _FAR_CHARS:
                return None
            if pred(n):
                return n
            k += 1
        return None

    def _quote_at(self, at: int) -> int:
        """The index of the quotation that holds char ``at``, else -1."""
        k = bisect.bisect_right(self.qstarts, at) - 1
        return k if k >= 0 and self.quotes[k][0] < at < self.quotes[k][1] else -1

    def _said_before(self, at: int, pred: Callable[[_Said], bool], window: int = 0) -> _Said | None:
        """The last speaker before ``at``; one quoted inside somebody's words ("NASA admits
        ..." in a report's quotation) is not the passage's speaker outside them."""
        para, far = self.para(at), window or _FAR
        here = self._quote_at(at)
        for s in reversed(self.said):
            if s.at >= at:
                continue
            if (q := self._quote_at(s.at)) >= 0 and q != here:
                continue
            if para - s.para > far or at - s.at > _FAR_CHARS:
                return None
            if pred(s):
                return s
        return None

    # ------------------------------------------------------------------ the rules

    def _pronoun(self, at: int, want: str, pronoun: str) -> Actor | None:
        sex = "f" if pronoun in _FEMALE else "m" if pronoun in _MALE else ""

        def fits(actor: Actor | None) -> bool:
            if actor is None:
                return False
            if want == "person":
                return (actor.type == "person" or actor.type == "organisation" and self.person_shaped(actor.name)) \
                    and (not sex or self.gender.get(_key(actor.name), sex) == sex)
            if want == "thing":
                return actor.type in ("outlet", "organisation", "government") or (
                    actor.type == "group" and not actor.name.endswith("s"))
            return actor.type in ("group", "government", "anonymous", "organisation")

        best: tuple[int, Actor] | None = None
        # The passage's speaker is who reports, not whom they report: "Ms Ode said the director
        # had told her that ... 'The samples say otherwise,' she said" is Ms Ode.
        said = self._said_before(at, lambda s: fits(s.actor) and not s.inner and (
            want != "plural" or s.plural or s.actor.type != "person"), _WINDOW_PARAGRAPHS)
        if said is not None:
            best = (said.at, said.actor)
        # A named main-clause subject after the passage's last speaker takes over.
        floor = best[0] if best is not None else -1
        subject = self._before(at, lambda n: n.start > floor and not n.quoted and n.subject and
                               fits(self._actor_of(n, "pronoun")), _WINDOW_PARAGRAPHS)
        if subject is not None:
            actor = self._actor_of(subject, "pronoun")
            if actor is not None:
                best = (subject.start, actor)
        if best is None:
            near = self._before(at, lambda n: not n.quoted and fits(self._actor_of(n, "pronoun")))
            actor = self._actor_of(near, "pronoun") if near is not None else None
            if near is not None and actor is not None:
                best = (near.start, actor)
        if best is None:
            return None
        a = best[1]
        typ: ActorType = "person" if want == "person" else a.type  # "Ivo Marek" tagged ORG, then "he"
        return Actor(a.name, typ, "pronoun", a.start, a.end, role=a.role)

    def _latter(self, at: int, which: str) -> Actor | None:
        seen: list[Actor] = []

        def person(n: _Named) -> bool:
            if n.quoted or n.type != "person":
                return False
            actor = self._actor_of(n, "role noun")
            if actor is not None and all(actor.name != s.name for s in seen):
                seen.append(actor)
            return len(seen) == 2

        self._before(at, person)
        k = 0 if which == "latter" else 1
        return seen[k] if len(seen) > k else None

    def _short_name(self, head: Token, start: int) -> Actor | None:
        """The outlet or organisation named before ``start`` whose name ends with ``head``'s word,
        when ``head`` is written capitalised inside its sentence ("the Observer" after "The
        Corvel Observer", "the Post" after "the Maraveth Post"); else None. A word written in
        capitals, or opening the sentence, is no sign of a name."""
        word = head.text
        if head.is_sent_start or not word[:1].isupper() or word.isupper() or not word.isalpha():
            return None
        n = self._before(start, lambda n: not n.quoted and n.type in ("outlet", "organisation")
                         and n.text.split()[-1] == word, _WINDOW_PARAGRAPHS)
        actor = self._actor_of(n, "role noun") if n is not None else None
        return actor if actor is not None and actor.type in ("outlet", "organisation") else None

    def _person_role(self, start: int, end: int, lemma: str, head: Token) -> Actor | None:
        """"the minister": the nearest person whose title holds the role word, before the
        source, else after it; a speaker of the passage with that role also counts."""
        words = {lemma, head.lower_}
        role = _clean_description(self.text[start:end])
        said = self._said_before(start, lambda s: s.actor.type == "person" and bool(s.actor.role) and
                                 bool(words & set((s.actor.role or "").lower().split())))
        if said is not None:
            return Actor(said.actor.name, "person", "role noun", said.actor.start, said.actor.end,
                         role=said.actor.role)

        def titled(n: _Named) -> bool:
            return not n.quoted and n.type == "person" and bool(words & set(n.title.replace(",", " ").split()))

        for n in (self._before(start, titled), self._after(end, titled, _WINDOW_PARAGRAPHS)):
            actor = self._actor_of(n, "role noun") if n is not None else None
            if actor is not None:
                return Actor(actor.name, "person", "role noun", actor.start, actor.end, role=role)
        if (introduced := self._introduced_before(start, lemma)) is not None:
            return introduced  # "... says a school nurse found it. The nurse told ..."
        # No title says it: "the expert" is the person the passage is about -- its last
        # named speaker, else its last named subject.
        # ... never one known by another title ("the ambassador told her" after the minister spoke)
        said = self._said_before(start, lambda s: s.actor.type == "person" and s.actor.start is not None
                                 and not _other_title(s.actor.role, words), _WINDOW_PARAGRAPHS)
        if said is not None:
            return Actor(said.actor.name, "person", "role noun", said.actor.start, said.actor.end, role=role)
        n = self._before(start, lambda n: n.type == "person" and n.subject and not n.quoted,
                         _WINDOW_PARAGRAPHS)
        actor = self._actor_of(n, "role noun") if n is not None else None
        if actor is not None:
            return Actor(actor.name, "person", "role noun", actor.start, actor.end, role=role)
        return Actor(role, "person", "description", None, None)

    def _typed_role(self, start: int, end: int, types: tuple[str, ...], lemma: str, *,
                    report: bool = False) -> Actor | None:
        """"the outlet", "the ministry", "the report": a name the text gives that role, else
        the passage's speaker of that type, else the nearest name of that type (holding the
        role word, for organisations)."""
        def titled(n: _Named) -> bool:  # "Frontline, a Telegram channel close to the army"
            return not n.quoted and n.type in ("outlet", "organisation", "group") and \
                lemma in n.kind_words

        def ok(n: _Named) -> bool:
            return n.type in types and not n.quoted and (
                report or lemma in n.text.lower() or lemma in OUTLET_ROLES and n.type == "outlet")

        for n in (self._before(start, titled), self._after(end, titled)):
            actor = self._actor_of(n, "role noun") if n is not None else None
            if actor is not None:
                return actor
        if report and (n := self._publisher_before(start, lemma)) is not None:
            # "The report said": the report the text last said someone put out
            actor = self._actor_of(n, "role noun")
            if actor is not None:
                return actor
        def named(a: Actor) -> bool:  # a name, or a description of a named organisation
            return a.how != "description" or a.start is not None and a.name[:1].isupper()

        said = self._said_before(start, lambda s: s.actor.type in types and (
            named(s.actor) or lemma in s.actor.name.lower().split()) and (
            report or lemma in s.actor.name.lower() or lemma in _GENERIC_ORG and named(s.actor)
            and not self.person_shaped(s.actor.name)
            or lemma in OUTLET_ROLES and s.actor.type == "outlet"), _WINDOW_PARAGRAPHS)
        if lemma in _GENERIC_ORG:
            # "The NLFT claimed the attack. The group said ...": a named organisation that is
            # a main-clause subject after the passage's last speaker takes over, as for "it"
            floor = said.at if said is not None else -1
            subject = self._before(start, lambda n: n.start > floor and n.subject and not n.quoted
                                   and n.type in types and not self.person_shaped(_clean_name(n.text)),
                                   _WINDOW_PARAGRAPHS)
            if subject is not None and (actor := self._actor_of(subject, "role noun")) is not None:
                return actor
        if lemma == "ministry" and (minister := self._portfolio_before(start)) is not None and (
                said is None or said.at < minister[0]):
            # "Energy Minister Ada Brun said ... The ministry said": her ministry,
            # unless a ministry has spoken since
            return Actor(f"Ministry of {minister[1]}", "organisation", "role noun", start, end)
        if said is not None:
            a = said.actor
            return Actor(a.name, a.type, "role noun", a.start, a.end)
        for n in (self._before(start, ok), self._after(end, ok)):
            actor = self._actor_of(n, "role noun") if n is not None else None
            if actor is not None:
                return actor
        return Actor(_clean_description(self.text[start:end]),
                     "outlet" if lemma in OUTLET_ROLES else "organisation", "description", None, None)

    def _portfolio_before(self, at: int) -> tuple[int, str] | None:
        """Where the minister who last spoke in the passage spoke, and their portfolio
        ("Energy Minister", "Minister of Transport" -> "Energy",
        "Transport"); None for a minister without one ("Prime Minister")."""
        said = self._said_before(at, lambda s: s.actor.type == "person" and "Minister" in (s.actor.role or ""))
        if said is None or said.actor.role is None:
            return None
        found = _PORTFOLIO.search(said.actor.role)
        if found is None:
            return None
        portfolio = (found.group(1) or found.group(2) or "").strip()
        portfolio = {"Foreign": "Foreign Affairs", "Defense": "Defense", "Interior": "the Interior"}.get(
            portfolio, portfolio)
        return (said.at, portfolio) if portfolio and portfolio.split()[0] not in _NOT_PORTFOLIOS else None

    def _government_role(self, at: int) -> Actor | None:
        said = self._said_before(at, lambda s: s.actor.type == "government")
        if said is not None:
            a = said.actor
            return Actor(a.name, "government", "role noun", a.start, a.end)

        def government(n: _Named) -> bool:
            if n.quoted or n.type != "place":
                return False
            actor = self._actor_of(n, "role noun")
            return actor is not None and actor.type == "government"

        n = self._before(at, government)
        return self._actor_of(n, "role noun") if n is not None else None

    def passage_country(self, at: int) -> _Country | None:
        """The country a passage is about, for "the government" or "the Foreign Ministry"
        with no country written beside them: the country of the passage's last government
        speaker, else the last country named as a main-clause subject in the passage, else
        the country the document names most (the first of equals)."""
        said = self._said_before(at, lambda s: s.actor.type == "government", _WINDOW_PARAGRAPHS)
        para = self.para(at)
        before = [c for c in self.countries if c.at < at and para - self.para(c.at) <= _WINDOW_PARAGRAPHS]
        subject = next((c for c in reversed(before) if c.subject), None)
        if said is not None and (subject is None or said.at > subject.at):
            name = said.actor.name.removeprefix("Government of ")
            return next((c for c in self.countries if c.name == name), _Country(said.at, name, None, False))
        if subject is not None:
            return subject
        counts: dict[str, int] = {}
        for c in self.countries:
            counts[c.name] = counts.get(c.name, 0) + 1
        if not counts:
            return None
        top = max(counts.values())
        return next(c for c in self.countries if counts[c.name] == top)

    def _country_in(self, head: Token, start: int, end: int) -> str | None:
        """The country a government noun belongs to: "Russian officials", "officials in Kyiv",
        "the government in Bamako", "Mali's government"."""
        gaz = load_gazetteer()
        toks = list(head.subtree) if head.i < len(self.doc) else []
        toks = [t for t in toks if t.idx < end + 40]
        for t in toks:
            if t.i == head.i:
                continue
            country = gaz.demonym_country.get(exact_key(t.text))
            if country:
                return country
            entry = gaz.lookup(t.text)
            if entry is not None and entry.kind in ("country", "capital"):
                return gaz.country_of.get(entry.name)
        return None


#: A minister's portfolio: "Energy Minister", "Minister of (the) Transport".
_PORTFOLIO = re.compile(r"(?:^|\b)((?:[A-Z][a-z]+\s+){1,3}?)Minister\b|\bMinister\s+(?:of|for)\s+(?:the\s+)?"
                        r"((?:[A-Z][a-z]+)(?:\s+(?:and\s+)?[A-Z][a-z]+){0,3})")
_NOT_PORTFOLIOS = frozenset("Prime Deputy Vice First Chief Junior State Former Acting".split())
#: "Tarn Biologics, which ...": what follows a thing's name, not a person's.
_WHICH = re.compile(r"\s*,\s*which\b")
#: How a described source is introduced: "a person ...", "one camp worker", "two officials".
_INTRODUCED = re.compile(r"(?i)(?:a|an|one|two|three|several|some)\s")


def _other_title(role: str | None, words: set[str]) -> bool:
    """Does ``role`` give its holder a title none of ``words`` is ("Energy Minister" for "the
    ambassador")?

    >>> _other_title("Energy Minister", {"ambassador"}), _other_title("Energy Minister", {"minister"})
    (True, False)
    >>> _other_title(None, {"ambassador"}), _other_title("a farmer's son", {"expert"})
    (False, False)
    """
    held = set((role or "").lower().replace(",", " ").split())
    return bool(held & PERSON_ROLES) and not held & words


def _key(name: str) -> str:
    return name.lower().split()[-1] if name.split() else ""


def _clean_name(text: str) -> str:
    text = re.sub(r"['’]s?$", "", text.strip())
    text = _TITLES.sub("", text)
    return re.sub(r"^(?:the|The|THE)\s+", "", text).strip(" ,.;:")


def _clean_description(text: str) -> str:
    return " ".join(text.split()).strip(" ,.;:")


def _apposed_name(head: Token) -> tuple[int, int] | None:
    """The span of a person's name set beside a role noun and untagged ("its spokeswoman,
    Orla Venmire,"): two to four capitalised words, one apposition."""
    for child in head.children:
        if child.dep_ != "appos" or child.pos_ != "PROPN" or child.ent_type_:
            continue
        words = [t for t in child.subtree if not t.is_punct]
        if 2 <= len(words) <= 4 and all(t.pos_ == "PROPN" and t.text[:1].isupper() and t.is_alpha
                                        for t in words) and words[-1].i == child.i:
            return words[0].idx, words[-1].idx + len(words[-1].text)
    return None


def _apposition(head: Token) -> str:
    """The first apposition after a name, as written ("director of the Lune Board")."""
    after = next((c for c in head.children if c.dep_ == "appos" and c.i > head.i), None)
    if after is None:
        return ""
    words = head.doc[after.left_edge.i:after.right_edge.i + 1].text
    return re.split(r",\s*(?:which|who|whose|where)\b", words, maxsplit=1)[0]  # its post, not a clause on it


def _role(surface: str, name: str, apposed: str = "") -> str | None:
    """The title the source gives its actor: the surface without the name ("Varenian Prime
    Minister"), else the apposition after the name ("Ana Ruiz, director of the Lune Board").

    >>> _role("Varenian Prime Minister Ivo Marek", "Ivo Marek"), _role("Ana Ruiz", "Ana Ruiz", "director of the Lune Board")
    ('Varenian Prime Minister', 'director of the Lune Board')
    """
    rest = " ".join(surface.replace(name, " ").split()).strip(" ,.;:'’") or " ".join(apposed.split()).strip(" ,.;:'’")
    rest = re.sub(r"^(?:the|The|a|an|An|A)(?:\s+|$)", "", rest)
    rest = re.sub(r"^['’]s\s*", "", rest)
    if rest and len(rest.split()) <= 12 and any(ch.isalpha() for ch in rest):
        return rest
    return None


_ORG_WORDS = frozenset("""
ministry council agency news times post daily herald party group bank force forces army
committee institute foundation university inc ltd corp company association union office
department court network tv radio service services guard command center centre fund
embassy mission consulate parliament assembly senate congress government administration
forum alliance federation movement front brigade battalion police media press
hospital clinic school university college academy church airport station prison hotel museum
library laboratories labs pharma pharmaceuticals industries holdings systems technologies
motors airlines airways energy partners capital solutions networks foods authority
""".split())


def _person_shaped(name: str) -> bool:
    """"Ivo Marek" that the tagger called an organisation: two or three capitalised words,
    none of them an organisation word, not a known name of the gazetteer."""
    words = name.split()
    return 2 <= len(words) <= 3 and all(w[:1].isupper() and w[1:].islower() and w.isalpha() for w in words) \
        and not any(w.lower() in _ORG_WORDS or w.lower() in COMPANY_TAILS for w in words) \
        and load_gazetteer().lookup(name) is None \
        and exact_key(words[0]) not in load_gazetteer().demonyms


def _looks_org(words: list[Token]) -> bool:
    return any(t.lower_ in ORG_ROLES or t.lower_ in OUTLET_ROLES or t.lower_ in _ORG_WORDS
               or t.is_upper and len(t) > 1 for t in words)


#: A ministry named without its country: "Foreign Ministry", "Ministry of Water Resources".
_COUNTRYLESS_MINISTRY = re.compile(r"(?:[A-Z][a-z]+ (?:and )?){0,3}Ministry(?: (?:of|for) (?:the )?"
                                   r"[A-Z][a-z]+(?: (?:and )?[A-Z][a-z]+){0,3})?")


def _owner_before(text: str, at: int) -> bool:
    """Is the name at ``at`` preceded by its owner ("Varenia's Foreign Ministry", "the
    Varenian Foreign Ministry")? Then the name as written already says whose it is."""
    words = text[max(0, at - 40):at].split()[-2:]
    return any(w.endswith(("'s", "’s")) or w[:1].isupper() and w.lower() not in ("the", "a")
               for w in words)


def _countries(doc: Doc, text: str, named: list[_Named]) -> list[_Country]:
    """The countries a text names, in text order: gazetteer countries and capitals, their
    nationality words ("Varenian officials"), and a place the text also names by a
    nationality word formed from it ("Varenia" with "Varenian"; "Ostland" with
    "Ostlandic" is not guessed) -- countries the gazetteer does not know."""
    gaz = load_gazetteer()
    demonym_of: dict[str, str] = {}
    for key, of in gaz.demonym_country.items():
        demonym_of.setdefault(of, key[:1].upper() + key[1:])
    # nationality words as the text uses them: a modifier of a common noun ("Varenian waters")
    # or tagged as one, never a name that merely looks derived ("Marian" beside "Maria")
    words = {t.text for t in doc if t.text[:1].isupper() and t.is_alpha and (
        t.ent_type_ == "NORP" or t.dep_ in ("amod", "compound", "nmod") and t.head.pos_ == "NOUN")}
    found: list[_Country] = []
    for n in named:
        if n.quoted:
            continue
        name = _clean_name(n.text)
        entry = gaz.lookup(name)
        country = gaz.country_of.get(entry.name) if entry is not None else None
        if country is not None:
            found.append(_Country(n.start, country, demonym_of.get(country), n.subject))
            continue
        if " " in name or not name.isalpha():
            continue
        stems = (name, name[:-1]) if name[-1:] in "aeiou" else (name,)
        demonym = next((w for stem in stems for w in (stem + "n", stem + "an", stem + "ian")
                        if w in words and w != name), None)
        if demonym is not None and n.type in ("place", "person", "organisation", "group") and \
                exact_key(name) not in gaz.demonyms:
            found.append(_Country(n.start, name, demonym, n.subject))
    for tok in doc:
        country = gaz.demonym_country.get(exact_key(tok.text)) if tok.text[:1].isupper() else None
        if country is not None:
            found.append(_Country(tok.idx, country, tok.text, False))
    found.sort(key=lambda c: c.at)
    return found
