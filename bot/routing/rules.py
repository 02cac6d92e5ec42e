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

# Side words by need: a word that names who or what is affected, not the kind of help.
# Each rule: when the pattern is in the request, these teams' keyword evidence is damped.
#  * the patient is an animal or a crop: symptoms (拉稀, 咳嗽, 发烧) are a vet's, not 职工健康's;
#  * labour models, the Party, role models: a talk to new staff is 劳模宣讲's, not a course;
#  * what a machine costs in power (费电, 电费, 能耗) is energy saving, not a repair.
_SIDE_RULES: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (
        re.compile(r"[猪牛羊鸡鸭鹅兔鸽鱼虾蟹蜂蚕]|禽|牲口|畜|庄稼|果树|秧苗|苗子"),
        frozenset({"health"}),
    ),
    (
        re.compile(r"劳模|劳动模范|先进人物|榜样|大国工匠|工匠精神|党课|党史|党支部|党员|红色"),
        frozenset({"skills"}),
    ),
    (
        re.compile(r"费电|耗电|电费|能耗|用能|节能|省电|electricity bill|energy bill|power bill"),
        frozenset({"tech", "electric"}),
    ),
)


def apply_owner_rules(text: str, result: RouteResult) -> RouteResult:
    """Damp the teaching teams when the request is teaching about another team's subject,
    and side words when the request's need belongs to another team (:data:`_SIDE_RULES`)."""
    if not result.scores:
        return result
    lowered = text.lower()
    damped: set[str] = set()
    for pattern, teams in _SIDE_RULES:
        if pattern.search(lowered):
            damped |= teams
    if _TEACHING.search(lowered) and any(
        c.score >= SUBJECT_MIN and c.team in SUBJECT_OWNERS for c in result.scores
    ):
        damped |= TEACHING_TEAMS
    if not any(c.team in damped for c in result.scores):
        return result
    scores = sorted(
        (
            Candidate(c.team, round(_damp(c.score) if c.team in damped else c.score, 1))
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
