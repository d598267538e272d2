"""Page furniture: the lines a web page adds around and inside a transcript when it is pasted.

General shapes, for any site and any script, so that a page never seen before is read as well as
the ones in ``sources.toml`` (which keeps only what is truly one site's own):

- navigation before the title: a language bar ("عربي Español Русский Français 简体中文"), a
  breadcrumb ("Home > Press > Briefings"), a logo or menu line ("White House Logo", "Mobile
  version"), runs of short menu items, lines the header repeats;
- links after and inside the transcript: a related-links heading in any language ("See also",
  "Related News:", 相关新闻, "Appendix:") and the links under it, with their dates; share, print
  and "Publication date:" lines; copyright, licence and contact lines; bare addresses;
- photo captions: "Meeting of the Regional Forum. Photo: TASS", and a caption-shaped line that
  the text repeats ("Visit to the Grain Centre.").
"""

from __future__ import annotations

import re

from archive.ingest.dates import find_date
from archive.ingest.event_kinds import names_event
from archive.ingest.lines import CJK, CONNECTORS

__all__ = [
    "is_breadcrumb",
    "is_caption",
    "is_copyright",
    "is_footer_heading",
    "is_language_bar",
    "is_link_entry",
    "is_link_like",
    "is_navigation",
    "is_scene_caption",
    "is_url",
]

# How a language switcher names its languages (each in its own language).
LANGUAGE_NAMES = {
    "english", "français", "francais", "español", "espanol", "deutsch", "italiano", "português",
    "portugues", "русский", "українська", "беларуская", "polski", "čeština", "türkçe", "ελληνικά",
    "nederlands", "svenska", "norsk", "dansk", "suomi", "magyar", "română", "български", "srpski",
    "hrvatski", "عربي", "العربية", "العربیة", "فارسی", "עברית", "हिन्दी", "中文", "简体中文",
    "繁體中文", "繁体中文", "日本語", "한국어", "bahasa", "indonesia", "melayu", "tiếng việt",
    "ไทย", "kiswahili", "eng", "fra", "esp", "rus", "deu", "chn", "ara", "en", "fr", "es", "ru",
    "de", "zh", "ar", "英文", "法文", "俄文", "西班牙文", "阿拉伯文", "中文版", "english version",
    "версия на русском", "английский", "русская версия", "langue", "language", "languages",
}  # fmt: skip
_LANGUAGE_SPLIT = re.compile(r"[\s|/·•,]+")

# Headings of the related-links blocks after (and sometimes inside) a transcript.
FOOTER_HEADINGS = {
    "see also", "related", "related news", "related articles", "related content", "related links",
    "related stories", "related pages", "related topics", "related documents", "read more",
    "more on this", "more on this topic", "more news", "further reading", "appendix",
    "appendices", "attachment", "attachments", "tags", "topics", "share this", "share this page",
    "share", "print", "print this page", "send by email", "send to a friend", "suggest to a friend",
    "recommend to a friend", "back to top", "top of page", "next post", "previous post",
    "next article", "previous article", "附件", "相关新闻", "相关链接", "相关文章", "相关阅读",
    "推荐给朋友", "打印本页", "关闭窗口", "【打印】", "【关闭】", "返回顶部", "関連記事", "関連リンク",
    "관련기사", "см. также", "смотрите также", "читайте также", "материалы по теме",
    "voir aussi", "à lire aussi", "lire aussi", "sur le même sujet", "siehe auch",
    "mehr zum thema", "das könnte sie auch interessieren", "ver también", "véase también",
    "noticias relacionadas", "artículos relacionados", "vedi anche", "leggi anche",
    "veja também", "ذات صلة", "اقرأ أيضا",
}  # fmt: skip
# "Publication date: 12 March 2018, 16:50", "Direct link: http://...", "Last updated at ..."
_FOOTER_LINE = re.compile(
    r"^(?:publication date|date of publication|publication status|direct link|permalink|"
    r"short link|published in sections?|last updated|page last updated|last modified|"
    r"source|url|tags|topics|keywords|persons|geography|share on|share via|next|previous|"
    r"next (?:post|article|story)|previous (?:post|article|story)|read next|up next|"
    r"发布时间|来源|责任编辑|编辑)\s*[:：]"
    r"|^(?:last updated|page last updated|last modified|published) (?:at|on)\b",
    re.I,
)
_URL = re.compile(r"^<?(?:https?://|www\.)\S+>?$", re.I)
_COPYRIGHT = re.compile(
    r"copyright|©|\(c\)\s*\d{4}|all rights reserved|版权所有|版權所有|著作権|licensed under|"
    r"creative commons|\bicp备|公网安备|^contact us\b|^联系我们|^address\s*:|"
    r"[^\W\d_](?:19|20)\d\d$",  # "Presidential Executive Office2020": a credit and its year
    re.I,
)
# "Meeting of the Regional Forum. Photo: TASS", "(Photo: Reuters)", "Photo by Jane Doe"
_PHOTO_CREDIT = re.compile(
    r"(?:^|[.!?)\s])\(?(?i:photo(?:graph)?s?|picture|image|фото|фотография|图片|图|照片|写真|사진|"
    r"foto)\s*(?i:by|courtesy of|credit)?\s*[:：]\s*[^\W\d_a-zа-я][^.!?。]{0,60}\)?\.?$"
    r"|(?:^|[.!?]\s)(?i:photo(?:graph)? by) [^\W\d_a-z][^.!?]{1,60}\.?$"
)
# A caption names a scene: "At the Carriage Works.", "With the Governor.", "During the talks."
_SCENE_START = re.compile(
    r"^(?:at|with|during|before|after|in|on|visiting|touring|talking|meeting|signing)\b", re.I
)
_HOME = {
    "home",
    "homepage",
    "首页",
    "主页",
    "accueil",
    "startseite",
    "inicio",
    "главная",
    "ホーム",
    "홈",
}
_BREADCRUMB = re.compile(r"\s[>›»/]\s|\s\|\s")
_NAVIGATION = re.compile(
    r"\blogo\b|^skip to\b|^search\b|^mobile version$|^(?:full|desktop|text|print) version$|"
    r"^version for (?:the )?(?:visually impaired|people with disabilities|blind)|^accessibility\b|"
    r"^subscribe\b|^sign (?:in|up)\b|^log ?in\b|^(?:main )?menu$|^navigation$|^toggle\b|"
    r"^home ?page$|^site ?map$|^contacts?$|^(?:follow|connect with) us\b|^rss\b",
    re.I,
)
_SENTENCE_END = (".", "!", "?", "…", ":", ";", ",", "。", "！", "？", "；", "，", "”", '"')
_CLOSINGS = {"thank", "thanks", "okay", "ok", "bye", "goodbye", "good", "yes", "no", "great", "all"}


def _key(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).casefold().rstrip(":：").strip()


def is_language_bar(text: str) -> bool:
    """ "عربي Español Русский Français 简体中文", "English | Français": language names only."""
    tokens = [t for t in _LANGUAGE_SPLIT.split(text.casefold()) if t]
    if len(tokens) < 2 or len(text) > 120:
        return False
    named = sum(1 for t in tokens if t in LANGUAGE_NAMES)
    return named >= 2 and named >= len(tokens) - 1 and named / len(tokens) >= 0.75


def is_breadcrumb(text: str) -> bool:
    """ "Home > Press and Media Service > Regular Press Conference"; with "|" only when no part
    names an event ("Remarks by the President | Atlanta, GA" is a title)."""
    if len(text) > 200 or not _BREADCRUMB.search(text) or text.endswith(_SENTENCE_END[:3]):
        return False
    parts = [p.strip() for p in re.split(r"\s[>›»/|]\s", text)]
    if len(parts) < 2 or any(not p or len(p.split()) > 10 for p in parts):
        return False
    if " | " in text and not re.search(r"\s[>›»/]\s", text):
        if parts[0].casefold() in _HOME or (
            len(parts) >= 3 and all(len(p.split()) <= 4 for p in parts)
        ):
            return True  # "Home | News | Press Briefings"
        return not any(names_event(p) for p in parts) and all(len(p.split()) <= 4 for p in parts)
    return True


def is_navigation(text: str) -> bool:
    """A line of a site's navigation: a language bar, a breadcrumb, a logo or menu line."""
    return bool(_NAVIGATION.search(text)) or is_language_bar(text) or is_breadcrumb(text)


def is_link_like(text: str) -> bool:
    """A link or menu item in any script: short, no sentence punctuation; Latin words mostly
    capitalised ("Foreign Ministry Spokesperson's Regular Press Conference on April 3, 2020",
    "2018年10月31日外交部发言人陆慷主持例行记者会(2018-10-31)")."""
    words = text.split()
    if not words or len(text) > 160 or text.endswith(_SENTENCE_END):
        return False
    if CJK.search(text):
        return len(CJK.findall(text)) <= 60 and not re.search(r"[。？！，；]", text)
    if len(words) > 16 or words[0].casefold().strip(",") in _CLOSINGS:
        return False
    content = [w for w in words if w.casefold() not in CONNECTORS and w[:1].isalpha()]
    if not content:
        return bool(find_date(text))
    return sum(1 for w in content if w[:1].isupper()) / len(content) >= 0.75


def is_link_entry(text: str) -> bool:
    """A line under a related-links heading: a page's title in any case ("Condolences on the
    death of a politician"), its date, or an address; never a sentence."""
    if is_url(text) or (find_date(text) and len(text) <= 60):
        return True
    if not text or text.endswith(_SENTENCE_END) or len(text) > 200:
        return False
    return len(text.split()) <= 20 if not CJK.search(text) else len(CJK.findall(text)) <= 60


def is_footer_heading(text: str) -> bool:
    """ "See also", "Related News:", "Appendix:", 相关新闻, "Publication date: ...": a line that
    starts the links and notes a page puts after (or inside) a transcript."""
    if len(text) > 200:
        return False
    return _key(text) in FOOTER_HEADINGS or bool(_FOOTER_LINE.match(text.strip()))


def is_copyright(text: str) -> bool:
    return len(text) <= 300 and bool(_COPYRIGHT.search(text))


def is_url(text: str) -> bool:
    return bool(_URL.match(text.strip()))


def is_caption(text: str) -> bool:
    """A photo caption with its credit: "Meeting of the Regional Forum. Photo: TASS"."""
    if len(text) > 300 or (m := _PHOTO_CREDIT.search(text.strip())) is None:
        return False
    return len(m[0].split(":", 1)[-1].split()) <= 8


def is_scene_caption(text: str) -> bool:
    """A caption's shape without a credit: a heading that names an event or a scene, with no
    comma or dash ("Visit to the Grain Centre.", "With the Governor of the Region."); the parser
    drops such a line only where the text repeats it."""
    body = text.strip().removesuffix(".")
    if "," in body or body.endswith(("—", "–", "-", ":")) or len(body.split()) < 3:
        return False
    if not (names_event(body) or _SCENE_START.match(body)):
        return False
    words = [w for w in body.split() if w.casefold() not in CONNECTORS and w[:1].isalpha()]
    if len(words) < 2 or any(ch in body for ch in "?!;"):
        return False
    return sum(1 for w in words if w[:1].isupper()) / len(words) >= 0.6
