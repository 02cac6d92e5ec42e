"""Who owns a training, talk or demonstration about a subject.

"Train our staff in CPR" names training (技能提升's kind of help) and CPR
(职工健康's subject); "a talk at a school about fire safety" names a talk
(劳模宣讲) and fire safety (安全宣讲). The rule: a course, talk or
demonstration *about another team's subject* belongs to that subject's team;
the training and lecture teams own teaching that is about their own
subjects (a trade certificate, labour-model spirit) or about nothing more
specific, and trades (a welding course is vocational training). So when a
teaching word is present and a subject-owning team has real keyword
evidence, the two teaching teams' keyword scores are damped.
"""

from __future__ import annotations

import math
import re

from bot.routing.scorer import NO_TEAM_BELOW, TOP_CANDIDATES, Candidate, RouteResult

TEACHING_TEAMS = frozenset({"skills", "lecture"})
# Teams that give talks and courses on their own subject. Trades (welding, wiring,
# appliance repair) are not among them: a welding course is vocational training.
SUBJECT_OWNERS = frozenset({"health", "safety", "legal", "heritage", "environment", "agri"})
# Courses, talks and demonstrations, in Chinese and English.
_TEACHING = re.compile(
    r"培训|讲座|宣讲|讲课|讲一讲|讲讲|来讲|上课|上一课|一堂课|一节课|课程|教一教|教教|教我们|教大家|"
    r"演示|示范|科普|普及|宣传|知识|进校园|进社区|进企业|"
    r"train|training|course|class|lecture|talk|workshop|teach|demonstrat"
)
DAMPING = 0.45  # share of the teaching teams' evidence kept when another team owns the subject
SUBJECT_MIN = 30.0  # keyword score that counts as "another team's subject is named"


def apply_owner_rules(text: str, result: RouteResult) -> RouteResult:
    """Damp the teaching teams when the request is teaching about another team's subject."""
    if not result.scores or not _TEACHING.search(text.lower()):
        return result
    if not any(c.score >= SUBJECT_MIN and c.team in SUBJECT_OWNERS for c in result.scores):
        return result
    if not any(c.team in TEACHING_TEAMS for c in result.scores):
        return result
    scores = sorted(
        (
            Candidate(c.team, round(_damp(c.score) if c.team in TEACHING_TEAMS else c.score, 1))
            for c in result.scores
        ),
        key=lambda c: -c.score,
    )
    top = scores[0]
    return RouteResult(
        team=top.team if top.score >= NO_TEAM_BELOW else None,
        score=top.score,
        candidates=tuple(scores[:TOP_CANDIDATES]),
        matched=result.matched,
        choices=result.choices,
        scores=tuple(scores),
    )


def _damp(score: float) -> float:
    """Damp the underlying evidence (not the 0–100 score) so the scale stays comparable."""
    raw = -math.log(max(1e-9, 1.0 - score / 100.0))
    return 100.0 * (1.0 - math.exp(-raw * DAMPING))
