"""Linking lecture text to topics: whole words and phrases after normalisation."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any, NamedTuple

from kg.importer.rows import clean
from kg.importer.vocab import TopicName

# A word, or "&", "/" or "+" between words ("CNN+RNN"). Plus signs written onto one letter
# are part of a name: "B+ trees" and "C++" name no "trees" and no "C and".
_TOKEN = re.compile(r"(?<![^\W_])[^\W\d_]\++(?![^\W_])|[^\W_]+(?:['’][^\W_]+)*|[&/+]")
_STOP = frozenset(
    "a an the of and or to in on for with by from at as is are be we our how what this that its "
    "their into via vs using use it do does can you your i will which about also than more most "
    "then there these those why when where who good bad better worse useful".split()
    # Articles and article-prepositions of the languages the vocabulary has names in,
    # none of them an English word a title uses ("Introduction aux réseaux de neurones").
    + "aux au les des du la le el los las il lo del della dei degli zur zum der die das dem den het een".split()
)
# "and" in the languages whose course titles the vocabulary has names in, where the word
# means nothing else in an English title ("Regression und Klassifikation").
_SYNONYMS = {"net": "network", "nets": "network", "&": "and", "/": "and", "+": "and", "max": "maximum",
             "und": "and", "et": "and", "en": "and"}
# Title words that say what kind of lecture it is, not what it is about.
_GENERIC = frozenset(
    "introduction intro overview basics basic part lecture lectures guest course logistics "
    "administrivia review topics topic advanced special session class insights perspective "
    "anyway principles recap summary conclusion welcome wrap up discussion i ii iii iv "
    "fundamentals fundamental foundations foundation applications application case studies study tbd tba no "
    "model models method methods theory practice key idea ideas one two three four five "
    "several various new modern simple brief extra preliminary preliminaries roadmap outlook "
    # What kind of selection a session is ("Current topics of research V", "Selected
    # topic: wavelets", "Recent advances", "The course at a glance", "in more detail").
    "current selected recent advance glance detail v vi vii viii refresher primer general".split()
    # The same kinds of session in other languages ("Einführung", "Introducción", "Inleiding").
    + "einfuhrung einleitung wiederholung uberblick grundlagen introduccion presentacion repaso "
    "introduzione panoramica ripasso inleiding herhaling overzicht introducao apresentacao revisao "
    "rappel rappels generalites".split()
)


_CACHE_SIZE = 50_000
# Words after a name that say what kind of thing it is, not what else it is about
# ("implicit regularization techniques").
_KIND_WORDS = frozenset(
    "technique approach algorithm framework trick strategy tool problem task concept "
    "idea variant extension phenomenon phenomena regime effect result architecture estimate estimator "
    "estimation principle system mechanism layer".split()
)
_PRONOUNS = frozenset("it we they you he she".split())
# Words that say what a session does with its subject, not another subject: a name
# beside them is what the session is about ("Backpropagation questions", "Notation
# for backprop", "Properties of SVD", "Examples of PCA").
_ABOUT_WORDS = frozenset(
    "question notation derivation example exercise implementation demo property definition "
    "motivation proof intuition tip pitfall advantage disadvantage limitation type terminology".split()
)
# Verbs a description teaches with ("we consider diffusion models", "introduces
# recurrent networks"): what follows is the subject, not a kind of it, and no term
# starts with one. (Normal forms: "introduces" -> "introduce".)
_TEACHING_VERBS = frozenset(
    "introduce introduced introducing cover covered covering consider considered discuss discussed "
    "explore explored review reviewed revisit study studied present presented examine examined "
    "describe described explain explained define defined derive derived dive focus focuse "
    "continue begin start survey".split()
)
_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
# Words that never make a candidate topic: file kinds, link labels, admin words.
_NOISE = frozenset(
    "pdf video videos slides slide code notes github colab html ipynb zip link links recording "
    "youtube homework assignment assignments quiz exam midterm final project deadline due lecture "
    "lectures tbd tba reading readings paper papers handout solutions solution part week seminar "
    "lab recitation tutorial office hours syllabus break holiday guest talk industry invited feedback "
    "announcement announcements out released continued contd cont ctd speaker speakers "
    # References to a book or a course: "Szeliski (2nd Edition) Chapter 1".
    "chapter chapters edition section sections appendix "
    # Their abbreviations ("SLP Ch 6", "Guest Lec"), HTML entities a page left in its
    # text (";amp;", "&nbsp"), class activities, file kinds, rooms, days and the course's
    # own tools ("See Piazza").
    "ch sec lec nbsp amp activity activities poster posters presentation presentations worksheet "
    "worksheets notebook notebooks pptx ppt docx room day days kickoff catch piazza gradescope canvas "
    "moodle zoom slack panopto prerequisite prerequisites requisite requisites".split()
)
# "e.g", "i.e", a web address, an identifier, markup ('relref "io"', "{{< ... >}}"), a
# citation ("Bender et al").
_NOT_A_TERM = re.compile(r"[^\W\d_]\.[^\W\d_]|[^\W_]_[^\W_]|[{}<>=\"]|\bet\s+al\b")
# Month and weekday names: with numbers they make a date ("Sep 29-Oct 4"), never a term.
_CALENDAR = frozenset(
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july "
    "august september october november december mon tue tues wed thu thur thurs fri sat sun monday "
    "tuesday wednesday thursday friday saturday sunday".split()
)
_TIME = re.compile(r"\d{1,2}(?:am|pm|h)")
# A name or two (or "et al") and a year cite a paper ("Xie and Min 2022", "Bender et al.,
# 2021"): no term.
_CITATION = re.compile(
    r"\b[A-Z][^\W\d_]+(?:\s+(?:and|&)\s+[A-Z][^\W\d_]+|\s+et\s+al\.?)?,?\s+\(?(?:19|20)\d\d\b"
)
# One word that only qualifies a noun: a participle or an "-able" adjective ("Regularized",
# "Selected", "separable"), never a concept alone.
_QUALIFIER = re.compile(r".{3,}(?:[^e]ed|able|ible)")
# A course's code ("CS 231N", "STAT-157") or a short code of a session or a piece of
# work ("GR1", "HW2", "P6"): never a concept.
_CODE = re.compile(r"\b[A-Z]{2,5}[- ]?\d{3,}[A-Za-z]?\b|^[A-Za-z]{1,2}\d{1,2}[a-c]?$")

# Words that end a term: conjunctions and prepositions ("Optimization for DL").
_JOINERS = frozenset(
    "and or for of in with on via using through from to by vs versus & / + at as into meet beyond "
    "about among between during before after without"
    # Prepositions of other languages that no English title uses ("Transformers para visión").
    " fur mit pour avec para voor com".split()
)
_NAME_BREAK = re.compile(r"[,;:()\[\]|!?\"“”]|\.\s")
_TERM_BREAK = re.compile(r"[,;:()\[\]|!?\"“”]|\.\s|\s[-–—]+\s|[-–—]{2}")


def _stem(w: str) -> str:
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if w.endswith("sses"):
        return w[:-2]
    if len(w) > 4 and w.endswith(("ches", "shes", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


_POSSESSIVE = re.compile(r"['’]s$")
# An elided French or Italian article before a word ("l'apprentissage", "dell'errore"):
# the word is the word without it.
_ELISION = re.compile(r"^(?:l|d|qu|dell|all|nell|sull|dall)['’](?=[^\W\d_]{3})")
# British spellings read as American ones: "language modelling", "regularisation",
# "k-nearest neighbours". The -ise endings only after the letters that make the
# -ize verbs of technical English ("normalise", "optimiser", "summarisation",
# "vectorise", "tokenise"), never "promise", "surprise", "noise" or "supervised".
_ISE = re.compile(r"^(.+(?:al|im|ar|en|or|an))is(ation|ations|er|ers|e|es|ed|ing)$")
_SPELLING = {
    "modelling": "modeling", "modelled": "modeled", "labelling": "labeling", "labelled": "labeled",
    "neighbour": "neighbor", "neighbours": "neighbors", "neighbourhood": "neighborhood",
    "behaviour": "behavior", "behaviours": "behaviors", "centre": "center", "centres": "centers",
    "analyse": "analyze", "analysed": "analyzed", "analysing": "analyzing",
}


def _american(w: str) -> str:
    """A case-folded word in American spelling.

    >>> [_american(w) for w in ("modelling", "regularisation", "optimisers", "promise", "supervised")]
    ['modeling', 'regularization', 'optimizers', 'promise', 'supervised']
    """
    got = _SPELLING.get(w)
    if got is not None:
        return got
    if "is" in w and len(w) > 6:
        return _ISE.sub(r"\1iz\2", w)
    return w


# An acronym's plural: capitals (two or more, the last one right before it) and an "s"
# ("GRUs", "ReLUs", "DQNs"), where the plain rule leaves "us" ("corpus") alone.
_ACRONYM_PLURAL = re.compile(r"(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z0-9]*[A-Z0-9]s")


def _singular(word: str) -> str:
    """An acronym without its plural "s" ("GRUs" -> "GRU"); any other word as it is."""
    return word[:-1] if word[-1:] == "s" and _ACRONYM_PLURAL.fullmatch(word) else word


@lru_cache(maxsize=1 << 16)
def _norm(word: str) -> str:
    """A word's normal form (memoised: pages repeat their words)."""
    if word[-1:] == "s" and _ACRONYM_PLURAL.fullmatch(word):
        return _norm(word[:-1])
    w = word.casefold()
    if not w.isascii():
        # Accents as a name's ASCII spelling has them: "naïve", "Fréchet", "Rényi".
        w = "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
    w = _POSSESSIVE.sub("", _ELISION.sub("", w)).replace("'", "").replace("’", "")
    w = _SYNONYMS.get(w, w)
    return _stem(_american(w))


class _Tok(NamedTuple):
    stem: str
    surface: str
    start: int
    end: int


_new_tuple = tuple.__new__  # a _Tok without the generated __new__'s Python frame


def _tokens(text: str) -> list[_Tok]:
    norm = _norm
    return [_new_tuple(_Tok, (norm(w := m.group()), w, *m.span())) for m in _TOKEN.finditer(text)]


def normal_form(text: str) -> str:
    """``text`` in the normal form the linker matches names in: its words case-folded,
    stemmed and in American spelling, "nets" as "networks", hyphens and slashes as
    spaces ("&" as "and"), joined by single spaces.

    >>> normal_form("Convolutional Nets & Language Modelling")
    'convolutional network and language modeling'
    """
    return " ".join(t.stem for t in _tokens(text))


class _Node:
    """A node of the names' word trie: the names that end here, the words that go on."""

    __slots__ = ("names", "next")

    def __init__(self) -> None:
        self.names: list[_Name] = []
        self.next: dict[str, _Node] = {}


@dataclass(frozen=True)
class _Name:
    topic: str
    surface: str
    kind: str  # label, alias, id
    acronym: bool
    ntok: int
    generic: bool = False  # one word that elsewhere says what kind of session it is
    inverted: bool = False  # "modeling sequence" from "sequence modeling": matches a plural noun only


class _Match:
    """Tokens ``i`` to ``j`` of a text name ``topic`` (the words ``text``), how sure and how.

    Not meant to change once made (:meth:`but` makes a changed copy); a plain class with
    slots, as the linker makes one for every name it finds."""

    __slots__ = ("i", "j", "topic", "conf", "text", "how", "place")

    def __init__(self, i: int, j: int, topic: str, conf: float, text: str, how: str, place: str = "title") -> None:
        self.i = i
        self.j = j
        self.topic = topic
        self.conf = conf
        self.text = text
        self.how = how
        self.place = place

    def but(self, conf: float, how: str) -> _Match:
        """This match with another confidence and how."""
        return _Match(self.i, self.j, self.topic, conf, self.text, how, self.place)


_Key = tuple[int, float, int, str]
"""The order :func:`_resolve` takes matches in: longest, most confident, first, by topic."""


class _Found(NamedTuple):
    """What :meth:`Linker._find_full` finds in one text: its tokens; its matches (those
    kept, in the order of ``keys``, then those that coordination added); the keys the
    kept ones were ordered by; and the topics coordination added, in order."""

    toks: list[_Tok]
    matches: list[_Match]
    keys: list[_Key]
    coordinated: list[str]


# An acronym in brackets right after what it stands for: "Gated Recurrent Units (GRUs)".
_DEFINED = re.compile(r"(?<=[^\W_])\s*\(\s*([A-Z][A-Za-z]{1,7})\s*\)")


def with_acronyms(topics: Iterable[TopicName], defined: dict[str, tuple[str, str]]) -> list[TopicName]:
    """``topics`` with the acronyms a page defines (:meth:`Linker.defined_acronyms`) as
    aliases of the topics it defines them for, and no longer of any other: on that page
    "Semi-Supervised Learning (SSL)" makes SSL semi-supervised learning."""
    out = []
    for t in topics:
        aliases = [a for a in t.aliases if defined.get(_singular(a).casefold(), (t.id,))[0] == t.id]
        have = {_singular(a).casefold() for a in aliases}
        aliases += [acr for key, (tid, acr) in defined.items() if tid == t.id and key not in have]
        out.append(t if aliases == list(t.aliases) else TopicName(t.id, t.label, tuple(aliases), t.broader))
    return out


# A title's parts: what lies between its commas and semicolons (see _title_matches).
_TITLE_PART = re.compile(r"[^,;]+")


@dataclass(frozen=True)
class Link:
    """A topic proposed for a lecture, how sure the linker is, and the words that matched."""

    topic: str
    confidence: float
    text: str
    how: str = "name"  # name, fuzzy, sub-span, in-term, narrower, context, related, coordination, course, theme
    place: str = "title"  # where the words were: title, list (a short detail item), prose


def _initials(label: str) -> str:
    """'k nearest neighbors' -> 'knn' (hyphens split words)."""
    return "".join(w[0] for w in re.split(r"[\s-]+", label.casefold()) if w)


def _acronym_like(name: str) -> bool:
    """'RL', 'GAN', 'muP', 'LoRA', 'METEOR': one word, short, or in capitals, or short
    with several capitals. A longer word in mixed case ('PyTorch', 'TensorFlow') is a
    name no English word is spelt like: it matches in any case ('Pytorch')."""
    if len(_tokens(name)) != 1:
        return False
    return len(name) <= 3 or name.isupper() or (sum(c.isupper() for c in name) >= 2 and len(name) <= 5)


def _acronym_ok(alias: str, surface: str) -> bool:
    if surface in (alias, alias + "s", alias + "es"):
        return True
    return sum(c.isupper() for c in surface) >= 2 and _stem(surface.casefold()) == _stem(alias.casefold())


# Where a name was found, and how much that says. Titles name what a lecture is about;
# short items of a detail list ("SGD, Backprop and autodiff") nearly as much; a word in a
# sentence of prose ("we consider gradient as a general technique") much less.
_PLACE_PENALTY = {"title": 0.0, "list": 0.06, "prose": 0.15}
_SEGMENT = re.compile(r"[,;:()\[\]!?]|\.(?:\s|$)|\s[-–—]{1,3}\s")
# A title's sentences end at a full stop, but for one after an initial or an
# abbreviation ("Dr. Smith", "Prof. Yang", "incl. X", "e.g. Y").
_SENTENCE_END = (
    r"(?<!\b[A-Za-z])(?<!\b[Dd]r)(?<!\b[Mm]r)(?<!\b[Mm]s)(?<!\b[Vv]s)(?<!\b[Cc]f)(?<!\b[Ss]t)(?<!\bal)"
    r"(?<!\b[Mm]rs)(?<!\b[Ee]tc)(?<!\b[Pp]rof)(?<!\b[Ii]ncl)(?<!\b[Rr]esp)(?<!\b[Aa]pprox)\.(?:\s|$)"
)
_TITLE_SEGMENT = re.compile(r"[:;,()\[\]|?!]|" + _SENTENCE_END + r"|\s[-–—]+\s|/")
# A lecture's own label left before its title ("Lec2", "L3", "W5"): never a term's start.
_LABEL = re.compile(r"(?:lec|lecture|week|wk|session|unit|part|ch|chapter|module|day)\d+[a-c]?")
_AND = re.compile(r"\band\b|&")
_STOP_GENERIC = _STOP | _GENERIC
# Words a candidate term does not start with: stop words, generic words, teaching
# verbs, determiners ("any", "such as").
_TRIM = _STOP_GENERIC | _TEACHING_VERBS | frozenset("any such aka each every some incl including".split())
# Words before a person's name ("Prof. Jean Yang on privacy", "talk by Dr. Smith"):
# what follows names who, not what.
_HONORIFICS = frozenset("by prof professor dr mr mrs ms".split())
# The words of a label before a colon that says who speaks ("Guest:", "Invited speaker:").
_GUEST_WORDS = frozenset("guest speaker speakers invited lecturer presenter".split())
# Words that alone make no candidate: the same, words saying what kind of thing a
# name is ("tasks", "techniques") and a bare "networks" or "research".
_NOT_ALONE = _TRIM | _KIND_WORDS | _ABOUT_WORDS | frozenset(
    "network system research good best learning year series need all other last first next".split()
    # The tails of compounds a name took the head of: "model-free", "trade-off", "value-based".
    + "free off based up down".split()
)
_TRIM_END = _TRIM | _JOINERS  # words a candidate term does not end with
# Generic head nouns a term keeps after the words before it ("Gaussian processes").
_HEADS = frozenset("model method network process machine theory".split())
_WEAK_HOWS = frozenset({"sub-span", "narrower", "in-term", "context", "related"})  # not counted as mentions


def _keep_best(found: Iterable[_Match], best: dict[str, tuple[float, str, str, str]],
               count: dict[str, int] | None) -> None:
    """Each topic's most confident match in ``best`` (the first of equals), and its
    mentions (not the weak ones) in ``count`` when given."""
    for m in found:
        topic = m.topic
        if count is not None and m.how not in _WEAK_HOWS:
            count[topic] = count.get(topic, 0) + 1
        was = best.get(topic)
        if was is None or m.conf > was[0]:
            best[topic] = (m.conf, m.text, m.how, m.place)


def _best_links(best: dict[str, tuple[float, str, str, str]], count: dict[str, int],
                support: Collection[str]) -> list[Link]:
    """A link per topic from its best match: a little more sure per mention past the
    first (three at most), and more when a reading covers it too (``support``)."""
    links = []
    for tid, (conf, text, how, place) in best.items():
        conf += 0.02 * min(max(count.get(tid, 0) - 1, 0), 3)
        if tid in support:
            conf += 0.08
        links.append(Link(tid, round(min(conf, 0.99), 2), text, how, place))
    return links


class Linker:
    """Links free text to topics by their labels, aliases and ids.

    Exact matches are on normalised word n-grams (:func:`normal_form`): case-folded,
    hyphens and slashes as spaces, "nets" as "networks", British spellings as American
    ("modelling"), a light plural stem on every word. Acronym-like names ("RL", "GAN",
    "muP", "LoRA") match only when written as acronyms, so "gan" or "rl" in running
    text do not count; a longer name also matches with a label's acronym in its place
    ("Optimization for DL", "NN optimization"); a longer name in mixed case ("PyTorch")
    matches in any case. A span inside a longer match counts less ("neural
    networks" inside "deep neural networks"); "A and B C" also names "A C" ("density and
    energy models"), and "A B and C" names "A C" ("adversarial attacks and training").
    Spans that match no name exactly are tried with rapidfuzz against
    names of as many words that start alike, word by word, for typos ("parameteriation")
    and variants; never on hyphenated words read joined ("selfsupervised").

    Confidence (0-1) starts from how the name matched (label 0.98, multi-word alias or
    acronym 0.95, one-word alias 0.90, fuzzy: scaled by the similarity) and drops with
    where: nothing in the title, a little in a short item of a detail list, more in a
    sentence of prose (but for what it lists after "such as" or "including"; more again
    for one-word names; a generic word such as
    "applications" counts only in a title). It drops under the default threshold for
    what the text names as the setting of another subject ("Reinforcement learning for
    NLP", "The Ethics of Machine Learning"), as related ("relationship between
    transformers and MLPs"), as a kind of itself ("Distributed Linear Regression") or
    inside a longer name. Text after a "Readings:" label (or "Literature:", "References:",
    "Book:"), and text in square brackets after other text ("[Section 9.3 of DLB]"),
    names readings, never topics. A hyphenated name also matches closed up ("Ngram"
    for "n-gram"); a misspelling changes a word of a name, never all of them ("computer
    graphics" is no "computational graph"); two names of one topic side by side name it
    ("CFG parsing"); a name's long first word may be written as two ("Back prop"); a
    two-word name with a gerund head also matches turned round with its object in the
    plural ("Modelling sequences" for "sequence modelling"). An acronym's plural names
    it ("GRUs"), and so does a name with a version after it ("GPT-3", "ResNet-50");
    a one-word gerund name before another topic's name takes it as its object, and both
    count ("Fine-tuning LLMs"); accents are read as a name's ASCII spelling ("naïve").
    Acronyms a page defines ("Semi-Supervised Learning (SSL)") are found by
    :meth:`defined_acronyms` and made names of their topics by :func:`with_acronyms`.
    A topic named more than once, or also covered by a reading the lecture assigns,
    gains a little.

    Speed only (the links are the same): ``split_titles`` says when a title is matched
    part by part between its commas and semicolons, each part once for the page
    (schedules join titles whose parts repeat): ``"repeated"`` (when most of its parts
    were in titles before), ``"always"`` or ``"never"``.
    """

    def __init__(self, topics: Iterable[TopicName], *, fuzzy_cutoff: float = 88.0, split_titles: str = "repeated") -> None:
        self.topics = {t.id: t for t in topics}
        self._index: dict[tuple[str, ...], list[_Name]] = {}
        self._fuzzy: dict[int, dict[str, _Name]] = {}
        self._fuzzy_cutoff = fuzzy_cutoff
        for t in self.topics.values():
            # The id last: where it reads like an alias ("gru" for "GRU") the alias wins,
            # with its case rule.
            names = [(t.label, "label"), *[(a, "alias") for a in t.aliases], (t.id.replace("-", " "), "id")]
            # A hyphenated name is also written closed up: "n-gram" as "ngram", "k-means"
            # as "kmeans" (matched exactly, never as a typo).
            closed = [(_HYPHEN.sub("", x), kind) for x, kind in names if "-" in x and _HYPHEN.search(x)]
            for n_name, (surface, kind) in enumerate(names + closed):
                toks = tuple(x.stem for x in _tokens(surface))
                if not toks:
                    continue
                nm = _Name(
                    t.id, surface, kind, kind != "id" and _acronym_like(surface), len(toks),
                    len(toks) == 1 and toks[0] in _GENERIC,
                )
                bucket = self._index.setdefault(toks, [])
                same = next((x for x, b in enumerate(bucket) if b.topic == t.id), None)
                if same is None:
                    bucket.append(nm)
                elif bucket[same].acronym and not nm.acronym and kind != "id":
                    # "ConvNets" and "convnet" both given: the name matches in any case.
                    bucket[same] = nm
                if not nm.acronym and len(" ".join(toks)) >= 8 and n_name < len(names):
                    self._fuzzy.setdefault(len(toks), {}).setdefault(" ".join(toks), nm)
        # "Modelling sequences", "Learning representations", "Tuning hyperparameters": a
        # two-word name whose head is a gerund also names its topic with the gerund first
        # and its object after it in the plural (an adjective has none: "learning deep").
        for key, bucket in list(self._index.items()):
            if len(key) != 2 or not key[1].endswith("ing") or len(key[1]) < 6 or not key[0].isalpha():
                continue
            turned = (key[1], key[0])
            if turned in self._index:
                continue
            gerund_first = [
                _Name(nm.topic, nm.surface, "alias", False, 2, inverted=True)
                for nm in bucket if nm.kind != "id" and "-" not in nm.surface and not nm.acronym
            ]
            if gerund_first:
                self._index[turned] = gerund_first[:1]
        # An acronym two topics share ("kNN": k-nearest neighbours, nearest-neighbour
        # search) names the one whose label it abbreviates.
        for key, bucket in self._index.items():
            if len(bucket) > 1 and len(key) == 1:
                spelt = [nm for nm in bucket if _initials(self.topics[nm.topic].label) == key[0]]
                if spelt:
                    self._index[key] = spelt
        self._add_acronym_forms()
        self._maxlen = max((len(k) for k in self._index), default=1)
        self._name_words = frozenset(w for key in self._index for w in key)  # every word of a name
        # The same names as a trie of normalised words, compiled once: a text is matched
        # in one pass, each start walking only as far as some name goes on.
        self._trie = _Node()
        for key, bucket in self._index.items():
            node = self._trie
            for w in key:
                node = node.next.setdefault(w, _Node())
            node.names = bucket
        # The first words of names, seven letters or more, for the same words written
        # as two ("back prop" for "backprop"): the trie's nodes under them.
        self._closed: dict[str, _Node] = {
            w: node for w, node in self._trie.next.items() if len(w) >= 7 and w.isalpha()
        }
        # Fuzzy candidates by word count and first two letters, built once.
        self._fuzzy_by_start: dict[tuple[int, str], list[str]] = {}
        for width, by_words in self._fuzzy.items():
            for words in by_words:
                self._fuzzy_by_start.setdefault((width, words[:2]), []).append(words)
        # A typo keeps every word's first two letters (see _fuzzy_name): the names'
        # words by those, "co|ne|" for "convolutional neural network", as every
        # run of them that starts a name and every run that is a whole name.
        self._fuzzy_starts: set[str] = set()
        self._fuzzy_whole: set[str] = set()
        for by_words in self._fuzzy.values():
            for words in by_words:
                starts = ""
                for w in words.split(" "):
                    starts += w[:2] + "|"
                    self._fuzzy_starts.add(starts)
                self._fuzzy_whole.add(starts)
        # Schedules repeat titles ("Recitation: HW Review"); each text is linked once.
        self._link_cache: dict[tuple[str, str, frozenset[str]], list[Link]] = {}
        self._unmatched_cache: dict[tuple[str, str], list[str]] = {}
        self._match_cache: dict[tuple[str, bool, bool], tuple[list[_Tok], list[_Match]]] = {}
        # A title is matched part by part (see _title_matches), each part once:
        # "repeated", when most of its parts were in titles before (matched part by
        # part, a title of parts never seen costs more than matched whole); "always";
        # or "never".
        if split_titles not in ("repeated", "always", "never"):
            raise ValueError(f"split_titles: 'repeated', 'always' or 'never', not {split_titles!r}")
        self._split_titles = split_titles != "never"
        self._split_repeated = split_titles == "repeated"
        self._seen_parts: tuple[set[str], set[str]] = (set(), set())  # without, with fuzzy names
        self._part_cache: dict[tuple[str, bool], _Found] = {}
        self._unmatched_text_cache: dict[tuple[str, bool], list[str]] = {}
        self._edge_cache: dict[str, tuple[bool, bool, tuple[str, ...]]] = {}
        self._last_parts: list[tuple[str, list[tuple[str, _Found]] | None]] = [("", None), ("", None)]
        # A title part's links on their own, and their topics (see _links_by_part).
        self._part_links: dict[tuple[str, bool], tuple[list[Link], frozenset[str]]] = {}
        # The fuzzy name (and its score) of a run of normalised words, or None: a page's
        # texts share their phrases.
        self._fuzzy_cache: dict[str, tuple[str, float] | None] = {}
        self._fuzz: tuple[Any, Any] | None = None

    def defined_acronyms(self, texts: Iterable[str]) -> dict[str, tuple[str, str]]:
        """The acronyms a page defines for topics: acronym (case-folded, singular) ->
        (topic, acronym as written), from "Recurrent Neural Networks (RNNs)", where the words before the
        brackets are a whole name of one topic and their initials (stop words aside:
        "Reinforcement Learning from Human Feedback (RLHF)") spell the acronym. One the
        page defines for two topics is left out. See :func:`with_acronyms`."""
        found: dict[str, set[tuple[str, str]]] = {}
        seen: set[str] = set()
        for text in texts:
            if "(" not in text or text in seen:
                continue
            seen.add(text)
            for m in _DEFINED.finditer(text):
                acr = _singular(m.group(1))
                key = acr.casefold()
                if not _acronym_like(acr) or not key.isalpha() or len(key) < 2:
                    continue
                topic = self._spelt_by(_tokens(text[: m.start()])[-(len(key) + 3) :], key)
                # (Already the topic's name: nothing to learn.)
                known = self._index.get((key,))
                if topic is not None and (known is None or any(nm.topic != topic for nm in known)):
                    found.setdefault(key, set()).add((topic, acr))
        return {key: next(iter(got)) for key, got in found.items() if len({t for t, _ in got}) == 1}

    def _spelt_by(self, toks: list[_Tok], letters: str) -> str | None:
        """The topic that the last words of ``toks`` name whole, their initials spelling
        ``letters`` (the fewest such words), or None."""
        for n in range(len(letters) - 1, len(toks) + 1):
            run = toks[len(toks) - n :]
            if not run or run[0].stem in _STOP:
                continue
            initials = "".join(t.stem[0] for t in run if t.stem not in _STOP)
            if initials != letters and "".join(t.stem[0] for t in run) != letters:
                continue
            topics = {nm.topic for nm in self._index.get(tuple(t.stem for t in run), ()) if not nm.inverted}
            return next(iter(topics)) if len(topics) == 1 else None
        return None

    def _add_acronym_forms(self) -> None:
        """A longer name that holds a topic's label ("optimization for deep learning")
        also names with the label's acronym in its place ("Optimization for DL", "NN
        optimization", "distributed DL"): the acronyms a topic gives that spell its
        label's initials (DL, NN, ML, NLP, LLM). Built once into the index."""
        spelt: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for t in self.topics.values():
            words = tuple(x.stem for x in _tokens(t.label))
            if len(words) < 2:
                continue
            for a in t.aliases:
                short = _tokens(a)
                if len(short) == 1 and _acronym_like(a) and short[0].stem == _stem(_initials(t.label)):
                    spelt.setdefault(words[0], []).append((words, short[0].stem))
        added: dict[tuple[str, ...], list[_Name]] = {}
        for key, bucket in self._index.items():
            if len(key) < 3:
                continue
            for p, w in enumerate(key):
                for words, acr in spelt.get(w, ()):
                    if key[p : p + len(words)] != words or len(words) == len(key):
                        continue
                    form = key[:p] + (acr,) + key[p + len(words) :]
                    if form in self._index or form in added:
                        continue
                    names = [
                        _Name(nm.topic, nm.surface, "alias", False, len(form)) for nm in bucket if not nm.acronym
                    ]
                    if names:
                        added[form] = names
        self._index.update(added)

    # ------------------------------------------------------------ matching

    def _base(self, nm: _Name, place: str) -> float:
        if nm.kind in ("label", "id"):
            c = 0.98
        elif nm.acronym or nm.ntok > 1:
            c = 0.95
        else:
            c = 0.90
        c -= _PLACE_PENALTY[place]
        if place == "prose" and nm.ntok == 1 and not nm.acronym:
            c -= 0.1
        if place != "title" and nm.generic:
            # "Applications" names a topic in a title; among the terms of a description
            # it says what else the lecture touches ("theory and applications").
            c -= 0.1
        return c

    def _places(self, text: str, toks: list[_Tok], in_title: bool) -> list[str]:
        """'title', 'list' or 'prose' for every token. Detail text is split at commas,
        semicolons, full stops and brackets; when most pieces are short (at most six
        words, four of them content words; a hyphenated word is one) it is a list of terms and its short pieces
        are list items; otherwise it is prose ("In this lecture we introduce graph neural
        networks, define matrix representations, ...") and every word is prose."""
        if in_title:
            return ["title"] * len(toks)
        places = ["prose"] * len(toks)
        bounds = [0] + [m.end() for m in _SEGMENT.finditer(text)] + [len(text) + 1]
        segments: list[tuple[list[int], bool]] = []
        k = 0
        for a, b in zip(bounds, bounds[1:]):
            idx = []
            while k < len(toks) and toks[k].start < b:
                if toks[k].start >= a:
                    idx.append(k)
                k += 1
            # A hyphenated word is one word ("self-supervised learning with losses").
            content = [
                i for i in idx
                if toks[i].stem not in _STOP and toks[i].stem.isalnum()
                and (i == 0 or text[toks[i - 1].end : toks[i].start] != "-")
            ]
            if content:
                segments.append((idx, len(content) <= 4 and len(text[a:b].split()) <= 6))
        if 2 * sum(short for _, short in segments) >= len(segments):
            for idx, short in segments:
                if short:
                    for i in idx:
                        places[i] = "list"
        # What a sentence lists after "such as" or "including" are terms of a list:
        # "tasks such as translation and summarisation".
        if "such as" in text or "including" in text:
            for m in _LISTING.finditer(text):
                end = _CLAUSE_END.search(text, m.end())
                stop = end.start() if end else len(text)
                for i in range(bisect_left([t.start for t in toks], m.end()), len(toks)):
                    if toks[i].start >= stop:
                        break
                    places[i] = "list"
        return places

    def _matches(self, text: str, in_title: bool, *, fuzzy: bool = True) -> tuple[list[_Tok], list[_Match]]:
        """The matches in one text (memoised: ``link`` and ``unmatched`` read the same texts)."""
        if in_title:
            f = self._part(text, fuzzy)
            return f.toks, f.matches
        key = (text, in_title, fuzzy)
        got = self._match_cache.get(key)
        if got is None:
            if len(self._match_cache) > _CACHE_SIZE:
                self._match_cache.clear()
            got = self._match_cache[key] = self._find(text, in_title, fuzzy)
        return got

    def _find(self, text: str, in_title: bool, fuzzy: bool) -> tuple[list[_Tok], list[_Match]]:
        got = self._find_full(text, in_title, fuzzy)
        return got.toks, got.matches

    def _find_full(self, text: str, in_title: bool, fuzzy: bool) -> _Found:
        """The tokens and matches of one text, with what :meth:`_title_matches` needs to
        put the matches of a title's parts together (see :class:`_Found`)."""
        toks = _tokens(text)
        places = self._places(text, toks, in_title)
        n = len(toks)
        found: list[_Match] = []
        exact_spans: set[tuple[int, int]] = set()
        # A name never runs across punctuation ("Bayes, Rule" is not "Bayes rule"): breaks[k]
        # is true when a comma, colon, bracket or full stop precedes token k. (No token
        # holds punctuation, so a mark between two tokens is one after the first.)
        breaks = [False] * n
        starts = [t.start for t in toks]
        for b in _NAME_BREAK.finditer(text):
            k = bisect_right(starts, b.start())
            if 0 < k < n:
                breaks[k] = True
        stems = [t.stem for t in toks]
        root = self._trie.next
        for i in range(n):
            node = root.get(stems[i])
            if node is None:
                continue
            end = min(i + self._maxlen, n)
            j = i
            while True:
                for nm in node.names:
                    if nm.acronym and not _acronym_ok(nm.surface, toks[i].surface):
                        continue
                    if nm.inverted and toks[j].surface.casefold() == toks[j].stem:
                        continue  # "learning deep" is no "deep learning"
                    exact_spans.add((i, j + 1))
                    surface = text[toks[i].start : toks[j].end]
                    found.append(_Match(i, j + 1, nm.topic, self._base(nm, places[i]), surface, "name", places[i]))
                j += 1
                if j >= end or breaks[j]:
                    break
                nxt = node.next.get(stems[j])
                if nxt is None:
                    break
                node = nxt
        # A name's first word written as two words: "Back prop", "auto encoders", "Back
        # propagation through time" (a word of seven letters or more, never an acronym).
        closed = self._closed
        for i in range(n - 1):
            node = closed.get(stems[i] + stems[i + 1])
            if node is None or breaks[i + 1] or toks[i + 1].start - toks[i].end != 1 or text[toks[i].end] != " ":
                continue
            end = min(i + 1 + self._maxlen, n)
            j = i + 1
            while True:
                for nm in node.names:
                    if nm.acronym or nm.inverted:
                        continue
                    exact_spans.add((i, j + 1))
                    surface = text[toks[i].start : toks[j].end]
                    conf = self._base(nm, places[i]) - 0.02
                    found.append(_Match(i, j + 1, nm.topic, conf, surface, "name", places[i]))
                j += 1
                if j >= end or breaks[j]:
                    break
                nxt = node.next.get(stems[j])
                if nxt is None:
                    break
                node = nxt
        if fuzzy:
            found.extend(self._fuzzy_matches(text, toks, places, exact_spans))
        kept, keys = _resolve_keyed(found)
        if not in_title:
            kept = _related(text, toks, kept)
        out = self._coordinated(text, toks, places, kept)
        return _Found(toks, [
            _context(text, toks, self._in_term(text, toks, m) if places[m.i] != "prose" else m, places[m.i])
            for m in out
        ], keys, [m.topic for m in out[len(kept):]])

    # ------------------------------------------------------------ titles part by part

    def _part(self, text: str, fuzzy: bool) -> _Found:
        key = (text, fuzzy)
        got = self._part_cache.get(key)
        if got is None:
            if len(self._part_cache) > _CACHE_SIZE:
                self._part_cache.clear()
            got = self._part_cache[key] = self._find_full(text, True, fuzzy)
        return got

    def _title_parts(self, text: str, fuzzy: bool) -> list[tuple[str, _Found]] | None:
        """The parts of a title between its commas and semicolons, each matched on its
        own, when that finds exactly what matching the whole title finds; else None.

        Schedules join a few titles into one ("Transformers, Attention"): the parts
        repeat where the whole titles do not, and each part is matched once. No name
        runs across a comma or semicolon, and neither does a term (``_in_term``), so the
        parts' matches are the title's, but for the few rules that look across one;
        where any of them could, the title is matched whole:

        - a fuzzy run of words across a mark that misspells a name;
        - "A and B C" (``_coordinated``) with "and" first in a part, or reaching into
          the next part for a name, or naming a topic another part names;
        - "ASPECT of NAME" (``_context``) with "of" beside a mark ("History of, NLP"),
          or "of the" before one.

        A new rule that looks across a comma or semicolon belongs in this list
        (``tests/test_import_speed.py`` compares with matching whole titles).
        """
        # link and unmatched ask for the same title in turn (link for its joined
        # hyphens too, without fuzzy names): the last title of each kind is kept.
        last = self._last_parts[fuzzy]
        if last[0] == text:
            return last[1]
        got = self._split_title(text, fuzzy)
        self._last_parts[fuzzy] = (text, got)
        return got

    def _split_title(self, text: str, fuzzy: bool) -> list[tuple[str, _Found]] | None:
        spans = [part for piece in _TITLE_PART.findall(text) if (part := piece.strip())]
        if len(spans) < 2:
            return None
        if self._split_repeated:
            seen = self._seen_parts[fuzzy]
            hits = sum(map(seen.__contains__, spans))
            if len(seen) > _CACHE_SIZE:
                seen.clear()
            seen.update(spans)
            if 2 * hits < len(spans):
                return None  # mostly new parts: matched whole
        # (The caches looked up here first: this runs once per title.)
        cached, edges = self._part_cache.get, self._edge_cache.get
        parts = [(part, cached((part, fuzzy)) or self._part(part, fuzzy)) for part in spans]
        # Most titles need no look across their marks: no part that has words before it
        # starts with a word a rule looks back from, and no part that has words after it
        # ends with one a rule looks on from.
        worded = [(edges(part) or self._edges(part, f.toks), f.toks[0].stem) for part, f in parts if f.toks]
        starts = self._fuzzy_starts
        for (left, _), ((head, _, _), first) in zip(worded, worded[1:]):
            if left[1] or head or (fuzzy and any(key + first[:2] + "|" in starts for key in left[2])):
                if not self._across_ok(parts, fuzzy):
                    return None
                break
        # A topic coordination adds in one part that another part names, or an earlier
        # part added: matched whole, coordination would not add it.
        if any(f.coordinated for _, f in parts):
            added: set[str] = set()
            for x, (_, f) in enumerate(parts):
                for t in f.coordinated:
                    if t in added:
                        return None
                    for y, (_, g) in enumerate(parts):
                        if y != x and any(m.topic == t for m in g.matches[: len(g.keys)]):
                            return None
                added.update(f.coordinated)
        return parts

    def _edges(self, part: str, toks: list[_Tok]) -> tuple[bool, bool, tuple[str, ...]]:
        """What rules could look across the marks around ``part``: whether one could
        look back across the mark before it (its first word is "and", "of" or an
        article); whether one could look on across the mark after it (it ends with "of"
        or an article, or an "and" among its last four words starts a coordination some
        name could complete after the mark); and the word starts (see
        ``_fuzzy_matches``) of the runs of its last words that a misspelt name could go
        on from. Memoised."""
        got = self._edge_cache.get(part)
        if got is None:
            stems = [t.stem for t in toks]
            n = len(stems)
            head = bool(stems) and (stems[0] in ("and", "of") or stems[0] in _ARTICLES)
            tail = bool(stems) and (stems[-1] == "of" or stems[-1] in _ARTICLES)
            for k in range(max(1, n - 4), n):
                if stems[k] != "and" or stems[k - 1] in _STOP:
                    continue
                for gap in (2, 3):
                    if k + gap + 2 <= n:
                        continue  # the coordination's words all in the part
                    node = self._trie.next.get(stems[k - 1])
                    for w in stems[k + gap : k + gap + 2]:
                        node = node.next.get(w) if node is not None else None
                    tail = tail or (node is not None and bool(node.next))
            alive = []
            for i in range(max(0, n - 4), n):
                if stems[i] in _STOP or not stems[i].isalnum():
                    continue
                key = "".join(w[:2] + "|" for w in stems[i:])
                if key in self._fuzzy_starts:
                    alive.append(key)
            if len(self._edge_cache) > _CACHE_SIZE:
                self._edge_cache.clear()
            got = self._edge_cache[part] = (head, tail, tuple(alive))
        return got

    def _across_ok(self, parts: list[tuple[str, _Found]], fuzzy: bool) -> bool:
        """Whether no rule that looks across a title's marks finds anything there (see
        :meth:`_title_parts`)."""
        stems: list[str] = []
        ends: list[int] = []  # the end (a token index of the whole title) of every token's part
        bounds: list[int] = []  # where a part starts, between two tokens
        for _, f in parts:
            if f.toks and stems:
                bounds.append(len(stems))
            stems.extend(t.stem for t in f.toks)
            ends.extend([len(stems)] * len(f.toks))
        n = len(stems)
        for b in bounds:
            # "and" first in a part, or "of" (or "of the") beside the mark.
            if stems[b] == "and" or stems[b] == "of" or stems[b - 1] == "of":
                return False
            if b > 1 and stems[b - 1] in _ARTICLES and stems[b - 2] == "of":
                return False
            if fuzzy and self._fuzzy_across(stems, b):
                return False
        for k in range(1, n):
            if stems[k] != "and" or stems[k - 1] in _STOP:
                continue
            # Coordination that would look past the part's end for a name.
            for gap in (2, 3):
                for last in range(k + gap, min(k + gap + 2, n)):
                    if last >= ends[k] and self._index.get((stems[k - 1], *stems[k + gap : last + 1])):
                        return False
        return True

    def _fuzzy_across(self, stems: list[str], b: int) -> bool:
        """Whether a run of words across the part boundary before word ``b`` misspells a
        name (as :meth:`_fuzzy_matches` would find it)."""
        word = [w not in _STOP and w.isalnum() for w in stems]
        runs = self._fuzzy_runs(stems, word, range(max(0, b - 4), b), lambda i, j: j <= b)
        return next(runs, None) is not None

    def _fuzzy_runs(
        self, stems: list[str], word: list[bool], first: range, skip: Callable[[int, int], bool]
    ) -> Iterator[tuple[int, int, tuple[str, float]]]:
        """The runs ``stems[i:j]`` (``i`` in ``first``, up to five words, each end a word
        (``word[k]``), ``skip(i, j)`` false) that misspell a name: ``(i, j, (name,
        similarity))``, by ``i`` then ``j``."""
        n = len(stems)
        starts, whole, cache = self._fuzzy_starts, self._fuzzy_whole, self._fuzzy_cache
        for i in first:
            if not word[i]:
                continue
            # Only runs of words that start as the words of a name do: no other run
            # can be a typo of one (one string built a word at a time).
            key = ""
            for L in range(1, min(5, n - i) + 1):
                j = i + L
                key += stems[j - 1][:2] + "|"
                if key not in starts:
                    break
                if key not in whole or not word[j - 1] or skip(i, j):
                    continue
                s = " ".join(stems[i:j])
                if len(s) < 8:
                    continue
                if s in cache:
                    got = cache[s]
                else:
                    fuzz, process = self._rapidfuzz()
                    if len(cache) > _CACHE_SIZE:
                        cache.clear()
                    got = cache[s] = self._fuzzy_name(s, L, process, fuzz)
                if got is not None:
                    yield i, j, got

    def _title_matches(self, text: str, fuzzy: bool) -> list[_Match]:
        """The matches in a title, in the order matching it whole gives them (the parts'
        kept matches by their keys, then what coordination added, part by part)."""
        parts = self._title_parts(text, fuzzy) if self._split_titles else None
        if parts is None:
            return self._matches(text, True, fuzzy=fuzzy)[1]
        if sum(1 for _, f in parts if f.keys) <= 1:  # one part's matches: in their order
            return [m for _, f in parts for m in f.matches[: len(f.keys)]] + [
                m for _, f in parts for m in f.matches[len(f.keys) :]
            ]
        keyed: list[tuple[_Key, _Match]] = []
        added: list[_Match] = []
        off = 0
        for _, f in parts:
            nk = len(f.keys)
            for (a, c, i, t), m in zip(f.keys, f.matches[:nk]):
                keyed.append(((a, c, i + off, t), m))
            added.extend(f.matches[nk:])
            off += len(f.toks)
        keyed.sort(key=_first)
        return [m for _, m in keyed] + added


    def _in_term(self, text: str, toks: list[_Tok], m: _Match) -> _Match:
        """A name inside a longer term names something else, or something narrower.

        The term is the run of words around the match up to punctuation, a conjunction
        or a preposition. Content words after the name make it a modifier ("Gradient
        Boosting" is not about gradients, "Kernel Approximations" not about kernel
        methods): the link is kept only as a weak hint. Content words before it make
        the term a kind of the named topic ("Distributed Linear Regression"): the
        link drops under the default threshold, except for acronyms ("Conditional
        GANs"), which name the kind precisely.
        """
        if m.how not in ("name", "fuzzy"):
            return m
        # Right after a subject pronoun a word is a verb: "what it means" names no mean.
        if m.j - m.i == 1 and m.i > 0 and toks[m.i - 1].stem in _PRONOUNS and not toks[m.i].surface.isupper():
            return m.but(round(m.conf * 0.55, 3), "in-term")
        content = _term_content
        boundary = partial(_term_boundary, text, toks)
        # Inside a hyphenated word ("Self-Supervised Learning" is not supervised
        # learning): the name starts or ends mid-word; but for a version number after
        # it ("GPT-3", "ResNet-50"), which names the same thing.
        if (m.i > 0 and text[toks[m.i - 1].end : toks[m.i].start] == "-") or (
            m.j < len(toks) and text[toks[m.j - 1].end : toks[m.j].start] == "-"
            and not _VERSION.fullmatch(toks[m.j].surface)
        ):
            return m.but(round(m.conf * 0.55, 3), "in-term")
        # The word right after the name: "Gradient Boosting", "Support Vector Machines";
        # but not another name of the same topic ("CFG parsing").
        right = m.j < len(toks) and not boundary(m.j - 1, m.j) and content(toks[m.j].stem) \
            and not self._same_after(toks, m)
        # A name of one word that is a gerund takes what follows as its object when
        # that is another topic's name: "Fine-tuning LLMs", "Prompting language
        # models", "Pretraining transformers" are about both ("Sampling distributions",
        # "Programming languages" stay one term; in "Deep learning optimizers" the
        # gerund is a noun's head).
        if right and _gerund(toks[m.j - 1].stem) and not _words_apart(text, toks, m.i, m.j) \
                and self._name_after(toks, m.j, m.topic):
            right = False
        # A word that elsewhere says what kind of session it is, followed by where it
        # goes, names that other thing's: "Applications to statistical physics",
        # "Applications in biology" (where "Applications" alone, or "Applications of
        # deep RL", names its topic).
        if not right and m.j - m.i == 1 and toks[m.i].stem in _GENERIC and m.j + 1 < len(toks) \
                and toks[m.j].stem in _SETTING | {"to"} and content(toks[m.j + 1].stem) \
                and not _TERM_BREAK.search(text[toks[m.i].end : toks[m.j + 1].start]):
            right = True
        left = False
        k = m.i - 1
        while k >= 0 and not boundary(k, k + 1):
            if content(toks[k].stem):
                left = True
                break
            k -= 1
        if right:
            return m.but(round(m.conf * 0.55, 3), "in-term")
        if left:
            names = self._index.get(tuple(t.stem for t in toks[m.i : m.j]), [])
            if any(nm.topic == m.topic and nm.acronym for nm in names):
                return m
            # The words before are another name of the same topic ("CFG parsing"): the
            # topic, not a kind of it.
            for s in range(k, m.i):
                if any(nm.topic == m.topic for nm in self._index.get(tuple(t.stem for t in toks[s : m.i]), ())):
                    return m
            # The object of a gerund name before it ("Pretraining transformers"): the
            # topic itself (see above).
            if k == m.i - 1 and _gerund(toks[k].stem) and self._name_before(text, toks, m.i, m.topic):
                return m
            # A kind of the topic ("Distributed Linear Regression", "Large-Scale
            # Optimization") is not the topic: under the default threshold.
            return m.but(min(m.conf, 0.78), "narrower")
        return m

    def _name_after(self, toks: list[_Tok], k: int, topic: str) -> bool:
        """Whether the words from ``toks[k]`` on start with a name of a topic other than
        ``topic`` (an acronym only as written: "LLMs", not "llms")."""
        node = self._trie
        for t in toks[k : k + self._maxlen]:
            nxt = node.next.get(t.stem)
            if nxt is None:
                return False
            node = nxt
            for nm in node.names:
                if nm.topic != topic and not nm.inverted and (not nm.acronym or _acronym_ok(nm.surface, t.surface)):
                    return True
        return False

    def _name_before(self, text: str, toks: list[_Tok], k: int, topic: str) -> bool:
        """Whether the words right before ``toks[k]`` are a one-word name of a topic
        other than ``topic`` ("Pretraining" before "transformers")."""
        for s in range(max(0, k - self._maxlen), k):
            if _words_apart(text, toks, s, k):
                continue
            for nm in self._index.get(tuple(t.stem for t in toks[s:k]), ()):
                if nm.topic != topic and not nm.inverted and not nm.acronym:
                    return True
        return False

    def _same_after(self, toks: list[_Tok], m: _Match) -> bool:
        """Whether the words right after ``m`` are another name of its topic."""
        node = self._trie
        for t in toks[m.j : m.j + self._maxlen]:
            nxt = node.next.get(t.stem)
            if nxt is None:
                return False
            node = nxt
            if any(nm.topic == m.topic for nm in node.names):
                return True
        return False

    def _rapidfuzz(self) -> tuple[Any, Any]:
        """rapidfuzz's ``fuzz`` and ``process`` (imported when first needed: kg's start-up
        does without them)."""
        if self._fuzz is None:
            from rapidfuzz import fuzz, process  # noqa: PLC0415 - start-up time

            self._fuzz = (fuzz, process)
        return self._fuzz

    def _fuzzy_matches(
        self, text: str, toks: list[_Tok], places: list[str], exact: set[tuple[int, int]]
    ) -> list[_Match]:
        out: list[_Match] = []
        stems = [t.stem for t in toks]
        word = [w not in _STOP and w.isalnum() for w in stems]
        for i, j, got in self._fuzzy_runs(stems, word, range(len(stems)), lambda i, j: (i, j) in exact):
            nm = self._fuzzy[j - i][got[0]]
            conf = self._base(nm, places[i]) * (got[1] / 100.0) * 0.94
            out.append(_Match(i, j, nm.topic, conf, text[toks[i].start : toks[j - 1].end], "fuzzy", places[i]))
        return out

    def _fuzzy_name(self, s: str, width: int, process: Any, fuzz: Any) -> tuple[str, float] | None:
        """The name of ``width`` words that ``s`` (as many normalised words) misspells, and
        the similarity, or None."""
        # A typo keeps a word's first letters: only names that start alike.
        choices = self._fuzzy_by_start.get((width, s[:2]))
        if not choices:
            return None
        # One word needs to be closer ("convolutional" is not "convolution").
        cutoff = self._fuzzy_cutoff if width > 1 else max(self._fuzzy_cutoff, 93.0)
        hit = process.extractOne(s, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        if hit is None or hit[1] >= 100:
            return None
        # Word by word too: "generalization ood" is not "generalization bound";
        # and a typo keeps a word's first letters: "unimodal" is not "multimodal".
        pairs = list(zip(s.split(" "), hit[0].split()))
        if any(fuzz.ratio(a, b) < 75 or a[:2] != b[:2] for a, b in pairs):
            return None
        # A typo changes a word, not every word of a name: "computer graphics" is no
        # misspelt "computational graph".
        if width > 1 and all(a != b for a, b in pairs):
            return None
        return str(hit[0]), float(hit[1])

    def _coordinated(self, text: str, toks: list[_Tok], places: list[str], kept: list[_Match]) -> list[_Match]:
        """'Density and energy models' also names 'density models'; 'Vision & Multimodal
        Transformers' names 'vision transformers' (and 'vision' alone counts less)."""
        out = list(kept)
        have = {m.topic for m in kept}
        # A word that ends a name of several words is that name's head, no modifier the
        # other side shares: "Policy gradients and actor-critic methods" names no
        # "gradient methods".
        heads = {m.j - 1 for m in kept if m.how == "name" and m.j - m.i > 1}
        for k, t in enumerate(toks):
            if t.stem not in _COORDINATORS or k == 0 or toks[k - 1].stem in _STOP or k - 1 in heads:
                continue
            # The end of a hyphenated word is no modifier of its own: "Self-supervised and
            # contrastive learning" names no supervised learning (the word read closed up
            # names self-supervised learning).
            if k > 1 and text[toks[k - 2].end : toks[k - 1].start] == "-":
                continue
            a = toks[k - 1]
            for m in (2, 3):
                tail = toks[k + m : k + m + 2]
                for L in range(len(tail), 0, -1):
                    key = (a.stem, *(x.stem for x in tail[:L]))
                    for nm in self._index.get(key, ()):
                        if nm.acronym or nm.topic in have:
                            continue
                        have.add(nm.topic)
                        surface = f"{a.surface} … {text[tail[0].start : tail[L - 1].end]}"
                        conf = self._base(nm, places[k - 1]) * 0.95
                        out.append(_Match(k - 1, k + m + L, nm.topic, conf, surface, "coordination", places[k - 1]))
                        out = [
                            x.but(x.conf * 0.75, "sub-span") if (x.i, x.j) == (k - 1, k) and x.how == "name" else x
                            for x in out
                        ]
        # "Adversarial attacks and training" also names "adversarial training", "Object
        # detection and tracking" "object tracking": a modifier the nouns either side of
        # "and" share (within one phrase: no mark between).
        for k in range(2, len(toks) - 1):
            if toks[k].stem != "and" or any(toks[x].stem in _STOP for x in (k - 2, k - 1, k + 1)):
                continue
            if _NAME_BREAK.search(text[toks[k - 2].end : toks[k + 1].start]):
                continue
            a = toks[k - 2]
            for L in (2, 1):
                tail = toks[k + 1 : k + 1 + L]
                if len(tail) < L or (L == 2 and _NAME_BREAK.search(text[tail[0].end : tail[1].start])):
                    continue
                for nm in self._index.get((a.stem, *(x.stem for x in tail)), ()):
                    if nm.acronym or nm.topic in have:
                        continue
                    have.add(nm.topic)
                    surface = f"{a.surface} … {text[tail[0].start : tail[-1].end]}"
                    conf = self._base(nm, places[k - 2]) * 0.95
                    out.append(_Match(k - 2, k + 1 + L, nm.topic, conf, surface, "coordination", places[k - 2]))
        return out

    # ------------------------------------------------------------ public

    def link(self, title: str, detail: str = "", *, support: Collection[str] = ()) -> list[Link]:
        """Topics named in ``title`` and ``detail``, most confident first (see the class)."""
        key = (title, detail, frozenset(support))
        got = self._link_cache.get(key)
        if got is None:
            if len(self._link_cache) > _CACHE_SIZE:
                self._link_cache.clear()
            got = self._link_cache[key] = self._link(title, detail, support=support)
        return list(got)

    def _link(self, title: str, detail: str = "", *, support: Collection[str] = ()) -> list[Link]:
        """Topics named in ``title`` and ``detail``, most confident first.

        ``support`` holds topics the lecture's readings cover (from the graph's chapter
        and reading ``covers``): a topic named in the text and covered by a reading is
        more likely right. A topic named more than once gains a little per mention.
        """
        if not detail and not support and self._split_titles:
            # A title alone, matched part by part: its links are its parts' links put
            # together, where no two parts name one topic (see _links_by_part).
            text = without_readings(title)
            if text and not ("-" in text and _HYPHEN.search(text)):
                parts = self._title_parts(text, True)
                if parts is not None:
                    got = self._links_by_part(parts)
                    if got is not None:
                        return got
        best: dict[str, tuple[float, str, str, str]] = {}
        count: dict[str, int] = {}
        texts = [(without_readings(title), True), (without_readings(detail), False)]
        # "Multi-layer perceptron" names "multilayer perceptron": hyphenated words are
        # read joined as well as apart; joined, only exactly ("selfsupervised learning"
        # is no typo of "supervised learning"), and only the names that take in a
        # joined word (or a coordination that reaches over one: "Supervised and
        # self-supervised learning") are new: the rest were read apart, where a longer
        # name may hold them ("ML" in "Large-Scale ML" is inside "large-scale ML").
        readings: list[tuple[str, bool, frozenset[str] | None]] = [(x, place, None) for x, place in texts]
        for x, x_in_title in texts:
            if "-" in x and _HYPHEN.search(x):
                joined, joined_words = _HYPHEN.sub("", x), _joined_words(x)
                if self._joined_may_name(joined, joined_words):
                    readings.append((joined, x_in_title, joined_words))
        for n, (text, in_title, words) in enumerate(readings):
            if not text:
                continue
            found = self._title_matches(text, n < 2) if in_title else self._matches(text, False, fuzzy=n < 2)[1]
            if words is not None:
                found = [
                    m for m in found
                    if m.how == "coordination" or any(w.casefold() in words for w in _TOKEN.findall(m.text))
                ]
            _keep_best(found, best, count if n < 2 else None)
        links = _best_links(best, count, support)
        links.sort(key=lambda lk: (-lk.confidence, lk.topic))
        return links

    def _links_by_part(self, parts: list[tuple[str, _Found]]) -> list[Link] | None:
        """The links of a title of ``parts`` (no detail, no readings' topics, no hyphen
        read joined) made from each part's own links, or None when two parts name one
        topic (then :meth:`_link` puts its matches together).

        :meth:`_link` keeps each topic's most confident match (the first of equals in
        the order :meth:`_title_matches` gives) and counts its mentions: a topic that
        one part alone names gets the same from that part's matches on their own, in
        their order there (its keyed matches sorted by their key when the title's
        matches are, as a part's offset keeps their order among themselves). Each
        part's links are made once (schedules repeat their parts)."""
        sort = sum(1 for _, f in parts if f.keys) > 1
        out: list[Link] = []
        topics: set[str] = set()
        cache = self._part_links
        for part, f in parts:
            got = cache.get((part, sort))
            if got is None:
                if len(cache) > _CACHE_SIZE:
                    cache.clear()
                got = cache[(part, sort)] = self._part_own_links(f, sort)
            if not topics.isdisjoint(got[1]):
                return None
            topics.update(got[1])
            out.extend(got[0])
        out.sort(key=_link_order)
        return out

    @staticmethod
    def _part_own_links(f: _Found, sort: bool) -> tuple[list[Link], frozenset[str]]:
        nk = len(f.keys)
        keyed = [m for _, m in sorted(zip(f.keys, f.matches[:nk]), key=_first)] if sort else f.matches[:nk]
        best: dict[str, tuple[float, str, str, str]] = {}
        count: dict[str, int] = {}
        _keep_best([*keyed, *f.matches[nk:]], best, count)  # as in _link
        return _best_links(best, count, frozenset()), frozenset(best)

    def _joined_may_name(self, joined: str, words: frozenset[str]) -> bool:
        """Whether reading a text's hyphenated words joined could find anything
        :meth:`_link` keeps from that reading: a name that takes in a joined word (then
        some name has the word's normal form among its words) or a coordination (then
        some word of the text is "and" in normal form). When neither, that reading is
        skipped: it would find nothing kept (the same links, a fraction of the time)."""
        names = self._name_words
        return any(_norm(w) in names for w in words) or any(t.stem == "and" for t in _tokens(joined))

    def unmatched(self, title: str, detail: str = "") -> list[str]:
        """Terms in ``title`` (and the short list items of ``detail``) that name no topic:
        candidates for new topics. A term ends at "and" and at a word that puts what
        follows as a setting ("for", "in", "with", "using"); dates, citations ("Xie and
        Min 2022", "Bender et al"), abbreviated references ("SLP Ch 6") and a lone
        qualifier ("Regularized", "separable") are none."""
        key = (title, detail)
        got = self._unmatched_cache.get(key)
        if got is None:
            if len(self._unmatched_cache) > _CACHE_SIZE:
                self._unmatched_cache.clear()
            got = self._unmatched_cache[key] = self._unmatched(title, detail)
        return list(got)

    def _unmatched(self, title: str, detail: str = "") -> list[str]:
        """Terms in ``title`` (and the short list items of ``detail``) that name no topic:
        candidates for new topics."""
        out: list[str] = []
        text = without_readings(title)
        parts = self._title_parts(text, True) if text and self._split_titles else None
        # A title part by part where its matches are its parts' (see _title_matches).
        low: set[str] = set()
        cached = self._unmatched_text_cache.get  # (looked up here first: this runs once per title)
        for got in (
            [cached((p, True)) or self._unmatched_in(p, True) for p, _ in parts] if parts
            else [self._unmatched_in(text, True)]
        ):
            _add_terms(out, got, low)
        _add_terms(out, self._unmatched_in(without_readings(detail), False), low)
        return out

    def _unmatched_in(self, text: str, in_title: bool) -> list[str]:
        """The terms of one text that name no topic (memoised: a title's parts repeat)."""
        key = (text, in_title)
        got = self._unmatched_text_cache.get(key)
        if got is None:
            if len(self._unmatched_text_cache) > _CACHE_SIZE:
                self._unmatched_text_cache.clear()
            got = self._unmatched_text_cache[key] = self._unmatched_text(text, in_title)
        return got

    def _unmatched_text(self, text: str, in_title: bool) -> list[str]:
        out: list[str] = []
        if text:
            toks, kept = self._matches(text, in_title)
            places = self._places(text, toks, in_title)
            # A one-word name the linker read as the modifier of a longer term
            # ("Gaussian" in "Gaussian Processes", "Gradient" in "Gradient Boosting")
            # is part of that term, which names no topic: a candidate.
            kept = [
                m for m in kept
                if m.how != "in-term" or m.j - m.i > 1 or (m.i > 0 and toks[m.i - 1].stem in _PRONOUNS)
            ]
            covered = {k for m in kept for k in range(m.i, m.j)}
            if "-" in text and _HYPHEN.search(text):
                covered |= self._joined_covered(text, toks, in_title)
            starts = [t.start for t in toks]
            ends = [t.end for t in toks]  # (tokens do not overlap: ends rise with starts)
            for c in _CITATION.finditer(text):
                covered.update(range(bisect_left(starts, c.start()), bisect_right(ends, c.end())))
            head_end = {m.i: m.j for m in kept}  # a linked term's first word -> its end
            splitter = _SEGMENT if not in_title else _TITLE_SEGMENT
            pieces = _AND.split(text)
            segments: list[tuple[int, int]] = []
            pos = 0
            for piece in pieces:
                start = text.find(piece, pos)
                pos = start + len(piece)
                bounds = [start] + [start + m.end() for m in splitter.finditer(piece)] + [pos]
                segments.extend(zip(bounds, bounds[1:]))
            seen: set[str] = set()  # what out holds, lowercased
            who = False  # after "by Dr. ..." or a "Guest:" label the words name who, not what
            for a, b in segments:
                if a > 0 and text[a - 1] in ",;":
                    who = False  # up to the end of the title's part (see _title_parts)
                # The words inside [a, b] (tokens in order; none is empty).
                seg = []
                for k in range(bisect_left(starts, a), len(toks)):
                    t = toks[k]
                    if t.start >= b:
                        break
                    if t.end <= b and t.stem.rstrip("+").isalnum():
                        seg.append(k)
                if who:
                    continue
                if seg and text[b - 1 : b] == ":":
                    # A label that says who speaks ends the segment: "Guest: Jane Doe
                    # (Google)", "Invited speaker: ..." (where "Guest lecture:" names
                    # what the lecture is about).
                    x = len(seg)
                    while x > 0 and toks[seg[x - 1]].stem in _GUEST_WORDS:
                        x -= 1
                    who = x < len(seg)
                if not in_title and (not seg or places[seg[0]] != "list"):
                    continue  # only the terms of a detail list, not words of its prose
                # Runs of words no topic covers; a run that runs straight into a linked
                # term keeps the whole of it as its head ("Quokka sampling", "Efficient
                # fine-tuning"), never across a joining word ("History of [deep
                # learning]", "such as [Naive Bayes]") and never a part of it.
                runs: list[list[int]] = []
                open_run = False  # may the last run take more words?
                in_seg = set(seg)
                for k in seg:
                    if toks[k].stem in _HONORIFICS:  # "transparency by dr. Ulrich Aivodji": the rest names who
                        who = True
                        break
                    if toks[k].stem in _RUN_BREAK and k not in covered and _spaced(text, toks, k):
                        # "VC theory for regression" names two terms, not one.
                        open_run = False
                        continue
                    joins = bool(runs) and open_run and runs[-1][-1] == k - 1
                    if k in covered:
                        if joins and runs[-1][-1] not in covered and k in head_end and toks[k - 1].stem not in _TRIM \
                                and toks[k - 1].stem not in _JOINERS:
                            runs[-1].extend(x for x in range(k, head_end[k]) if x in in_seg)
                        open_run = False
                        continue
                    if joins:
                        runs[-1].append(k)
                    else:
                        runs.append([k])
                        open_run = True
                for words in runs:
                    # A term starts at a word's start: "One-shot", never its "shot".
                    while words and words[0] > 0 and toks[words[0] - 1].start >= a \
                            and text[toks[words[0] - 1].end : toks[words[0]].start] == "-":
                        words.insert(0, words[0] - 1)
                    while words and (toks[words[0]].stem in _TRIM or toks[words[0]].stem.isdigit()
                                     or _LABEL.fullmatch(toks[words[0]].stem)) \
                            and text[toks[words[0]].end : toks[words[0]].end + 1] != "-":
                        words.pop(0)
                    # "Example of DCT", "Properties of kernels": what the session does with a term.
                    while len(words) > 2 and toks[words[0]].stem in _ABOUT_WORDS and toks[words[1]].stem == "of":
                        del words[:2]
                    while words and words[-1] not in covered and toks[words[-1]].stem in _TRIM_END:
                        words.pop()
                    # "2D examples", "NN terminology": what the session does with a term.
                    while len(words) > 1 and words[-1] not in covered and toks[words[-1]].stem in _ABOUT_WORDS:
                        words.pop()
                    # A part's number after a term of two words or more: "Flow Matching 1"
                    # (never after a label's word: "DL Live Lecture 1", "CIS 522").
                    span = text[toks[words[0]].start : toks[words[-1]].end] if words else ""
                    if len(words) >= 3 and toks[words[-1]].stem.isdigit() and len(w := toks[words[-2]].stem) > 1 \
                            and w not in _TRIM_END and w not in _NOISE and not _CODE.search(span):
                        words.pop()
                    free = [k for k in words if k not in covered]
                    if not free or len(words) > (5 if in_title else 3):
                        continue
                    if not in_title and len(words) < 2:
                        continue
                    # Alone, a generic or kind word makes no term; before a linked head
                    # it may ("Network flow").
                    alone = _NOT_ALONE if len(free) == len(words) else _STOP_GENERIC
                    if all(toks[k].stem in alone or toks[k].stem.isdigit() for k in free):
                        continue
                    # A date or a time ("Sep 8", "Sep 29-Oct 4", "9am-12pm"): month or
                    # weekday names, numbers and times of day.
                    if all(toks[k].stem in _CALENDAR or toks[k].stem.isdigit() or _TIME.fullmatch(toks[k].stem)
                           for k in words):
                        continue
                    if len(words) == 1 and _QUALIFIER.fullmatch(toks[words[0]].stem):
                        continue
                    if any(toks[k].stem in _NOISE or toks[k].surface.casefold() in _NOISE for k in free):
                        continue
                    # "Hidden Markov Models", "Hierarchical Models", "Decision Theory": a head
                    # noun the trim took off goes back.
                    if words[-1] + 1 < len(toks) and toks[words[-1] + 1].stem in _HEADS and (
                        toks[words[-1] + 1].start - toks[words[-1]].end
                    ) <= 1 and toks[words[-1] + 1].start >= a and toks[words[-1] + 1].end <= b and (
                        len(words) >= 2 or (toks[words[0]].stem.isalpha() and toks[words[0]].stem not in _NOT_ALONE)
                    ):
                        words = [*words, words[-1] + 1]
                    term = clean(text[toks[words[0]].start : toks[words[-1]].end])
                    if _NOT_A_TERM.search(term) or _CODE.search(term):
                        continue
                    if len(term) >= 3 and term.lower() not in seen:
                        out.append(term)
                        seen.add(term.lower())
        return out

    def _joined_covered(self, text: str, toks: list[_Tok], in_title: bool) -> set[int]:
        """The tokens of ``text`` that a name covers when its hyphenated words are read
        joined ("Multi-layer perceptron" as "Multilayer perceptron"): they name a topic,
        no candidate."""
        joined = _HYPHEN.sub("", text)
        words = _joined_words(text)
        # A character of the joined text at x was at x + (hyphens removed up to it).
        removed = [h.start() - n for n, h in enumerate(_HYPHEN.finditer(text))]
        jtoks, found = self._matches(joined, in_title, fuzzy=False)
        out: set[int] = set()
        starts = [t.start for t in toks]
        ends = [t.end for t in toks]  # (tokens do not overlap: ends rise with starts)
        for m in found:
            if m.how != "name" or not any(w.casefold() in words for w in _TOKEN.findall(m.text)):
                continue
            a = jtoks[m.i].start
            z = jtoks[m.j - 1].end - 1
            a += bisect_right(removed, a)
            z += bisect_right(removed, z) + 1
            out.update(range(bisect_left(starts, a), bisect_right(ends, z)))
        return out


def _spaced(text: str, toks: list[_Tok], k: int) -> bool:
    """Whether token ``k`` stands as a word of its own, not inside a hyphenated one."""
    return (k == 0 or text[toks[k - 1].end : toks[k].start] != "-") and (
        k + 1 == len(toks) or text[toks[k].end : toks[k + 1].start] != "-"
    )


def _joined_words(text: str) -> frozenset[str]:
    """The hyphenated words of ``text`` as its joined reading spells them, case-folded:
    "Multi-layer" -> "multilayer"."""
    return frozenset(_HYPHEN.sub("", w).casefold() for w in re.findall(r"[^\W_]+(?:-[^\W_]+)+", text))


def _add_terms(out: list[str], terms: list[str], low: set[str]) -> None:
    """Each of ``terms`` not yet in ``out`` (in any case) added to it, in order; ``low``
    holds the lowercase forms of what ``out`` holds, and gains those added."""
    for term in terms:
        key = term.lower()
        if key not in low:
            low.add(key)
            out.append(term)


def _words_apart(text: str, toks: list[_Tok], i: int, j: int) -> bool:
    """Whether tokens ``i`` to ``j`` are more than one word (not joined by hyphens)."""
    return any(text[toks[x].end : toks[x + 1].start] != "-" for x in range(i, j - 1))


def _gerund(stem: str) -> bool:
    """Whether a (normalised) word reads as a gerund: "prompting", "tuning", "pretraining"."""
    return len(stem) >= 6 and stem.endswith("ing")


# A model's version after its name: "GPT-3", "GPT-4o", "ResNet-50", "Llama-3.1".
_VERSION = re.compile(r"\d{1,3}[a-z]?")


def _term_content(s: str) -> bool:
    """Whether a word (normalised) is a content word of a term (see ``Linker._in_term``)."""
    return (
        s.rstrip("+").isalpha() and s not in _STOP and s not in _GENERIC and s not in _JOINERS
        and s not in _KIND_WORDS and s not in _ABOUT_WORDS and s not in _TEACHING_VERBS and len(s) > 1
    )


def _term_boundary(text: str, toks: list[_Tok], a: int, b: int) -> bool:
    """Whether a term ends between tokens ``a`` and ``b`` (a < b)."""
    between = text[toks[a].end : toks[b].start]
    return (
        (between != " " and bool(_TERM_BREAK.search(between)))  # a space is never a break
        or toks[b].stem in _JOINERS or toks[a].stem in _JOINERS
    )


# Prepositions that put what follows as the setting of the words before them:
# "Reinforcement learning for NLP", "Interpretability in NLP", "Generation before LLMs",
# "Training without backprop". "On" only in titles ("Accelerating transformers on
# GPUs"): in prose it is as often the subject ("we focus on convolutional networks").
_SETTING = frozenset("for in within before without".split())
# Words that end one candidate term and start the next: "for", "in", "with", "using" put
# what follows as the setting ("VC theory for regression"), never inside one term.
_RUN_BREAK = _SETTING | frozenset("on with using via vs versus".split())
_ARTICLES = frozenset("the a an".split())
_CONTEXT_WORDS = _SETTING | {"of", "on"}


def _context(text: str, toks: list[_Tok], m: _Match, place: str) -> _Match:
    """A name right after "for", "in", "within" (or "on", in a title) that follows a content
    word of the same phrase names where or with what the phrase's subject is applied,
    not what is taught: "Reinforcement learning for NLP" is not an NLP lecture. After a
    word that only says what kind of session it is ("Lecture on GNNs", "Topics in NLP")
    the name is the subject and keeps its weight. A title or an item of a detail list
    (or a part of one) that is "ASPECT of NAME" ("The Ethics of Machine Learning",
    "History of Deep Learning", "complexity of neural networks") teaches the aspect;
    "Basics of NAME", "Introduction of NAME", "Properties of NAME" teach the name. A
    kind word with a modifier before it is a subject of its own: "Linear models for
    classification" and "Unsupervised methods in NLP" are not about classification or
    NLP, where "Topics in NLP" and "Advanced topics in NLP" are."""
    if m.how not in ("name", "fuzzy") or m.i == 0:
        return m
    # Only "of" or a setting word among the three words before the name can change it.
    for t in toks[max(0, m.i - 3) : m.i]:
        if t.stem in _CONTEXT_WORDS:
            break
    else:
        return m

    def setting(k: int) -> bool:
        return toks[k].stem in _SETTING or (toks[k].stem == "on" and place == "title")

    def content(w: str) -> bool:
        return (
            w.isalpha() and len(w) > 1 and w not in _STOP and w not in _GENERIC and w not in _JOINERS
            and w not in _ABOUT_WORDS
        )

    k = m.i - 1
    if toks[k].stem in _ARTICLES and k > 0:
        k -= 1
    if place != "prose" and toks[k].stem == "of" and k > 0 and content(w := toks[k - 1].stem) and w not in _KIND_WORDS:
        # The aspect is the first word of its part of the title.
        j = k - 2
        while j >= 0 and toks[j].stem in _STOP and not _TERM_BREAK.search(text[toks[j].end : toks[j + 1].start]):
            j -= 1
        if j < 0 or _TERM_BREAK.search(text[toks[j].end : toks[j + 1].start]):
            return m.but(round(min(m.conf * 0.8, 0.78), 3), "context")
        return m
    if not setting(k) and k > 1 and toks[k].stem.isalpha() and toks[k].stem not in _STOP and setting(k - 1):
        k -= 1  # one modifier between: "for deep feedforward networks"
    if k == 0 or not setting(k):
        return m
    if _TERM_BREAK.search(text[toks[k - 1].end : toks[m.i].start]):
        return m
    if not content(toks[k - 1].stem) and not (
        toks[k - 1].stem in _GENERIC and k > 1 and content(toks[k - 2].stem)
        and not _TERM_BREAK.search(text[toks[k - 2].end : toks[k - 1].start])
    ):
        return m
    return m.but(round(min(m.conf * 0.8, 0.78), 3), "context")


# Words after which a description names what a topic is compared with, not what the
# lecture teaches: "Relationship between transformers and MLPs, GNNs and CNNs".
_RELATED = re.compile(
    r"(?i)\b(?:relationships?|relations?|related|connections?|compared|comparisons?|contrast|"
    r"unlike|similar|similarities|analog(?:y|ies|ous)|inverse|versus|vs\.?)\b"
)
_CLAUSE_END = re.compile(r"[.!?;](?:\s|$)|\s[-–—]{1,3}\s")
# Words that join two names sharing a head: "Supervised and unsupervised learning",
# "supervised vs. unsupervised learning", "value or policy iteration".
_COORDINATORS = frozenset({"and", "or", "vs", "versus"})
# Where a list item starts: "vs" between two short terms of one item contrasts two
# topics the lecture teaches ("Exploration vs exploitation"), where a sentence's
# "compared with" or "unlike" names a related one.
_ITEM_START = re.compile(r"[,;:(]\s*|^\s*")
_LISTING = re.compile(r"\b(?:such as|including)\b")


def _related(text: str, toks: list[_Tok], kept: list[_Match]) -> list[_Match]:
    """Names after a word of comparison, up to the end of its clause, are related
    topics: weak links, never covers (data/README.md: a lecture covers what it teaches,
    not what its page names as related)."""
    spans = []
    for m in _RELATED.finditer(text):
        if m.group().casefold().startswith("v"):
            item = max((x.end() for x in _ITEM_START.finditer(text, 0, m.start())), default=0)
            before = text[item : m.start()].casefold().split()
            if 0 < len(before) <= 3 and not any(w in _STOP for w in before):
                continue
        end = _CLAUSE_END.search(text, m.end())
        stop = end.start() if end else len(text)
        # To the first comma, or through a serial "A, B, and C" that follows the word
        # ("transformers and MLPs, GNNs, and CNNs"); a comma list of other terms
        # ("RL vs supervised learning, Markov decision processes, ...") goes on unrelated.
        serial = re.search(r",\s+(?:and|or)\s+[^,;]*", text[m.end() : stop])
        comma = text.find(",", m.end(), stop)
        if serial:
            stop = m.end() + serial.end()
        elif comma >= 0:
            stop = comma
        spans.append((m.end(), stop))
    if not spans:
        return kept
    return [
        m.but(round(min(m.conf * 0.8, 0.7), 3), "related")
        if any(a <= toks[m.i].start < b for a, b in spans) else m
        for m in kept
    ]


_READINGS = re.compile(
    r"(?i)(?:^|(?<=[\s:;|,.(\[]))(?:required\s+|optional\s+|suggested\s+|further\s+|additional\s+)?"
    r"(?:readings?|literature|references?|bibliography|textbooks?|books?)\s*:"
)


# Square brackets in a schedule's text hold annotations, not topics: references
# ("[Section 9.3 of DLB]", "[ImageNet Classification with Deep Convolutional Neural
# Networks]"), link labels ("[A][B]"), notes ("[from last year]").
_BRACKETED = re.compile(r"(?<=[\w)\]])\s*\[[^\[\]]*\]")


# What a title's parts lie between: commas, semicolons, colons, brackets and dashes.
_TITLE_PARTS = re.compile(r"[,;:()\[\]|]|\s[-–—]+\s")
# Links that name their topic only weakly: inside a longer name, as a kind of it, as a
# setting or as related.
WEAK_HOWS = _WEAK_HOWS


def names_a_part(title: str, name: str) -> bool:
    """Whether ``name`` (words of ``title``) fills a part of it between commas, colons,
    brackets or dashes, but for words that say what kind of session it is and numbers:
    "LLM basics: Architecture" and "Probability (Discrete)" name "LLM" and "Probability"
    as parts; "LLM for search engines" and "Generation before LLMs" do not.

    >>> names_a_part("LLM basics: Architecture", "LLM"), names_a_part("LLM for search engines", "LLM")
    (True, False)
    """
    want = [t.stem for t in _tokens(name)]
    if not want:
        return False
    for part in _TITLE_PARTS.split(title):
        stems = [t.stem for t in _tokens(part)]
        for i in range(len(stems) - len(want) + 1):
            if stems[i : i + len(want)] == want:
                rest = stems[:i] + stems[i + len(want) :]
                if all(w in _STOP_GENERIC or w.isdigit() for w in rest):
                    return True
    return False


def without_readings(text: str) -> str:
    """``text`` up to a "Readings:" label (or another that says what follows is to read:
    "Literature:", "References:", "Bibliography:", "Book:", "Textbook:"), and without
    what it puts in square brackets:
    both name papers and chapters, which are readings of the lecture, never topics it
    covers ("Human Evaluation Methods : Slides : Readings: Evaluation of Text
    Generation: A Survey", "LSTM [Hochreiter and Schmidhuber: Long short-term
    memory]"). A bracketed span leaves a mark no name runs across; one that opens the
    text is its text (a link label: "[Greedy Algorithms](greedy.html)").

    >>> without_readings("Max pooling [Section 9.3 of DLB]; VGG [Very Deep Convolutional Networks]")
    'Max pooling|; VGG|'
    """
    if "[" in text:
        for _ in range(2):  # one level of nesting: "[Section 7, [a paper]]"
            text = _BRACKETED.sub("|", text)
        text = text.strip()
    m = _READINGS.search(text) if ":" in text else None  # the label ends in a colon
    return text[: m.start()].rstrip(" :;|,-–—([") if m else text


def _first(x: tuple[_Key, _Match]) -> _Key:
    return x[0]


def _link_order(lk: Link) -> tuple[float, str]:
    return (-lk.confidence, lk.topic)


def _resolve(found: list[_Match]) -> list[_Match]:
    """Non-crossing matches, longest first; a span inside another topic's counts less."""
    return _resolve_keyed(found)[0]


def _resolve_keyed(found: list[_Match]) -> tuple[list[_Match], list[_Key]]:
    """:func:`_resolve`, and beside each kept match the key it was ordered by (as found,
    before a sub-span lowered its confidence).

    Each match is checked against the kept matches it overlaps, in the order they were
    kept, found through the kept matches on each of its tokens (``covering``): a text
    of a hundred thousand names costs the names, not their square.
    """
    keys = [(-(m.j - m.i), -m.conf, m.i, m.topic) for m in found]
    order = sorted(range(len(found)), key=keys.__getitem__)
    kept: list[_Match] = []
    kept_keys: list[_Key] = []
    covering: dict[int, list[int]] = {}  # token -> the kept matches over it, by place in kept
    for at in order:
        m = found[at]
        # The kept matches m overlaps: inside one (it holds m's span) or crossing one.
        near = sorted({x for t in range(m.i, max(m.j, m.i + 1)) for x in covering.get(t, ())})
        inside: list[_Match] = []
        crossing = False
        for x in near:
            k = kept[x]
            if k.i < m.j and m.i < k.j:
                if k.i <= m.i and m.j <= k.j:
                    inside.append(k)
                else:
                    crossing = True
                    if k.topic == m.topic:
                        # Two names of one topic overlapping ("LLMs for music" and
                        # "music generation" in "LLMs for Music Generation"): one name.
                        kept[x] = _Match(min(k.i, m.i), max(k.j, m.j), k.topic, max(k.conf, m.conf), k.text, k.how, k.place)
                        for t in (*range(m.i, k.i), *range(k.j, m.j)):
                            covering.setdefault(t, []).append(x)
                    break
        if crossing:
            continue
        if inside:
            if any(k.topic == m.topic for k in inside):
                continue
            if any((k.i, k.j) != (m.i, m.j) for k in inside):
                m = m.but(m.conf * 0.75, "sub-span")
        for t in range(m.i, m.j):
            covering.setdefault(t, []).append(len(kept))
        kept.append(m)
        kept_keys.append(keys[at])
    return kept, kept_keys
