"""Cue lexicons: the verbs, nouns and phrases that introduce reported speech, per language.

Lemmas, lower-cased. The English lists started from the reporting verbs of news style
guides and were extended with the frequent cues of the PolNeAR *train* split (said, told,
wrote, added, asked, noted, argued, suggested, tweeted, ... cover ~80% of its cues).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

# Verbs of saying: "X said (that) ...", "..., X said", "X told Y ...".
_EN_SPEECH = frozenset("""
say tell add write state declare announce claim allege assert insist argue contend maintain
note observe remark comment explain report reveal confirm acknowledge admit concede warn
caution predict promise pledge vow vouch threaten urge ask demand call accuse charge blame
deny reject dismiss refute dispute rebut disavow repudiate contradict counter respond reply
retort answer suggest hint imply indicate stress emphasize emphasise underline highlight
point mention recall recount describe characterize characterise label brand dub term
tweet post blog testify swear affirm reiterate repeat echo stat conclude find show
concur agree disagree complain lament decry denounce condemn criticize criticise slam blast
praise hail welcome laud question wonder speculate estimate forecast project calculate
guess joke quip muse shout yell scream cry whisper mutter announce disclose divulge leak
publish broadcast proclaim recommend advise propose counsel inform notify assure reassure
brief cite quote signal pronounce rule determine judge assess concede grant boast brag
explain elaborate clarify specify detail outline summarize summarise recount narrate
""".split())

# Verbs of thinking and wanting: PolNeAR annotates them as attributions too.
_EN_COGNITION = frozenset("""
think believe feel know fear hope expect worry doubt suspect assume presume suppose reckon
consider regard view see realize realise understand recognize recognise wish want plan
intend seek prefer decide hold figure conclude imagine
""".split())

# Nouns that carry reported content: "the claim that ...", "his statement that ...".
_EN_NOUNS = frozenset("""
claim allegation accusation assertion statement remark comment argument report suggestion
warning denial insistence belief view fear hope promise pledge charge contention
""".split())

_EN_DENY = frozenset("deny reject dismiss refute dispute rebut disavow repudiate contradict".split())

# Words that turn a saying into a denial when they describe the reported content.
_EN_DENIAL_WORDS = ("baseless", "unfounded", "groundless", "fake", "false", "untrue", "lie",
                    "lies", "nonsense", "fabricated", "fabrication", "absurd", "ridiculous",
                    "propaganda", "disinformation", "slander")

_FR_SPEECH = frozenset("""
dire déclarer affirmer indiquer dénoncer ajouter expliquer estimer assurer souligner préciser
annoncer rapporter confirmer reconnaître avertir prévenir accuser nier démentir rejeter
réfuter contester répondre répliquer insister soutenir marteler rappeler signaler noter
observer avancer prétendre raconter écrire publier tweeter confier lancer juger considérer
qualifier condamner critiquer fustiger saluer promettre menacer exhorter appeler demander
alerter révéler admettre avouer regretter déplorer dévoiler conclure constater relever
""".split())
_FR_COGNITION = frozenset("penser croire savoir craindre espérer vouloir souhaiter".split())
_FR_DENY = frozenset("nier démentir rejeter réfuter contester".split())
_FR_DENIAL_WORDS = ("infondé", "infondées", "infondés", "faux", "fausse", "fausses",
                    "mensonge", "mensonges", "absurde", "propagande", "désinformation")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The cue words of one language."""

    speech: frozenset[str]
    cognition: frozenset[str]
    nouns: frozenset[str]
    deny: frozenset[str]
    denial_words: tuple[str, ...]
    according: tuple[tuple[str, ...], ...]  # multi-word "according to" cues, lower-cased


LEXICONS: dict[str, Lexicon] = {
    "en": Lexicon(_EN_SPEECH, _EN_COGNITION, _EN_NOUNS, _EN_DENY, _EN_DENIAL_WORDS,
                  (("according", "to"),)),
    "fr": Lexicon(_FR_SPEECH, _FR_COGNITION, frozenset(), _FR_DENY, _FR_DENIAL_WORDS,
                  (("selon",), ("d'après",), ("d’après",))),
}


# A pattern attributed at least this often is a cue, below the lower bound it is not; in
# between the built-in lexicons decide. Tuned on PolNeAR train (0.5 / 0.3).
_PATTERN_YES = 0.5
_PATTERN_NO = 0.3


@functools.lru_cache(maxsize=4)
def cue_patterns(lang: str) -> dict[tuple[str, str, str], bool]:
    """``(pos, lemma, relation) -> is a cue`` from ``data/attribution/cue_patterns_<lang>.tsv``.

    ``pos`` is "V" (verb), "A" (auxiliary) or "N" (noun); ``relation`` is the dependency of
    the content's head on the cue ("dobj", "xcomp", "ccomp", "prep:about", ...). Patterns in
    the file with a ratio between the two bounds, and patterns not in it, map to nothing.

    >>> cue_patterns("en")[("V", "endorse", "dobj")]
    True
    """
    path = resources.files("narratrace").joinpath(f"data/attribution/cue_patterns_{lang}.tsv")
    if not path.is_file():
        return {}
    out: dict[tuple[str, str, str], bool] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        pos, lemma, rel, hits, seen = line.split("\t")
        ratio = int(hits) / int(seen)
        if ratio >= _PATTERN_YES:
            out[(pos, lemma, rel)] = True
        elif ratio < _PATTERN_NO:
            out[(pos, lemma, rel)] = False
    return out
