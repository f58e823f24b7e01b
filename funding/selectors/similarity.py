"""How alike a round's expressions of interest are, so staff can cluster them.

Each EOI's title and problem are reduced to English word stems by PostgreSQL's full-text
parser (``to_tsvector('english', …)``: "applications" and "application" both become "applic",
"the" and "our" are dropped). Each stem is weighted by TF-IDF over the round's EOIs, with
sublinear term frequency, and two EOIs' similarity is the cosine of their vectors (0 to 1).

Weighting by the round matters: a stem that most EOIs share ("council", "resident") says
little, while one that few share ("ransomwar", "vacanc") says much. So EOIs about the same
problem rank together even when they share only a few telling words, and EOIs that share a
common word ("planning") but not a problem stay apart.

The whole round is read in one query, and the cosines computed in Python: for a round of
400 EOIs that takes well under a second (``bench/bench_eoi_similarity.py``).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from ..models import EoiStatus, ExpressionOfInterest, Round

# EOIs that staff compare: not drafts (nobody has sent them) and not withdrawn ones.
COMPARED_STATUSES = (EoiStatus.SUBMITTED, EoiStatus.INVITED, EoiStatus.DECLINED)

# One row per EOI and stem: how many times the stem occurs in the title and problem.
_STEMS_SQL = """
SELECT eoi.id, stems.lexeme, coalesce(array_length(stems.positions, 1), 1)
FROM funding_expressionofinterest AS eoi,
     unnest(to_tsvector('english', eoi.title || ' ' || eoi.problem)) AS stems
WHERE eoi.round_id = %s AND eoi.status = ANY(%s)
"""


@dataclass(frozen=True)
class SimilarEoi:
    """Another EOI of the round, and how like it is (cosine similarity, 0 to 1)."""

    eoi: ExpressionOfInterest
    score: float

    @property
    def percent(self) -> int:
        return round(self.score * 100)


Vector = dict[str, float]


def tfidf_vectors(counts: dict[int, Counter[str]]) -> dict[int, Vector]:
    """Return each document's unit TF-IDF vector, from the stem counts of every document.

    Term frequency is sublinear (1 + log count); inverse document frequency is smoothed
    (log((1 + N) / (1 + df))), so a stem in every document weighs almost nothing.
    """
    documents = len(counts)
    frequency: Counter[str] = Counter()
    for stems in counts.values():
        frequency.update(stems.keys())
    vectors = {}
    for key, stems in counts.items():
        weights = {
            stem: (1 + math.log(count)) * math.log((1 + documents) / (1 + frequency[stem]))
            for stem, count in stems.items()
        }
        norm = math.sqrt(sum(weight * weight for weight in weights.values()))
        vectors[key] = {stem: w / norm for stem, w in weights.items()} if norm else {}
    return vectors


def cosine(a: Vector, b: Vector) -> float:
    """Return the cosine of two unit vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(weight * b.get(stem, 0.0) for stem, weight in a.items())


def round_stem_counts(*, round: Round) -> dict[int, Counter[str]]:
    """Return, for each compared EOI of the round, how often each stem occurs in it."""
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    with connection.cursor() as cursor:
        cursor.execute(_STEMS_SQL, [round.pk, list(COMPARED_STATUSES)])
        for eoi_id, stem, count in cursor.fetchall():
            counts[eoi_id][stem] += count
    return dict(counts)


def similar_ids(
    vectors: dict[int, Vector], *, target: int, limit: int, exclude: Iterable[int] = ()
) -> list[tuple[int, float]]:
    """Return up to ``limit`` (id, score) pairs most like ``target``, best first; ties go to
    the lower id, so the order is stable. Documents with nothing in common are left out."""
    skip = {target, *exclude}
    mine = vectors.get(target, {})
    scored = [
        (other, cosine(mine, vector)) for other, vector in vectors.items() if other not in skip
    ]
    scored = [(other, score) for other, score in scored if score > 0]
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:limit]


def eois_similar_to(*, eoi: ExpressionOfInterest, limit: int = 5) -> list[SimilarEoi]:
    """Return the EOIs of ``eoi``'s round most like it, best first, with their scores.

    A draft or withdrawn EOI is compared too, against the round's compared EOIs, so staff
    can look at any EOI.
    """
    counts = round_stem_counts(round=eoi.round)
    if eoi.pk not in counts:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT stems.lexeme, coalesce(array_length(stems.positions, 1), 1) "
                "FROM unnest(to_tsvector('english', %s)) AS stems",
                [f"{eoi.title} {eoi.problem}"],
            )
            counts[eoi.pk] = Counter(dict(cursor.fetchall()))
    ranked = similar_ids(tfidf_vectors(counts), target=eoi.pk, limit=limit)
    others = ExpressionOfInterest.objects.select_related("lead_organisation", "cluster").in_bulk(
        [other for other, _ in ranked]
    )
    return [SimilarEoi(eoi=others[other], score=score) for other, score in ranked]
