"""How alike a round's expressions of interest (EOIs) are: the ranking staff cluster with.

The quality test reads ``eoi_clustering.json`` from the programme's shared data folder (by
path, never copied in): forty EOIs, thirty of them in ten groups about the same problem told in
different words, and ten distractors that share words with a group but not its problem.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any

import pytest

from funding.models import EoiStatus, ExpressionOfInterest, Round
from funding.selectors.similarity import (
    cosine,
    eois_similar_to,
    round_stem_counts,
    similar_ids,
    tfidf_vectors,
)
from tests.funding.factories import ApplicationFactory, EoiFactory, RoundFactory
from tests.shared_data import shared_data

# At least this share of the grouped EOIs must have an EOI of their own group ranked first.
GROUPED_TOP_MATCH_SHARE = 0.9


def clustering_data() -> dict[str, Any]:
    with shared_data("eoi_clustering.json").open(encoding="utf-8") as data:
        return json.load(data)


@pytest.fixture
def clustering_round(db: None) -> tuple[dict[str, Any], dict[str, ExpressionOfInterest]]:
    """The forty EOIs submitted to one round; return the data and the EOIs by their id."""
    data = clustering_data()
    round = RoundFactory.create(eoi_closed=True)
    eois = {
        entry["id"]: EoiFactory.create(
            round=round, title=entry["title"], problem=entry["problem"], submitted=True
        )
        for entry in data["eois"]
    }
    return data, eois


class TestTheSharedClusteringData:
    """The file the quality test rests on says what the test assumes."""

    def test_has_forty_eois_in_groups_and_distractors(self):
        data = clustering_data()
        ids = [entry["id"] for entry in data["eois"]]
        grouped = [member for members in data["groups"].values() for member in members]
        assert len(ids) == len(set(ids)) == 40
        assert len(grouped) == len(set(grouped)) == 30
        assert len(data["distractors"]) == 10
        assert set(grouped) | set(data["distractors"]) == set(ids)
        assert not set(grouped) & set(data["distractors"])
        assert all(len(members) >= 2 for members in data["groups"].values())


class TestClusteringQuality:
    """EOIs about the same problem rank together; shared words alone do not."""

    def test_the_top_match_of_grouped_eois_is_from_their_group(self, clustering_round) -> None:
        data, eois = clustering_round
        ids_by_pk = {eoi.pk: key for key, eoi in eois.items()}
        group_of = {
            member: group for group, members in data["groups"].items() for member in members
        }
        distractors = set(data["distractors"])

        hits: list[str] = []
        misses: list[str] = []
        distracted: list[str] = []
        for key, group in sorted(group_of.items()):
            ranked = eois_similar_to(eoi=eois[key], limit=3)
            if not ranked:
                misses.append(f"{key}: no match at all")
                continue
            top = ids_by_pk[ranked[0].eoi.pk]
            assert top != key, f"{key} was offered as its own match"
            if group_of.get(top) == group:
                hits.append(key)
            else:
                listing = ", ".join(
                    f"{ids_by_pk[match.eoi.pk]} ({match.score:.3f})" for match in ranked
                )
                misses.append(f"{key}: top matches {listing}; wanted one of group {group!r}")
            if top in distractors:
                distracted.append(f"{key}: top match is the distractor {top}")

        share = len(hits) / len(group_of)
        assert share >= GROUPED_TOP_MATCH_SHARE, (
            f"only {len(hits)} of {len(group_of)} grouped EOIs ({share:.0%}) have an EOI of "
            f"their own group ranked first; at least {GROUPED_TOP_MATCH_SHARE:.0%} must.\n"
            + "\n".join(misses)
        )
        assert not distracted, "\n".join(distracted)

    def test_every_eoi_is_ranked_against_the_whole_round(self, clustering_round):
        """Each grouped EOI's matches are other EOIs of the round, best first, scored 0 to 1."""
        data, eois = clustering_round
        round_pks = {eoi.pk for eoi in eois.values()}
        for key in data["groups"]["planning"]:
            ranked = eois_similar_to(eoi=eois[key], limit=5)
            assert len(ranked) == 5, f"{key} has {len(ranked)} matches"
            assert {match.eoi.pk for match in ranked} <= round_pks - {eois[key].pk}
            scores = [match.score for match in ranked]
            assert scores == sorted(scores, reverse=True), f"{key}: {scores}"
            assert all(0 < score <= 1 + 1e-9 for score in scores), f"{key}: {scores}"
            assert 0 <= ranked[0].percent <= 100


class TestTfidfVectors:
    def test_each_vector_has_unit_length(self):
        vectors = tfidf_vectors(
            {
                1: Counter({"plan": 2, "applic": 1, "valid": 1}),
                2: Counter({"plan": 1, "workforc": 3}),
                3: Counter({"bin": 1, "collect": 2}),
            }
        )
        for key, vector in vectors.items():
            length = math.sqrt(sum(weight * weight for weight in vector.values()))
            assert length == pytest.approx(1.0), f"document {key} has length {length}"

    def test_a_rare_stem_weighs_more_than_a_common_one(self):
        """ "council" is in every document, "ransomwar" in one: the rare word tells more."""
        vectors = tfidf_vectors(
            {
                1: Counter({"council": 1, "ransomwar": 1}),
                2: Counter({"council": 1, "bin": 1}),
                3: Counter({"council": 1, "park": 1, "bin": 1}),
            }
        )
        assert vectors[1]["ransomwar"] > vectors[1]["council"]
        assert vectors[2]["bin"] > vectors[2]["council"]

    def test_repeats_count_sublinearly(self):
        """A stem said four times outweighs one said once, but by less than four times."""
        vectors = tfidf_vectors(
            {
                1: Counter({"repair": 4, "damp": 1}),
                2: Counter({"park": 1}),
                3: Counter({"bin": 1}),
            }
        )
        ratio = vectors[1]["repair"] / vectors[1]["damp"]
        assert 1 < ratio < 4
        assert ratio == pytest.approx(1 + math.log(4))

    def test_a_document_of_only_common_stems_has_no_direction(self):
        """Every stem is in every document: nothing tells them apart, so no vector."""
        vectors = tfidf_vectors({1: Counter({"council": 2}), 2: Counter({"council": 1})})
        assert vectors == {1: {}, 2: {}}

    def test_no_documents(self):
        assert tfidf_vectors({}) == {}


class TestCosine:
    def test_identical_vectors_score_one(self):
        vector = {"plan": 0.6, "applic": 0.8}
        assert cosine(vector, dict(vector)) == pytest.approx(1.0)

    def test_vectors_with_nothing_in_common_score_zero(self):
        assert cosine({"plan": 1.0}, {"bin": 0.6, "collect": 0.8}) == 0

    def test_is_symmetric(self):
        a = {"plan": 0.6, "applic": 0.8}
        b = {"plan": 0.8, "workforc": 0.6}
        assert cosine(a, b) == pytest.approx(cosine(b, a)) == pytest.approx(0.48)

    def test_an_empty_vector_scores_zero(self):
        assert cosine({}, {"plan": 1.0}) == 0


class TestSimilarIds:
    def test_ranks_best_first_without_the_target(self):
        vectors = {
            1: {"a": 1.0},
            2: {"a": 0.6, "b": 0.8},
            3: {"a": 0.8, "b": 0.6},
            4: {"b": 1.0},
        }
        assert similar_ids(vectors, target=1, limit=5) == [
            (3, pytest.approx(0.8)),
            (2, pytest.approx(0.6)),
        ]

    def test_ties_go_to_the_lower_id_whatever_the_order_given(self):
        tied = {"a": 0.6, "b": 0.8}
        for order in ([9, 4, 7, 1], [1, 4, 7, 9], [7, 9, 1, 4]):
            vectors = {key: ({"a": 1.0} if key == 1 else dict(tied)) for key in order}
            assert [key for key, _ in similar_ids(vectors, target=1, limit=5)] == [4, 7, 9]

    def test_leaves_out_documents_with_nothing_in_common(self):
        vectors = {1: {"a": 1.0}, 2: {"b": 1.0}, 3: {}, 4: {"a": 0.6, "c": 0.8}}
        assert [key for key, _ in similar_ids(vectors, target=1, limit=5)] == [4]

    def test_a_target_with_no_vector_has_no_matches(self):
        assert similar_ids({1: {}, 2: {"a": 1.0}}, target=1, limit=5) == []
        assert similar_ids({2: {"a": 1.0}}, target=1, limit=5) == []

    def test_stops_at_the_limit_and_skips_the_excluded(self):
        vectors = {key: {"a": 1.0 / key, "b": 1.0} for key in range(1, 8)}
        assert [key for key, _ in similar_ids(vectors, target=1, limit=2)] == [2, 3]
        assert [key for key, _ in similar_ids(vectors, target=1, limit=2, exclude=[2])] == [3, 4]
        assert similar_ids(vectors, target=1, limit=0) == []


def submitted(round: Round, title: str, problem: str, **fields: Any) -> ExpressionOfInterest:
    fields.setdefault("submitted", True)
    return EoiFactory.create(round=round, title=title, problem=problem, **fields)


BINS = (
    "Missed bin collections",
    "Residents report missed bin collections by phone and crews never see the reports.",
)
PLANNING = (
    "Planning application validation",
    "Officers spend days validating incomplete planning applications and chasing documents.",
)
PARKING = (
    "Parking permits online",
    "People queue at the parking office to renew permits and visitor vouchers.",
)


@pytest.mark.django_db
class TestEoisSimilarTo:
    """Which EOIs are offered as matches: the round's submitted ones, never drafts or
    withdrawn ones, nor another round's."""

    def test_drafts_and_withdrawn_eois_are_not_offered(self):
        round = RoundFactory.create(eoi_closed=True)
        target = submitted(round, *BINS)
        match = submitted(round, "Missed bins reported online", BINS[1])
        submitted(round, *PLANNING)
        submitted(round, *PARKING)
        draft = submitted(round, *BINS, submitted=False)
        withdrawn = submitted(round, *BINS, submitted=False, withdrawn=True)
        assert draft.status == EoiStatus.DRAFT and withdrawn.status == EoiStatus.WITHDRAWN

        offered = [similar.eoi for similar in eois_similar_to(eoi=target, limit=10)]

        assert offered[0] == match
        assert draft not in offered
        assert withdrawn not in offered
        assert set(round_stem_counts(round=round)) == {
            eoi.pk for eoi in ExpressionOfInterest.objects.filter(status=EoiStatus.SUBMITTED)
        }

    def test_declined_and_invited_eois_are_offered(self):
        """Staff compare everything that was sent, whatever they did with it since."""
        round = RoundFactory.create(eoi_closed=True)
        target = submitted(round, *BINS)
        declined = submitted(round, *BINS, submitted=False, declined=True)
        invited = submitted(
            round,
            *BINS,
            submitted=True,
            status=EoiStatus.INVITED,
            application=ApplicationFactory.create(round=round),
        )
        submitted(round, *PLANNING)
        offered = {similar.eoi for similar in eois_similar_to(eoi=target, limit=10)}
        assert {declined, invited} <= offered

    def test_eois_of_other_rounds_are_not_offered(self):
        round = RoundFactory.create(eoi_closed=True)
        target = submitted(round, *BINS)
        submitted(round, *PLANNING)
        submitted(round, *PARKING)
        elsewhere = submitted(RoundFactory.create(eoi_closed=True), *BINS)
        offered = [similar.eoi for similar in eois_similar_to(eoi=target, limit=10)]
        assert elsewhere not in offered

    def test_a_draft_can_be_compared_with_the_submitted_eois(self):
        """Staff may look at any EOI: a draft is ranked against the round's submitted ones,
        though it is never offered to them."""
        round = RoundFactory.create(eoi_closed=True)
        match = submitted(round, "Missed bins reported online", BINS[1])
        submitted(round, *PLANNING)
        submitted(round, *PARKING)
        draft = submitted(round, *BINS, submitted=False)
        offered = eois_similar_to(eoi=draft, limit=10)
        assert offered, "a draft found no matches"
        assert offered[0].eoi == match
        twin = submitted(round, *BINS)
        assert draft not in [similar.eoi for similar in eois_similar_to(eoi=twin, limit=10)]

    def test_eois_with_nothing_in_common_are_not_offered(self):
        round = RoundFactory.create(eoi_closed=True)
        target = submitted(round, *BINS)
        submitted(round, *PLANNING)
        submitted(round, *PARKING)
        assert eois_similar_to(eoi=target, limit=10) == []

    def test_equal_scores_rank_in_a_stable_order(self):
        round = RoundFactory.create(eoi_closed=True)
        target = submitted(round, *BINS)
        twins = [submitted(round, *BINS) for _ in range(3)]
        submitted(round, *PLANNING)
        submitted(round, *PARKING)
        first = [similar.eoi.pk for similar in eois_similar_to(eoi=target, limit=10)]
        assert first == sorted(twin.pk for twin in twins)
        assert [similar.eoi.pk for similar in eois_similar_to(eoi=target, limit=10)] == first

    def test_the_limit_caps_the_matches(self):
        round = RoundFactory.create(eoi_closed=True)
        target = submitted(round, *BINS)
        for _ in range(4):
            submitted(round, *BINS)
        submitted(round, *PLANNING)
        assert len(eois_similar_to(eoi=target, limit=2)) == 2
        assert len(eois_similar_to(eoi=target)) == 4

    def test_stems_match_different_forms_of_a_word(self):
        """ "plans" and "planning" share the stem PostgreSQL gives them, and nothing else."""
        round = RoundFactory.create(eoi_closed=True)
        target = submitted(round, "Plans", "Plans for homes")
        match = submitted(round, "Planning", "Planning of houses")
        submitted(round, *BINS)
        submitted(round, *PARKING)
        offered = eois_similar_to(eoi=target, limit=10)
        assert [similar.eoi for similar in offered] == [match]
