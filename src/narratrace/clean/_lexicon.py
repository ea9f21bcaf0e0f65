"""Keyword lexicons for boilerplate lines, one entry per removal kind.

Every pattern is matched case-insensitively against one logical line and carries the most words
a matching line may have: a short line that *is* a share bar ("Share on Facebook") is
boilerplate, a long sentence that mentions Facebook is article text. Patterns are written from
the general shape of news-site boilerplate (English first, with the commonest French, German,
Spanish, Portuguese, Italian and Russian equivalents), not from any one site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..types import RemovedKind

__all__ = ["LinePattern", "LINE_PATTERNS", "PHOTO_CREDIT", "TAIL_HEADINGS", "SOCIAL_WORDS", "match_line",
           "tail_heading"]


# Photo agencies and picture libraries whose name alone makes a credit line.
PHOTO_AGENCIES = (r"AP|Associated\s+Press|Reuters|AFP|Getty(?:\s+Images)?|EPA(?:-EFE)?|Shutterstock|iStock"
                  r"|Alamy|Bloomberg|PA(?:\s+Images)?|dpa|Xinhua|Anadolu|SIPA|ZUMA(?:\s+Press)?|Corbis")
PHOTO_CREDIT = re.compile(
    rf"^(?:[\w.'-]+(?:\s+[\w.'-]+){{0,3}}\s*[,/|]\s*|[\w.'-]+(?:\s+[\w.'-]+){{0,5}}\s+via\s+)?(?:{PHOTO_AGENCIES})(?:\s+(?:file|photo|via\s+\w+(?:\s+\w+)?))?"
    rf"(?:\s*[,/|]\s*(?:{PHOTO_AGENCIES}|[\w.'-]+(?:\s+[\w.'-]+){{0,3}}))?\s*$")


@dataclass(frozen=True, slots=True)
class LinePattern:
    kind: RemovedKind
    regex: re.Pattern[str]
    max_words: int


def _p(kind: RemovedKind, max_words: int, *patterns: str) -> list[LinePattern]:
    return [LinePattern(kind, re.compile(p, re.IGNORECASE | re.UNICODE), max_words)
            for p in patterns]


# Headings after which the rest of the page is other stories or reader comments: the block
# finder treats them as walls and discounts what follows them ("a Related heading cuts the
# tail"). Matched against the whole (short) line.
TAIL_HEADINGS: list[LinePattern] = [
    *_p("related", 20,
        r"^(?:more\s+)?related(?:\s+(?:articles?|stories|posts?|news|content|coverage|reading|links?|topics|tags|videos?|investigations|reports|features|podcasts|galleries))?\s*:?$",
        r"^(?:read|see|watch)\s+(?:more|also|next)\b.{0,40}$",
        r"^(?:also|further)\s+read(?:ing)?\s*:?$",
        r"^(?:see\s+also|what\s+to\s+read\s+next|don'?t\s+miss|in\s+case\s+you\s+missed\s+it)\s*:?$",
        r"^more\s+(?:from|on|in|stories|news|articles|headlines|top\s+stories)\b.{0,40}$",
        r"^(?:you|we\s+think\s+you)\s+(?:may|might|will|could)\s+(?:also\s+)?(?:like|enjoy|be\s+interested)\b.{0,30}$",
        r"^(?:recommended|suggested|editor'?s\s+picks?|top\s+stories|trending(?:\s+now)?|around\s+the\s+web|from\s+the\s+web|sponsored\s+(?:links|stories|content))\b.{0,30}$",
        r"^(?:most\s+)?(?:popular|read|viewed|shared|discussed|commented)(?:\s+(?:stories|articles|now|today|news))?\s*:?$",
        r"^(?:the\s+)?(?:latest|recent|our\s+latest|other)\s+(?:\w+\s+)?(?:news|stories|articles|posts|headlines)\s*:?$",
        r"^(?:up\s+next|next\s+up)(?:\s+(?:in|on)\b.{0,30})?\s*:?$",
        r"^(?:most\s+(?:read|popular|viewed|shared|watched)|popular|trending)\s+(?:in|on|from)\s+.{1,30}$",
        r"^(?:read|watch)\s+(?:this|these)\s+next\s*:?$",
        r"^explore\s+further\s*:?$",
        # "More Example Ledger", "Elsewhere on Example Ledger", "Want more stories like this?"
        r"^more\s+(?:from\s+)?(?:the\s+)?[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,3}\s*:?$",
        r"^(?:elsewhere\s+on|also\s+on|more\s+on)\b.{0,40}$",
        r"^want\s+more\b.{0,30}$",
        # the same headings in the other languages the lexicon covers
        r"^(?:voc[êe]\s+(?:tamb[ée]m\s+)?pode\s+gostar|(?:tamb[ée]n\s+)?te\s+(?:puede|podr[íi]a)\s+(?:gustar|interesar)|"
        r"vous\s+(?:aimerez|pourriez\s+aimer)\s+aussi|[àa]\s+voir\s+aussi|das\s+k[öo]nnte\s+(?:sie|dich)\s+auch\s+interessieren|"
        r"(?:ti\s+)?potrebbe\s+(?:anche\s+)?interessarti|вам\s+может\s+(?:быть\s+интересно|понравиться))\b.{0,20}$",
        r"^(?:related\s+)?tags?\s*:.{0,80}$",
        r"^(?:lire|[àa]\s+lire)\s+aussi|^sur\s+le\s+m[êe]me\s+sujet|^(?:lesen\s+sie\s+auch|mehr\s+zum\s+thema)|"
        r"^(?:art[íi]culos|artigos|noticias|mat[ée]rias|not[íi]cias|posts)\s+relacionad[ao]s|^(?:te\s+puede\s+interesar|leia\s+tamb[ée]m|"
        r"veja\s+tamb[ée]m|leggi\s+anche|articoli\s+correlati)|^читайте\s+также|^(?:関連記事|関連ニュース|相关文章|相關文章|相关阅读|推荐阅读|관련\s*기사)",
        ),
    *_p("comments", 8,
        r"^(?:\d+\s+)?(?:comments?|reader\s+comments|discussion)\s*(?:\(\d+\))?\s*:?$",
        r"^(?:leave|post|add|write|show|view|load|see)\s+(?:a\s+|the\s+|all\s+)?(?:comments?|reply|replies)\b.{0,20}$",
        r"^(?:join|start)\s+the\s+(?:conversation|discussion)\b.{0,20}$",
        r"^no\s+comments?\s+yet\b.{0,20}$",
        r"^be\s+the\s+first\s+to\s+comment\b.{0,20}$",
        # "6 thoughts on “Headline”", "12 responses to Headline": the comment thread's heading
        r"^\d+\s+(?:thoughts?|responses?|repl(?:y|ies)|comments?)\s+(?:on|to)\s.{1,120}$",

        r"^(?:commentaires|kommentare|comentarios|coment[áa]rios|commenti)\s*:?$",
        ),
    # An author's or a company's box under the article ("About Jane Doe", "About this
    # article", "Über Jane Doe"): a name, not a topic ("About the study" is a sub-heading).
    *_p("other", 8,
        r"^(?:about|[üu]ber|sobre|[àa]\s+propos\s+d[eu']|a\s+proposito\s+di|acerca\s+de)\s+"
        r"(?:the\s+authors?|this\s+(?:article|statement|story|report|author)|"
        r"(?-i:[A-ZÀ-ÖØ-Þ][\w.'-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w.'-]*){0,3}))$",
        ),
    # the comment form of the commonest publishing software
    *_p("comments", 20,
        r"^your\s+email\s+address\s+will\s+not\s+be\s+published\b.{0,60}$",
        r"^(?:leave|post|submit)\s+a\s+(?:reply|comment)\b.{0,30}$",
        ),
]

# Single lines removed wherever they occur (inside the article block too).
LINE_PATTERNS: list[LinePattern] = [
    *_p("credit", 80,
        r"^(?:©|\(c\))\s*.{0,40}\b(?:photo|images?|pictures?|foto|stock|getty|reuters|afp|ap|epa|dpa)\b",
        ),
    *_p("disclaimer", 400,
        r"^legal\s+disclaimer\b",
        r"\bprovides?\s+(?:this|the)\s+(?:news\s+)?(?:content|information)\b.{0,10}\bas\s+is\b",
        r"\bwithout\s+warranty\s+of\s+any\s+kind\b",
        r"\bwe\s+do\s+not\s+accept\s+any\s+responsibility\b",
        r"\bthe\s+views\s+(?:and\s+opinions\s+)?expressed\s+(?:in\s+this|here)",
        # a notice opens the line ("Originally published on X", "This story first appeared in
        # X"); "It first appeared on the blog X on 12 April" in a story is news
        r"^(?:this\s+(?:article|story|content|post|report|piece)\s+(?:(?:was|is|has\s+been)\s+)?)?"
        r"(?:originally|first)\s+(?:published|appeared)\s+(?:by|on|in|at)\b",
        r"\b(?:is\s+)?(?:republished|reproduced|syndicated)\s+(?:here\s+)?(?:with|under)\s+(?:permission|a\s+creative\s+commons)",
        # a reprint notice opens with the article itself as subject ("This article is
        # republished from X under ..."); a news sentence about republishing has another subject
        r"^(?:this|the\s+following)\s+(?:article|story|report|content|piece|post|material)\s+(?:is|was|has\s+been)\s+"
        r"(?:re-?published|reproduced|reprinted|syndicated|distributed|shared)\s+(?:here\s+)?"
        r"(?:from|under|with\s+(?:permission|the\s+permission)|courtesy\s+of|by\s+(?:arrangement|agreement|permission))\b",
        r"\bis\s+solely\s+responsible\s+for\s+(?:its|the|this)\s+(?:content|article|story)\b",
        r"\bdoes\s+not\s+(?:necessarily\s+)?endorse\s+the\s+(?:views|opinions|content)\b.{0,80}\b(?:liability|responsib)",
        r"\bmay\s+not\s+be\s+(?:re)?published,\s+broadcast,\s+rewritten\b",
        ),
    *_p("disclaimer", 60,
        r"\ball\s+rights\s+reserved\b",
        r"^(?:©|\(c\)|copyright\b)\s*(?:\d{4}|[a-z])",
        ),
    # Cookie banners and legal links are site chrome, not a statement about the article:
    # "disclaimer" is kept for legal and syndication notices, which name who is responsible
    # for the text (the report shows them as such).
    *_p("other", 60,
        r"\bcookies?\b.{0,120}\b(?:consent|agree|accept|browsing|experience|preferences|policy|use\s+of|"
        r"esperienza|experiencia|exp[ée]rience|erfahrung|navigazione|navegaci[óo]n|naviguer)\b",
        r"\b(?:we|this\s+(?:site|website))(?:\s+and\s+our\s+partners)?\s+uses?\s+cookies\b",
        r"^(?:[\w ]{2,30}\s+)?uses?\s+cookies\b",
        ),
    *_p("navigation", 12,
        r"^(?:privacy(?:\s+policy)?|terms\s+(?:of\s+(?:use|service)|and\s+conditions)|cookie\s+(?:policy|settings|preferences)|ad\s*choices|accept(?:\s+all)?(?:\s+cookies)?|manage\s+(?:cookies|preferences)|about\s+us|contact\s+us|advertise(?:\s+with\s+us)?)(?:\s*[|·•,/]\s*[\w' ]{1,25})*\s*$",
        ),
    *_p("promo", 25,
        r"\bdownload\s+(?:\w+\s+){0,5}app\b",
        r"\b(?:app[\s-]?store|google[\s-]?play|play[\s-]?store)",
        r"^(?:advertisement|advertising|sponsored(?:\s+content)?|ad|ads|promoted|partner\s+content|anzeige|publicité|publicidad|pubblicità)\s*:?$",
        r"^(?:try|get|explore)\s+(?:our|the)\b.{0,40}\b(?:features?|app|premium|offer|free)\b",
        r"^get\s+started\b",
        r"^(?:scroll|continue)\s+(?:down\s+)?to\s+(?:continue|read)\b",
        r"^(?:continue\s+reading|story\s+continues)\s+(?:below|after)",
        r"^(?:play\s+now|watch\s+(?:now|live)|listen\s+(?:now|live))$",
        r"^(?:スポンサードリンク|広告|广告|赞助)$",
        ),
    # Sign-up boxes, comment forms and site terms: the site speaking to its reader ("your
    # inbox", "our privacy policy", "by submitting this form"), which a news sentence about
    # newsletters or privacy does not do in one short line.
    *_p("subscribe", 40,
        r"\bunsubscribe\b", r"\bopt[\s-]?in\s+(?:box|here|below)\b",
        r"^(?=.*\byour\s+(?:inbox|mailbox|letterbox)\b)(?=.*\b(?:our|we|latest|delivered|sign\s+up|subscri\w*|newsletters?|news)\b)",
        r"\b(?:activate|confirm|manage|processing)\s+your\s+subscription\b",
        r"\bsuccess?fully\s+(?:subscribed|signed\s+up|registered)\b",
        r"^(?:get|receive)\s+(?:[\w'’]+\s+){0,4}(?:news|alerts|updates|stories|headlines)\b.{0,80}"
        r"(?:\b(?:delivered|inbox|every\s+(?:day|morning|week)|daily|weekly|and\s+more)\b|[+!])",
        r"^get\s+.{0,60}\bdelivered\s+(?:to|through|straight)\b",
        r"^(?:stay|keep)\s+up\s+to\s+date\b", r"\bhold\s+(?:ctrl|cmd|shift)\b.{0,30}\bselect\b",
        r"^this\s+iframe\b",
        ),
    *_p("subscribe", 100, r"\bwe\s+(?:will\s+)?send\s+(?:you\s+)?(?:our\s+)?newsletters?\b"),
    *_p("comments", 60,
        r"\bby\s+(?:submitting|sending|posting)\s+(?:this|a|your)\s+(?:form|comment)\b",
        r"\bsave\s+my\s+name,?\s+e-?mail\b",
        r"\b(?:revoke|withdraw)\s+(?:this|your)\s+consent\b",
        r"\byour\s+personal\s+data\s+will\b",
        r"\bcan\s+be\s+found\s+in\s+our\s+(?:data\s+protection|privacy)\s+(?:policy|notice|statement)\b",
        # the site on its own comments ("all comments are moderated", "we are moderating all
        # comments"); "comments on the plan were approved" is news
        r"\bcomments?\s+(?:are|is|will\s+be|must\s+be)\s+(?:\w+\s+){0,3}(?:moderated|approved|reviewed)\b",
        r"\bmoderating\s+(?:all\s+)?(?:reader\s+)?comments\b",
        r"\b(?:coment[áa]rios?|commentaires?|kommentare?|commenti)\b.{0,100}"
        r"\b(?:moderador\w*|mod[ée]rat\w*|moderi\w*|moderat\w*|aprovad\w*|approuv\w*)\b",
        r"\b(?:be\s+mindful\s+of|subject\s+to|comply\s+with)\s+our\s+community\s+(?:rules|guidelines|standards)\b",
        r"^community\s+(?:rules|guidelines|standards)\s+apply\b",
        r"^(?:you\s+must\s+be|devi\s+essere)\s+(?:logged\s+in|connesso)\b",
        ),
    *_p("disclaimer", 60,
        r"\b(?:registration\s+on|use\s+of)\s+this\s+(?:site|website)\s+constitutes\s+acceptance\b",
        r"\b(?:the\s+material|the\s+content|no\s+part)\b.{0,60}\bmay\s+not\s+be\s+(?:re)?produced\b",
        r"^this\s+document\s+is\s+subject\s+to\s+copyright\b",
        # "We may earn a commission", "X has affiliate partnerships and may earn commission"
        r"\b(?:we|this\s+(?:site|website)|and)\s+may\s+(?:earn|receive)\s+(?:a\s+)?(?:small\s+)?(?:affiliate\s+)?commissions?\b",
        ),
    # The author's line under the article: a bio ("Jane Doe is a reporter for Example News")
    # or a way to reach them ("Email Jane at ...", "Jane Doe may be reached at ...").
    *_p("other", 30,
        r"^(?-i:[A-ZÀ-ÖØ-Þ][\w.'-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w.'-]+){0,3})(?:\s+\([^)]{1,60}\))?\s+(?:is|was|has\s+been)\s+"
        r"(?:an?|the)\s+(?:[\w-]+\s+){0,4}(?:reporter|writer|correspondent|editor|journalist|columnist|contributor|"
        r"producer|intern|fellow)\b(?:\s+(?:for|at|with|of)\b.{0,80})?[.!]?$",
        r"\b(?:may|can)\s+be\s+reached\s+(?:at|by|on)\b",
        r"^(?:have|got)\s+a\s+(?:news\s+)?tip\b",
        r"^(?:email|e-mail|contact|reach|follow)\s+(?:the\s+(?:author|reporters?|writer)|(?-i:[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,2}))"
        r"\s+(?:at|on|via)\b.{0,80}(?:@|\btwitter\b|https?://)",
        ),
    *_p("subscribe", 12, r"\bsubscribe\s+(?:to|now|today|for)\b", r"\bnewsletters?\b"),
    *_p("subscribe", 30,
        r"^subscribe\b", r"^(?:get|sign\s+up\s+for)\s+(?:our|the)\s+(?:\w+\s+)?newsletter",
        r"^(?:sign|log)\s*(?:in|up|out)\b", r"^(?:register|create\s+(?:an\s+|a\s+free\s+)?account|my\s+account|account\s+settings)\b",
        r"\balready\s+(?:a\s+)?(?:subscriber|registered|have\s+an\s+account)\b",
        r"\b(?:unlimited|full)\s+(?:digital\s+)?access\b", r"\bsupport\s+(?:independent|quality)\s+journalism\b",
        r"\bthanks?\s+(?:you\s+)?for\s+(?:signing\s+up|subscribing)\b",
        r"\b(?:we\s+(?:will\s+)?send\s+(?:you\s+)?an?\s+email|(?:straight\s+)?(?:to|in)\s+your\s+inbox)\b", r"^(?:s'abonner|abonnez-vous|abonnieren|suscr[íi]bete|assine)\b",
        ),
    *_p("share", 12,
        r"^(?:share|tweet|email|print|pin|copy\s+link|follow\s+us|follow)(?:\s+(?:this|on|via|article|story|with|us))?\b.{0,40}$",
        r"^(?:partager|teilen|compartir|compartilhe|condividi)\b",
        r"^@\w{2,}$",
        ),
    *_p("credit", 25,
        r"^(?:©|\(c\))\s*\w",
        r"^(?:photo|image|picture|foto|video|illustration|graphic)s?\s*(?:credit)?\s*(?:[:/|]|by\b)",
        r"^(?:image|photo)\s+credit\b",
        r"\b(?:getty\s+images|shutterstock|istock(?:photo)?|alamy|afp\s+photo|ap\s+photo|reuters/|/\s*reuters|epa-efe|sipa|dpa)\b.{0,40}$",
        r"^credit\s*:",
        ),
    *_p("caption", 60,
        r"^(?:above|below|pictured|file\s+photo|in\s+this\s+(?:file\s+)?photo)\s*[:,]",
        r"^(?:caption|légende)\s*:",
        r"^in\s+this\s+.{0,40}\b(?:file\s+)?(?:photo|image|picture|handout)\b",
        r"\((?:image|photo|picture|pic|credit|source|foto|bild)s?\s*:[^)]{0,60}\)\s*$",
        # "<description>. Photo: Agency": a caption ending in its credit
        r"[.!?]\s+(?:photo|image|picture|foto|bild)s?\s*(?:credit)?\s*:\s*[\w&./' -]{1,40}$",
        # "... a hunter killed a rabbitCredit: Agency": the credit glued to its caption
        r"(?:[.!?]\s*|[a-z)])credit\s*:\s*[\w&./' -]{1,40}$",
        # "... over the city. (Agency/Jane Doe)", "(Photo by Jane Doe/Agency)", "(AP)"
        r"\((?:photo|image|picture)s?\s+(?:by|courtesy(?:\s+of)?)\s[^)]{1,60}\)\s*$",
        r"\([A-Z][\w .&'-]{1,40}/[A-Z][\w ./&'-]{1,60}\)\s*$",
        rf"[.!?]['\"”’]?\s*\((?:{PHOTO_AGENCIES})(?:\s+(?:photo|file))?\)\s*$",
        # "... at the Capitol.Jane Doe / Agency file"
        rf"\s/\s*(?:{PHOTO_AGENCIES})(?:\s+(?:file|photo))?\s*$",
        ),
    *_p("navigation", 10,
        r"^(?:home|menu|main\s+menu|search|close|back|next|previous|more|open|toggle\s+navigation|navigation|sections?)$",
        r"^(?:skip\s+to\s+(?:main\s+)?content|back\s+to\s+top|go\s+to\s+top|jump\s+to)\b",
        r"^(?:next|previous|prev)\s+(?:article|story|post|page)\b",
        r"^you\s+are\s+(?:here|at)\s*:",
        r"^(?:home|accueil|inicio|startseite)\s*[>»/|›]",
        ),
    # a breadcrumb trail: "Section » Subsection » Headline"
    *_p("navigation", 20, r"^[^»›>\n]{1,60}(?:\s[»›>]\s[^»›>\n]{1,80}){2,}$"),
    *_p("byline", 14,
        r"^(?:by|par|von|por|di)\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}(?:\s*(?:,|\||·|•|—|and|&)\s*.*)?$",
        r"^(?:first\s+)?(?:published|posted|updated|last\s+updated|modified|date|publié|veröffentlicht|publicado)\b\s*:?.{0,60}$",
        r"^\d+\s*(?:min(?:ute)?s?|mins)\s+(?:read|de\s+lecture|lesezeit)$",
        r"^(?:author|publish(?:ed)?\s+(?:date|on)|written\s+by|posted\s+by|autor|auteur)\s*:?\s*$",
        r"^(?:タグ|tags?)\s*[:：]",
        r"^(?:reading\s+time|lesezeit|temps\s+de\s+lecture)\b",
        ),
]

SOCIAL_WORDS = frozenset(
    "facebook twitter x whatsapp linkedin telegram reddit pinterest email e-mail print "
    "share tweet instagram youtube tiktok vk flipboard messenger copy link rss mail sms "
    "google threads bluesky mastodon tumblr pocket".split())


def match_line(text: str, n_words: int) -> RemovedKind | None:
    """The boilerplate kind a line's wording marks it as, or None."""
    for pat in LINE_PATTERNS:
        if n_words <= pat.max_words and pat.regex.search(text):
            return pat.kind
    return None


def tail_heading(text: str, n_words: int) -> RemovedKind | None:
    """``related`` or ``comments`` when the line is a heading that starts the page's tail."""
    stripped = text.strip().rstrip(":").strip()
    for pat in TAIL_HEADINGS:
        if n_words <= pat.max_words and pat.regex.search(stripped):
            return pat.kind
    return None
