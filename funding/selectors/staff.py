"""Reads for staff's screens in the admin: lists with their counts in flat queries, the
application a page is about, a cluster's members and messages, and the unclustered EOIs
most like a cluster."""

from __future__ import annotations

import math

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from ..models import (
    Application,
    ClusterMessage,
    EoiCluster,
    EoiStatus,
    ExpressionOfInterest,
    Round,
)
from .similarity import SimilarEoi, Vector, cosine, round_stem_counts, tfidf_vectors


def eois_for_admin() -> QuerySet[ExpressionOfInterest]:
    """Return every EOI with what the staff list shows (round, lead, cluster, partners
    counted) read in the same query, however many rows the page shows."""
    return ExpressionOfInterest.objects.select_related(
        "round", "lead_organisation", "cluster"
    ).annotate(partner_count=Count("partners", distinct=True))


def rounds_with_eoi_stage() -> QuerySet[Round]:
    """Return the rounds that take expressions of interest, newest first."""
    return Round.objects.filter(eoi_opens_at__isnull=False).order_by("-number")


def clusters_for_admin() -> QuerySet[EoiCluster]:
    """Return every cluster with its round and its EOIs, submitted ones and messages counted."""
    return EoiCluster.objects.select_related("round", "created_by").annotate(
        eoi_count=Count("eois", distinct=True),
        submitted_count=Count("eois", filter=Q(eois__status=EoiStatus.SUBMITTED), distinct=True),
        message_count=Count("messages", distinct=True),
    )


def cluster_members(*, cluster: EoiCluster) -> list[ExpressionOfInterest]:
    """Return the cluster's EOIs, by lead organisation, with their leads and writers."""
    return list(
        cluster.eois.select_related("lead_organisation", "created_by", "application")
        .annotate(partner_count=Count("partners", distinct=True))
        .order_by("lead_organisation__name", "reference")
    )


def cluster_submitted_eois(*, cluster: EoiCluster) -> QuerySet[ExpressionOfInterest]:
    """Return the cluster's submitted EOIs: those that could lead a joint application."""
    return (
        cluster.eois.filter(status=EoiStatus.SUBMITTED)
        .select_related("lead_organisation")
        .order_by("lead_organisation__name", "reference")
    )


def cluster_messages(*, cluster: EoiCluster) -> list[ClusterMessage]:
    """Return the messages sent to the cluster's leads, newest first."""
    return list(cluster.messages.select_related("sent_by").order_by("-sent_at", "-pk"))


def _centroid(vectors: list[Vector]) -> Vector:
    """Return the unit vector in the direction of the vectors' sum."""
    total: Vector = {}
    for vector in vectors:
        for stem, weight in vector.items():
            total[stem] = total.get(stem, 0.0) + weight
    norm = math.sqrt(sum(weight * weight for weight in total.values()))
    return {stem: weight / norm for stem, weight in total.items()} if norm else {}


def cluster_suggestions(*, cluster: EoiCluster, limit: int = 5) -> list[SimilarEoi]:
    """Return up to ``limit`` submitted EOIs of the cluster's round that are in no cluster,
    most like the cluster's members taken together, best first.

    The members' TF-IDF vectors (weighted over the round, as ``eois_similar_to`` does) are
    summed into one direction, and each candidate scored by its cosine with it; ties go to
    the lower id. A cluster with no compared members (drafts and withdrawn EOIs are not
    compared) has no suggestions.
    """
    vectors = tfidf_vectors(round_stem_counts(round=cluster.round))
    member_ids = set(cluster.eois.values_list("pk", flat=True))
    centroid = _centroid([vectors[pk] for pk in member_ids if pk in vectors])
    if not centroid:
        return []
    candidate_ids = ExpressionOfInterest.objects.filter(
        round=cluster.round, status=EoiStatus.SUBMITTED, cluster__isnull=True
    ).values_list("pk", flat=True)
    scored = [(pk, cosine(centroid, vectors[pk])) for pk in candidate_ids if pk in vectors]
    ranked = sorted(
        ((pk, score) for pk, score in scored if score > 0), key=lambda pair: (-pair[1], pair[0])
    )[:limit]
    eois = ExpressionOfInterest.objects.select_related("lead_organisation").in_bulk(
        [pk for pk, _ in ranked]
    )
    return [SimilarEoi(eoi=eois[pk], score=score) for pk, score in ranked]


def applications_for_admin() -> QuerySet[Application]:
    """Return every application with its round and lead, and its partners counted (all,
    and those confirmed), in the same query."""
    return Application.objects.select_related("round", "lead_organisation").annotate(
        partner_count=Count("partners", distinct=True),
        confirmed_partner_count=Count(
            "partners", filter=Q(partners__confirmed_at__isnull=False), distinct=True
        ),
    )


def application_for_staff_get(application_id: int) -> Application:
    """Return the application a staff page is about, with its round and lead; 404 if there
    is none."""
    return get_object_or_404(
        Application.objects.select_related("round", "lead_organisation"), pk=application_id
    )
