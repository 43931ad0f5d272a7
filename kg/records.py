"""The records :class:`kg.graph.KnowledgeGraph` returns, typed so mypy checks their use.

They are plain dicts at run time (``TypedDict``), so ``--format json`` writes them as
they are; the key order below is the order of the JSON output.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

__all__ = [
    "TopicRef",
    "TopicReason",
    "TaughtLecture",
    "TaughtChapter",
    "TaughtReading",
    "WhereTaught",
    "TopicRecord",
    "CourseSummary",
    "CourseLecture",
    "CourseEvent",
    "CourseAssignment",
    "CourseRecord",
    "LectureReading",
    "LectureRecord",
    "TopicSummary",
    "SearchHit",
    "StepNeed",
    "PlanStep",
    "PlanSummary",
    "PlanHead",
    "Plan",
    "PrereqNeed",
    "Prerequisite",
    "Prereqs",
    "Dependent",
    "NeededFor",
    "NextTopic",
    "NextTopics",
    "OrderStep",
    "Order",
    "CourseInfo",
    "CheckFinding",
    "CheckSummary",
    "CheckReport",
    "CoverageTopic",
    "Coverage",
    "CourseOrdering",
    "Evidence",
    "EvidenceRow",
    "MovedTopic",
    "OrderComparison",
    "Recount",
    "CourseChange",
    "CourseOrder",
    "OrderEvidence",
    "ImpliedEdge",
    "ComparePair",
    "Comparison",
    "DiffTopic",
    "Diff",
    "Suggestions",
    "CourseFileLecture",
    "CourseFile",
]


class TopicRef(TypedDict):
    """A topic named by id and label."""

    id: str
    label: str


class TopicReason(TypedDict):
    """A topic at the other end of a ``kg:requires`` edge, with the edge's reason."""

    id: str
    label: str
    reason: str | None


class TaughtLecture(TypedDict):
    """A lecture that covers a topic."""

    id: str
    course: str
    code: str | None
    term: str | None
    position: int
    number: str | None  # the page's own number for the lecture, where it has one
    date: str | None
    title: str


class TaughtSession(TypedDict):
    """A session that teaches a topic without being a lecture (a discussion section, a
    tutorial)."""

    id: str
    course: str
    code: str | None
    kind: str
    date: str | None
    week: int | None
    title: str


class TaughtChapter(TypedDict):
    """A book chapter that covers a topic, with the sections lectures assign."""

    id: str
    book: str
    number: int
    title: str
    sections: list[str]


class TaughtReading(TypedDict):
    """A reading that covers a topic; ``optional`` unless some lecture requires it."""

    id: str
    title: str
    kind: str
    optional: bool


class WhereTaught(TypedDict):
    """Where one topic is taught."""

    lectures: list[TaughtLecture]
    sessions: list[TaughtSession]
    chapters: list[TaughtChapter]
    readings: list[TaughtReading]


class TopicRecord(TypedDict):
    """Everything about one topic (``kg show TOPIC``)."""

    id: str
    iri: str
    label: str
    aliases: list[str]
    definition: str | None
    broader: TopicRef | None
    narrower: list[TopicRef]
    requires: list[TopicReason]
    required_by: list[TopicReason]
    lectures: list[TaughtLecture]
    sessions: list[TaughtSession]
    chapters: list[TaughtChapter]
    readings: list[TaughtReading]


class CourseSummary(TypedDict):
    """One course with its lecture and topic counts (``kg courses``)."""

    id: str
    name: str | None
    code: str | None
    term: str | None
    provider: str | None
    lectures: int
    topics: int


class CourseLecture(TypedDict):
    """One lecture in a course's schedule."""

    id: str
    position: int
    number: str | None
    date: str | None
    title: str
    speakers: list[str]
    guest: bool
    covers: list[str]


class CourseEvent(TypedDict):
    """A calendar event of a course (exam, holiday, ...)."""

    kind: str
    date: str | None
    week: int | None
    title: str


class CourseAssignment(TypedDict):
    """An assignment of a course."""

    id: str
    kind: str
    title: str
    released: str | None
    due: str | None
    week: int | None


class CourseRecord(TypedDict):
    """Everything about one course (``kg show COURSE``)."""

    id: str
    name: str | None
    code: str | None
    term: str | None
    provider: str | None
    lectures: list[CourseLecture]
    topics: int
    iri: str
    assumes: list[str]
    events: list[CourseEvent]
    assignments: list[CourseAssignment]


class LectureReading(TypedDict):
    """A reading one lecture assigns."""

    id: str
    title: str
    kind: str | None
    book: str | None
    chapter: int | None
    optional: bool
    sections: str | None
    note: str | None


class LectureRecord(TypedDict):
    """Everything about one lecture (``kg show COURSE/lecture/N``)."""

    id: str
    iri: str
    course: str
    position: int
    number: str | None
    date: str | None
    title: str
    guest: bool
    speakers: list[str]
    covers: list[TopicRef]
    readings: list[LectureReading]
    materials: list[str]


class TopicSummary(TypedDict):
    """One topic with its counts (``kg topics``)."""

    id: str
    label: str
    broader: str | None
    requires: int
    dependents: int
    lectures: int


class SearchHit(TypedDict):
    """A topic matching a search, with its score (0-100)."""

    id: str
    label: str
    aliases: list[str]
    definition: str | None
    score: float


# --------------------------------------------------------------------------- plans


class StepNeed(TypedDict):
    """A later step of a plan that needs this one, with the edge's reason."""

    id: str
    label: str
    step: int
    reason: str | None


class PlanStep(TypedDict):
    """One topic to learn, why and where (``kg path``)."""

    step: int
    id: str
    label: str
    definition: str | None
    needed_for: list[StepNeed]
    effort: float | None
    lectures: list[TaughtLecture]
    sessions: list[TaughtSession]
    chapters: list[TaughtChapter]
    readings: list[TaughtReading]


class PlanSummary(TypedDict):
    """Totals of a plan: topics, lectures' worth of effort, untaught topics, courses."""

    topics: int
    lectures: float
    untaught: list[str]
    courses: list[str]


# A functional TypedDict: "from" is a Python keyword, so it cannot be a class field.
Plan = TypedDict(
    "Plan",
    {
        "from": str | None,
        "to": str,
        "known": list[str],
        "note": str | None,
        "summary": PlanSummary,
        "steps": list[PlanStep],
    },
)
Plan.__doc__ = """A learning plan (``kg path --format json``)."""

PlanHead = TypedDict(
    "PlanHead",
    {
        "from": str | None,
        "to": str,
        "known": list[str],
        "note": str | None,
        "summary": PlanSummary,
    },
)
PlanHead.__doc__ = """A :data:`Plan` without its steps (:func:`kg.plan.plan_stream` gives
the steps one at a time)."""


class PrereqNeed(TypedDict):
    """A topic that needs a prerequisite, with the edge's reason."""

    id: str
    label: str
    reason: str | None


class Prerequisite(TypedDict):
    """One prerequisite of a topic, ``distance`` edges back."""

    id: str
    label: str
    distance: int
    needed_for: list[PrereqNeed]


class Prereqs(TypedDict):
    """What a topic requires, in a learning order (``kg prereqs``)."""

    topic: str
    label: str
    depth: int | None
    prerequisites: list[Prerequisite]


class Dependent(TypedDict):
    """One topic that (transitively) requires the asked-about topic."""

    id: str
    label: str
    distance: int
    via: list[PrereqNeed]


class NeededFor(TypedDict):
    """What a topic unlocks (``kg needed-for``)."""

    topic: str
    label: str
    depth: int | None
    dependents: list[Dependent]


class NextTopic(TypedDict):
    """A topic learnable now and how many topics it unlocks."""

    id: str
    label: str
    unlocks: int


class NextTopics(TypedDict):
    """Topics learnable after ``known`` (``kg next``)."""

    known: list[str]
    next: list[NextTopic]


class OrderStep(TypedDict):
    """One topic in a full learning order; ``requested`` unless pulled in as a prerequisite."""

    step: int
    id: str
    label: str
    requested: bool


class Order(TypedDict):
    """A full learning order (``kg order``); ``known`` topics (and what they require)
    are left out."""

    course: str | None
    topics: list[str]
    known: list[str]
    order: list[OrderStep]


# --------------------------------------------------------------------------- analytics


class CourseInfo(TypedDict):
    """A course as the analytics name it: id, name, code, term and lecture count."""

    id: str
    name: str | None
    code: str | None
    term: str | None
    lectures: int


class CheckFinding(TypedDict):
    """One prerequisite a course uses before teaching it (see
    :class:`kg.algorithms.curriculum.Finding`), with labels and the lecture's title."""

    position: int
    lecture: str | None
    number: str | None  # the page's own number for the lecture, where it has one
    taught_at_number: str | None
    severity: str
    topic: str
    prerequisite: str
    kind: str
    reason: str | None
    taught_at: int | None
    also_missing: list[str]
    topic_label: str
    prerequisite_label: str


# Functional form: the finding kinds are hyphenated.
CheckSummary = TypedDict(
    "CheckSummary",
    {
        "issues": int,
        "notes": int,
        "taught-later": int,
        "not-taught": int,
        "overview": int,
        "same-lecture": int,
        "background-part": int,
    },
)
CheckSummary.__doc__ = """Finding counts per kind, and of issues and notes."""


class CheckReport(TypedDict):
    """``kg check``: where a course covers topics before their prerequisites."""

    course: str
    name: str | None
    file: str | None
    assumes: list[str]
    lectures: int
    summary: CheckSummary
    findings: list[CheckFinding]
    never_taught: list[str]


class CoverageTopic(TypedDict):
    """One row of the coverage matrix: lecture counts per course."""

    id: str
    label: str
    courses: int
    lectures: int
    counts: dict[str, int]


class Coverage(TypedDict):
    """``kg coverage``: the topics × courses matrix of lecture counts."""

    courses: list[CourseInfo]
    topics: list[CoverageTopic]


class CourseOrdering(TypedDict):
    """How one course orders a prerequisite edge, with the first lecture on each topic."""

    course: str
    ordering: str
    topic_at: int | None
    prerequisite_at: int | None
    topic_lecture: str | None
    prerequisite_lecture: str | None
    topic_number: str | None  # the page's own number for each lecture, where it has one
    prerequisite_number: str | None


class Evidence(TypedDict):
    """``kg evidence A B``: how the courses order a topic and its prerequisite."""

    topic: str
    topic_label: str
    prerequisite: str
    prerequisite_label: str
    edge: bool
    swapped: bool
    reason: str | None
    stored: bool
    counts: dict[str, int]
    courses: list[CourseOrdering]


class EvidenceRow(TypedDict):
    """One prerequisite edge with its evidence counts (``kg evidence --all``)."""

    topic: str
    prerequisite: str
    before: int
    together: int
    after: int
    prerequisite_only: int
    topic_only: int


# --------------------------------------------------------------------------- curriculum


class MovedTopic(TypedDict):
    """A shared topic two courses place far apart: first positions in ``a`` and ``b``,
    relative positions and ``shift`` (``b_rel - a_rel``); ``label`` added for display."""

    topic: str
    a: int
    b: int
    a_rel: float
    b_rel: float
    shift: float
    label: NotRequired[str]
    a_number: NotRequired[str | None]  # the page's own number for each lecture, where it has one
    b_number: NotRequired[str | None]


class OrderComparison(TypedDict):
    """How two courses differ (:func:`kg.algorithms.curriculum.compare_orders`)."""

    shared: list[str]
    only_a: list[str]
    only_b: list[str]
    jaccard: float | None
    tau: float | None
    moved: list[MovedTopic]


class Recount(TypedDict):
    """A topic covered by a different number of lectures in two offerings."""

    topic: str
    old: int
    new: int
    label: NotRequired[str]


class CourseChange(TypedDict):
    """How a course changed between offerings (:func:`kg.algorithms.curriculum.course_diff`)."""

    added: list[str]
    dropped: list[str]
    kept: int
    moved: list[MovedTopic]
    recounted: list[Recount]
    tau: float | None


class CourseOrder(TypedDict):
    """How one course orders a topic and a prerequisite, by first positions."""

    course: str
    ordering: str
    topic_at: int | None
    prerequisite_at: int | None


class OrderEvidence(TypedDict):
    """The courses' evidence on one pair of topics (:func:`kg.algorithms.curriculum.order_evidence`)."""

    counts: dict[str, int]
    courses: list[CourseOrder]


class ImpliedEdge(TypedDict):
    """A prerequisite edge the courses' orders imply (:func:`kg.algorithms.curriculum.implied_edges`);
    the fields from ``numbers`` on are added by ``kg suggest``."""

    topic: str
    prerequisite: str
    courses: int
    covering: int
    consistency: float
    gap: float
    positions: dict[str, list[int]]
    numbers: NotRequired[dict[str, list[str | None]]]  # the page's own numbers, as positions
    topic_label: NotRequired[str]
    prerequisite_label: NotRequired[str]
    file: NotRequired[str | None]
    yaml: NotRequired[str]


class ComparePair(OrderComparison):
    """Two courses compared (``kg compare``): :class:`OrderComparison` with the ids
    (first in the JSON output, as the record is built)."""

    a: str
    b: str


class Comparison(TypedDict):
    """``kg compare``: every pair of the courses, and the topics all of them cover."""

    courses: list[CourseInfo]
    threshold: float
    pairs: list[ComparePair]
    shared_by_all: list[str]


class DiffTopic(TypedDict):
    """A topic added or dropped between offerings, with its lectures and first position."""

    id: str
    label: str
    lectures: int
    first: int
    first_number: str | None  # the page's own number for that lecture, where it has one


class Diff(TypedDict):
    """``kg diff``: how a course changed from one offering to the next."""

    old: CourseInfo
    new: CourseInfo
    threshold: float
    added: list[DiffTopic]
    dropped: list[DiffTopic]
    kept: int
    moved: list[MovedTopic]
    recounted: list[Recount]
    tau: float | None


class Suggestions(TypedDict):
    """``kg suggest``: prerequisite edges the courses imply but the graph lacks."""

    courses: list[str]
    min_courses: int
    min_agreement: float
    total: int
    suggestions: list[ImpliedEdge]


class CourseFileLecture(TypedDict):
    """One lecture of a course file: position, the page's own number, title and the
    topics it covers."""

    position: int
    number: str | None
    title: str
    covers: list[str]


class CourseFile(TypedDict):
    """A course read for ``kg check``: from a YAML file (``file``) or the graph."""

    id: str
    name: str | None
    code: str | None
    term: str | None
    file: str | None
    assumes: list[str]
    lectures: list[CourseFileLecture]
