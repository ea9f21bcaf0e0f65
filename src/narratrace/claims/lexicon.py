"""Word lists for check-worthiness, actions, hedges, denials and evidence (English).

Hand-written from general news vocabulary (ClaimBuster-style check-worthy cues: accusations,
event verbs, numbers, named actors); none of it is tuned to one corpus.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

#: Canonical action → verb pattern. Order matters: substantive actions are preferred over the
#: speech-act "accuse" when both occur ("X accuses Y of supplying Z" → action ``supply``).
ACTIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(rx, _I)) for name, rx in (
    ("sever_ties", r"\b(?:sever\w*|cut\w*|br[oe]ke\w*(?: off)?|suspend\w*|end\w*)\s+(?:\w+\s+){0,2}(?:ties|relations)\b"),
    ("supply", r"\b(?:suppl(?:y|ies|ied|ying|ier|iers)|deliver\w*|provid\w*|ship(?:s|ped|ping|ment\w*)?|"
               r"funnel\w*|distribut\w*|smuggl\w*|traffick\w*|transfer\w*|sen[dt]\w*)\b"),
    ("arm", r"\barm(?:s|ed|ing)\b(?!\s+(?:trade|control|deal|sales?|exports?)\b)"),
    ("train", r"\btrain(?:s|ed|ing)?\b(?! station)"),
    ("attack", r"\b(?:attack\w*|ambush\w*|assault\w*|strik(?:e|es|ing)|struck|bomb\w*|shell\w*|raid\w*|"
               r"kill\w*|massacre\w*|invad\w*|invasion|shot|shoot\w*)\b"),
    ("coordinate", r"\b(?:coordinat\w*|organi[sz]\w*|orchestrat\w*|plott?\w*|mastermind\w*|direct(?:s|ed|ing))\b"),
    ("support", r"\b(?:support\w*|back(?:s|ed|ing)|fund(?:s|ed|ing)?|financ\w*|sponsor\w*|aid(?:s|ed|ing)?|"
                r"assist\w*|bolster\w*|fuel\w*|help\w*|arm(?:s|ed|ing)?)\b"),
    ("involve", r"\b(?:involve\w*|participat\w*|complicit\w*|links?(?:ed)? to|ties to)\b"),
    ("seize", r"\b(?:seiz\w*|recover\w*|found|discover\w*|captur\w*|intercept\w*|confiscat\w*)\b"),
    ("sign", r"\bsign(?:s|ed|ing)\b"),
    ("launch", r"\blaunch\w*\b"),
    ("divert", r"\b(?:divert\w*|misappropriat\w*|embezzl\w*|laundr\w*)\b"),
    ("use", r"\b(?:us(?:e|es|ed|ing))\b"),
    ("destabilize", r"\b(?:destabili[sz]\w*|undermin\w*|interfer\w*|sabotag\w*)\b"),
    ("accuse", r"\b(?:accus\w*|alleg\w*|blam\w*|charg(?:e|es|ed|ing)|implicat\w*|condemn\w*)\b"),
))

#: Actions strong enough alone (with a named actor) to make a narrator sentence check-worthy.
CHECKWORTHY_ACTIONS = frozenset(a for a, _ in ACTIONS) - {"use"}

DENIAL = re.compile(r"\b(?:den(?:y|ies|ied|ying|ial)|reject\w*|refut\w*|dismiss\w*|debunk\w*|"
                    r"baseless|unfounded|fabricat\w*|false(?:ly)?|never|no (?:\w+ ){0,3}(?:were|was) ever|"
                    # "does not accept that P", "the figure ... is misleading"
                    r"(?:not|never) accept\w* that|misleading)\b", _I)

#: What someone says to rebut an allegation without denying it in so many words: a judgement
#: on it ("irresponsible", "absurd") or compliance claimed ("passed every test", "met all the
#: standards"). Only someone's statement is read so; a narrator's is plain description.
REBUTTAL = re.compile(r"\b(?:irresponsible|absurd|nonsense|ridiculous|preposterous|slander\w*|smear\w*|"
                      r"(?:passed|met|meets|complied with|compl(?:y|ies) with)\s+(?:all|every)\b)", _I)

#: A statement that something did not happen or is not so ("no evidence", "had nothing to do
#: with", "never came closer"): with a name shared with an assertion, it answers it.
NEGATION = re.compile(r"\b(?:no evidence|nothing to do with|not aware of any|not (?:true|involved|responsible|accept\w*)|never|"
                      r"no such|did not (?:happen|occur|take place|touch)|"
                      r"there (?:is|are|was|were|has been|have been|had been) no|"
                      r"no (?:[\w,]+\s+){0,6}?(?:were|was|has been|have been|had been) ever|"
                      r"no (?:\w+ ){0,2}(?:fault|involvement|link|connection|proof|basis|role|part)|invent(?:ed|ion)|"
                      # a subject negated: "no solvent had reached the river", "nothing was taken"
                      r"no (?!doubt\b|longer\b|more\b|less\b|matter\b|sooner\b|one\b)\w+(?: \w+){0,2}? "
                      r"(?:was|were|is|are|has|have|had)|nothing (?:was|were|is|has|had)|"
                      # "nobody at the firm has ever ..." (not "no one was hurt": a fact)
                      r"(?:nobody|no one|none of (?:us|them|the \w+))(?: \w+){0,4}? ever|"
                      r"lies?|untrue|groundless|"
                      # a main verb negated: "does not carry out attacks", "did not touch"
                      r"(?:does|do|did|has|have|had|is|are|was|were)\s+not|(?:does|do|did|has|have|is|are|was|were)n[’']t)\b", _I)

#: A denial of a party's involvement as a whole ("denied any involvement by X", "X had nothing
#: to do with it", "played no role in"): it answers the main allegation against that party.
INVOLVEMENT = re.compile(r"\b(?:nothing to do with|(?:any|no)\s+(?:\w+\s+)?(?:involvement|role|part|hand)\s+"
                         r"(?:by|of|in|from)\b)", _I)

HEDGES = re.compile(r"\b(?:allegedly|alleged|reportedly|purportedly|supposedly|apparently|possibly|perhaps|"
                    r"(?:it is|it's|it was) (?:\w+ )?(?:possible|probable|conceivable)|"
                    r"probably|likely|highly likely|may|might|could|appears? to|seems? to|suggest\w*|"
                    r"believed to|said to (?:be|have)|(?:is|are|was|were) understood to|thought to|"
                    r"suspected of|consistent with|unconfirmed|unverified|rumou?r\w*|claims?)\b", _I)

#: Calls to action and opinions are not factual claims.
PRESCRIPTIVE = re.compile(r"\b(?:should|must|ought to|need(?:s)? to|let us|let's|we call on|urge\w*)\b", _I)

#: Evidence a claim says it rests on → canonical label.
EVIDENCE: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(rx, _I)) for name, rx in (
    ("photos", r"\b(?:photo\w*|pictures?|images?)\b(?<!satellite images)"),
    ("satellite_images", r"\bsatellite (?:images?|imagery|photos?|pictures?)\b"),
    ("video", r"\b(?:videos?|footage|recordings? of)\b"),
    ("documents", r"\b(?:documents?|papers|files|records|passports?|contracts?|invoices?|letters?)\b"),
    ("markings", r"\b(?:marked with|markings?|inscriptions?|insignia|serial numbers?|bearing (?:\w+\s+){0,3}"
                 r"(?:writing|inscriptions?|markings?|symbols?|flags?|logos?))\b"),
    ("testimony", r"\b(?:testimon\w*|witness\w*|eyewitness\w*|confess\w*|interrogat\w*|survivors? said)\b"),
    ("intercepts", r"\b(?:intercept\w*|wiretap\w*|audio recordings?|phone calls? (?:recorded|intercepted))\b"),
    ("devices", r"\b(?:phones?|laptops?|hard drives?|sim cards?)\b"),
    ("weapons_seized", r"\b(?:seiz\w*|recover\w*|captur\w*|confiscat\w*)\b[^.]{0,60}\b(?:weapons?|drones?|"
                       r"equipment|ammunition|arms)\b"),
    ("investigation", r"\b(?:investigation|inquiry|probe|forensic\w*)\b"),
))

#: Words that mark a speaker as someone speaking for an institution.
OFFICE = re.compile(r"\b(?:minister\w*|ministry|president\w*|prime|premier|spokes\w*|official\w*|ambassador\w*|"
                    r"embassy|government|army|military|forces|police|prosecutor\w*|commander|general|"
                    r"secretary|chancellor|king|head of|director\w*|chief|delegat\w*|representative\w*|"
                    r"senator|governor|mayor|kremlin|white house|pentagon|parliament\w*|council|authorit\w*|"
                    r"intelligence|department|agency|mission|junta|state)\b", _I)

#: A post inside a body ("director of ...", "the ministry's spokeswoman", "an engineer at ..."):
#: a role with one ties its holder to the body it names, so that their words are the body's.
#: A critic, an ally or a former director of a body does not speak for it.
POST = re.compile(r"\b(?:chief|head|deputy|director\w*|spokes\w*|ministers?|secretar(?:y|ies)|"
                  r"president|chair\w*|executives?|ceo|managers?|commissioner|commander|officers?|"
                  r"officials?|advis[eo]rs?|aides?|analysts?|researchers?|scientists?|economists?|"
                  r"engineers?|inspectors?|staff|employees?|ambassador|envoy|representatives?|"
                  r"governor|leader|coordinator|superintendent|counsel)\b", _I)
FORMER = re.compile(r"\b(?:former|ex|retired|onetime|one-time|erstwhile)\b", _I)

#: Speakers that are documents rather than people or outlets.
DOCUMENT_SPEAKER = re.compile(r"\b(?:report|document\w*|study|statement|letter|memo\w*|file\w*|"
                              r"investigation|inquiry|survey|leak\w*|dossier|charter|resolution)\b", _I)

PRONOUNS = frozenset("he she it they him her them we i you this that who which".split())

#: What a denial says is false, when it names it: "(rejected) claims that P", "denied reports that
#: P", "denied that P", "does not accept that P".
DENIED_CLAUSE = re.compile(r"\b(?:(?:claims?|allegations?|accusations?|reports?|suggestions?|assertions?|"
                           r"suspicions?|rumou?rs?)\s+(?:\w+\s+){0,4}?|(?:den(?:y|ies|ied)|disputed?s?|"
                           r"(?:not|never)\s+(?:accept|agree|believe)[sd]?)\s+)that\s+(?P<p>(?=\w.{11,})\w+(?:\W+\w+){2,}.*)", _I)
#: The key of a denied clause's vector beside its claim's: ``claim id + CLAUSE_KEY``.
CLAUSE_KEY = "/denied"


def denied_clause(text: str) -> str | None:
    """The clause a sentence says is false, when it names one.

    >>> denied_clause("The admiral rejected claims that the patrol boat rammed the trawler.")
    'the patrol boat rammed the trawler.'
    >>> denied_clause("The minister said the plan would go ahead.") is None
    True
    """
    m = DENIED_CLAUSE.search(text)
    return m.group("p") if m else None


#: A denied clause opening on the denier's possessive ("its ships", "their staff").
_OWNER = re.compile(r"(?:its|their)\s+(?=\w)", _I)
#: ... or on the denier as its subject ("denied that it had cut the flows").
_SELF = re.compile(r"(?:it|they)\s+(?=(?:had|has|have|was|were|is|are|did|would|could|\w+ed)\b)", _I)
#: "not only X but Y", "is not confined to X but": a contrast, not a statement that X is false.
CONTRAST = re.compile(r"\bnot\s+(?:only|just|merely|simply|confined|limited|restricted)\b[^.;]{0,120}?\bbut\b", _I)
#: A verb that reports a denial ("the ambassador had denied any involvement"): what follows is
#: what was denied, not a statement to read positively.
DENIAL_VERB = re.compile(r"\b(?:den(?:y|ies|ied|ying)|reject\w*|refut\w*|dismiss\w*|rebut\w*)\b", _I)
#: Words that negate, taken out to read what a denial says is not so.
_NEGATORS = re.compile(r"\b(?:no|not|never|ever|none)\b|n[’']t\b", _I)


def denied_text(text: str, speaker: str | None, stance: str = "asserts") -> str | None:
    """What a denial says is not so, in words to compare with the allegations: the clause it
    names ("claims that P": P), else, for someone's statement that says something is not so
    (not a report of their denial: ``stance`` "denies", or a verb of denial), the statement without
    its negation, said by them ("no weapons were ever sent to the rebels", said by Kesh:
    "Kesh: weapons were sent to the rebels"). The allegation a denial answers is usually made
    against its speaker, and it names them.

    >>> denied_text("Sorvany rejected the suggestion that its firms had bought the grain", "Sorvany")
    "Sorvany's firms had bought the grain"
    >>> denied_text("Velmar denied that it had cut the flows for political reasons", "Velmar")
    'Velmar had cut the flows for political reasons'
    >>> denied_text("no weapons were ever sent to the rebels", "Kesh")
    'Kesh: weapons were sent to the rebels'
    >>> denied_text("the rivalry is not confined to Europe but global", "Ana Vole") is None
    True
    >>> denied_text("the envoy had denied any role by Velmar in the raid", "Ana Vole") is None
    True
    """
    if (clause := denied_clause(text)) is not None:
        # "X rejected the suggestion that its firms bought grain": the firms are X's
        if speaker and (own := _OWNER.match(clause)):
            return f"{speaker}'s {clause[own.end():]}"
        if speaker and (own := _SELF.match(clause)):
            return f"{speaker} {clause[own.end():]}"
        return clause
    plain = CONTRAST.sub(" ", text)
    # what a report of a denial holds ("rejected reports linking them to ...") is not what is
    # denied: only a statement that itself says something is not so
    if not speaker or stance == "denies" or DENIAL_VERB.search(plain) \
            or not (NEGATION.search(plain) or DENIAL.search(plain)):
        return None
    positive = " ".join(_NEGATORS.sub(" ", plain).split())
    return f"{speaker}: {positive}" if positive else None

