"""How long a fund manager waits for the EOIs most like one, in a round of 400.

The admin shows each expression of interest (EOI) with the round's most similar ones
(``funding.selectors.similarity.eois_similar_to``), which reads the whole round's word stems
in one query and ranks them by TF-IDF cosine in Python. Prints::

    eoi_similarity_eois_in_round 400
    eoi_similarity_one_seconds_400_eois S
    eoi_similarity_all_seconds_400_eois A
    eoi_similarity_all_mean_seconds_400_eois M
    eoi_similarity_stems_query_seconds_400_eois Q
    eoi_similarity_all_shared_vectors_seconds_400_eois V

Read it as: S is the wait for one EOI's matches (the median of 9 calls, after a first that
warms caches); A is the time to find the matches of every EOI in the round one after the
other, as a fund manager paging through all 400 would, and M that divided by 400. Q is the
part of each call spent reading the round's stems from PostgreSQL (median of 9), and V what
every EOI's matches cost when the round's vectors are computed once and shared. The script
exits non-zero if any EOI finds no match, or a variant's best match is not a variant of the
same text (the texts are built to make that the right answer).

The 400 texts are made deterministically, without the network, from the 40 EOIs of
``eoi_clustering.json`` in the programme's shared data folder: each is a variant of one of
them, with its sentences reordered, a few words dropped, a place and a sentence common to
many bids added. The script runs against a throwaway database with a unique name on the
configured PostgreSQL server (``DATABASE_URL``, or the embedded server when that is unset),
made and dropped by Django's test-database machinery, so it never touches the development or
test databases.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.django_setup import django_setup

django_setup()

from django.db import connection  # noqa: E402

from bench.database import finish, throwaway_database  # noqa: E402
from bench.rows import round_create  # noqa: E402
from declaration.models import Organisation, OrganisationType  # noqa: E402
from funding.models import EoiStatus, ExpressionOfInterest, Round  # noqa: E402
from funding.selectors.similarity import (  # noqa: E402
    eois_similar_to,
    round_stem_counts,
    similar_ids,
    tfidf_vectors,
)
from tests.shared_data import shared_data  # noqa: E402

EOIS = 400
ONE_RUNS = 9
SEED = 400

PLACES = [
    "Borsetshire",
    "Ambridge",
    "Felpersham",
    "Loxley Barrett",
    "Hollerton",
    "Penny Hassett",
    "Edgeley",
    "Darrington",
    "Waterley Cross",
    "Little Croxley",
]
PREFIXES = ["", "Joint ", "Regional ", "Shared ", "A common ", "Open ", "Better "]
# Sentences that many bids say, whatever their problem: they should count for little.
COMMON = [
    "We will work in the open and share what we learn with other councils.",
    "Residents and staff will be involved in user research from the start.",
    "Partner councils have agreed to reuse the outputs.",
    "The project will follow the Government Service Standard.",
    "Our digital team will lead the work with colleagues from the service.",
    "We expect the discovery to take twelve weeks.",
]


def variants(texts: list[dict[str, str]], count: int) -> list[tuple[str, str, str]]:
    """Return ``count`` (source id, title, problem) variants of ``texts``, the same every run."""
    rng = random.Random(SEED)
    made = []
    for number in range(count):
        source = texts[number % len(texts)]
        sentences = [part.strip() for part in source["problem"].split(". ") if part.strip()]
        rng.shuffle(sentences)
        words = " ".join(sentence.rstrip(".") + "." for sentence in sentences).split()
        kept = [word for word in words if rng.random() > 0.1] or words
        place = PLACES[number % len(PLACES)]
        problem = " ".join([f"In {place},", *kept, rng.choice(COMMON), rng.choice(COMMON)])
        title = f"{rng.choice(PREFIXES)}{source['title'][:150]} in {place}".strip()
        made.append((source["id"], title, problem))
    return made


def build() -> tuple[Round, dict[int, str]]:
    """Make a round of EOIS submitted EOIs; return it and each EOI's source text id."""
    with shared_data("eoi_clustering.json").open(encoding="utf-8") as data:
        texts = json.load(data)["eois"]
    closes = datetime(2030, 10, 5, 16, tzinfo=UTC)
    round = round_create(
        1,
        eoi_opens_at=closes - timedelta(days=11),
        eoi_closes_at=closes,
        applications_open_at=closes + timedelta(days=10),
        applications_close_at=closes + timedelta(days=44),
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Benchmark Borough Council {number}",
            slug=f"benchmark-borough-{number}",
            organisation_type=OrganisationType.DISTRICT,
        )
        for number in range(EOIS)
    )
    made = variants(texts, EOIS)
    eois = ExpressionOfInterest.objects.bulk_create(
        ExpressionOfInterest(
            reference=f"EOI-B{number:05d}",
            round=round,
            lead_organisation=organisation,
            status=EoiStatus.SUBMITTED,
            submitted_at=closes - timedelta(days=1),
            title=title,
            problem=problem,
        )
        for number, ((_, title, problem), organisation) in enumerate(
            zip(made, organisations, strict=True)
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {ExpressionOfInterest._meta.db_table}")
    return round, {eoi.pk: source for eoi, (source, _, _) in zip(eois, made, strict=True)}


def main() -> int:
    failures: list[str] = []
    with throwaway_database("bench_eoi_similarity"):
        round, source_of = build()
        eois = list(
            ExpressionOfInterest.objects.filter(round=round).select_related("round").order_by("pk")
        )
        print(f"eoi_similarity_eois_in_round {len(eois)}")

        eois_similar_to(eoi=eois[0], limit=10)  # warm imports and caches
        times = []
        for _ in range(ONE_RUNS):
            started = time.perf_counter()
            eois_similar_to(eoi=eois[0], limit=10)
            times.append(time.perf_counter() - started)
        print(f"eoi_similarity_one_seconds_{EOIS}_eois {statistics.median(times):.4f}")

        started = time.perf_counter()
        matches = {eoi.pk: eois_similar_to(eoi=eoi, limit=10) for eoi in eois}
        elapsed = time.perf_counter() - started
        print(f"eoi_similarity_all_seconds_{EOIS}_eois {elapsed:.3f}")
        print(f"eoi_similarity_all_mean_seconds_{EOIS}_eois {elapsed / len(eois):.4f}")

        times = []
        for _ in range(ONE_RUNS):
            started = time.perf_counter()
            round_stem_counts(round=round)
            times.append(time.perf_counter() - started)
        print(f"eoi_similarity_stems_query_seconds_{EOIS}_eois {statistics.median(times):.4f}")

        # What every EOI's matches cost when the round's vectors are computed once for all.
        started = time.perf_counter()
        vectors = tfidf_vectors(round_stem_counts(round=round))
        shared = {pk: similar_ids(vectors, target=pk, limit=10) for pk in vectors}
        elapsed = time.perf_counter() - started
        print(f"eoi_similarity_all_shared_vectors_seconds_{EOIS}_eois {elapsed:.3f}")
        if any(
            [pk for pk, _ in shared[eoi.pk]] != [match.eoi.pk for match in matches[eoi.pk]]
            for eoi in eois
        ):
            failures.append("the matches from shared vectors differ from eois_similar_to's")

        unmatched = [pk for pk, found in matches.items() if not found]
        if unmatched:
            failures.append(f"{len(unmatched)} EOIs found no match")
        astray = [
            pk
            for pk, found in matches.items()
            if found and source_of[found[0].eoi.pk] != source_of[pk]
        ]
        if astray:
            failures.append(f"{len(astray)} EOIs' best match is not a variant of the same text")
    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
