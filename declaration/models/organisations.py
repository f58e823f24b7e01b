"""Organisations that may sign the Declaration, and the people who belong to them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class OrganisationType(models.TextChoices):
    """The register's local authority types, then the other public bodies that sign."""

    COUNTY = "CTY", "County council"
    DISTRICT = "NMD", "District council"
    METROPOLITAN_DISTRICT = "MD", "Metropolitan district council"
    LONDON_BOROUGH = "LBO", "London borough"
    UNITARY = "UA", "Unitary authority"
    CITY_CORPORATION = "CC", "City corporation"
    COMBINED_AUTHORITY = "COMB", "Combined authority"
    STRATEGIC_REGIONAL_AUTHORITY = "SRA", "Strategic regional authority"
    SCOTTISH_UNITARY = "SCO", "Scottish unitary authority"
    WELSH_UNITARY = "WPA", "Welsh unitary authority"
    NI_DISTRICT = "NID", "Northern Ireland district council"
    FIRE_AND_RESCUE = "fire", "Fire and rescue authority"
    POLICE = "police", "Police force or commissioner"
    NHS = "nhs", "NHS body"
    CENTRAL_GOVERNMENT = "central", "Central government"
    SECTOR_BODY = "sector", "Sector body"
    NON_PROFIT = "nonprofit", "Non-profit organisation"
    OTHER = "other", "Other"

    @classmethod
    def local_authority_types(cls) -> list[OrganisationType]:
        """Return the types that come from the register of local authorities."""
        return [
            cls.COUNTY,
            cls.DISTRICT,
            cls.METROPOLITAN_DISTRICT,
            cls.LONDON_BOROUGH,
            cls.UNITARY,
            cls.CITY_CORPORATION,
            cls.COMBINED_AUTHORITY,
            cls.STRATEGIC_REGIONAL_AUTHORITY,
            cls.SCOTTISH_UNITARY,
            cls.WELSH_UNITARY,
            cls.NI_DISTRICT,
        ]


class Organisation(models.Model):
    """A council or other public body.

    Local authorities come from mySociety's register (``register_code`` is its three-letter
    ``local-authority-code``); others are added by staff or by a signer. An organisation that
    has ended (``closed_on`` set) is kept, because historic signatories and co-publishers
    point at it.
    """

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    alternative_names = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        help_text="Other names people use for it, for search.",
    )
    register_code = models.CharField(
        max_length=8,
        blank=True,
        help_text="The register's local-authority-code, such as BIR for Birmingham.",
    )
    organisation_type = models.CharField(
        "type", max_length=12, choices=OrganisationType.choices, default=OrganisationType.OTHER
    )
    gss_code = models.CharField("GSS code", max_length=9, blank=True)
    region = models.CharField(max_length=100, blank=True)
    nation = models.CharField(max_length=50, blank=True)
    website = models.URLField(blank=True)
    email_domains = ArrayField(
        models.CharField(max_length=253),
        default=list,
        blank=True,
        help_text="Email domains of its staff, such as birmingham.gov.uk.",
    )
    parent_county = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="districts",
        limit_choices_to={"organisation_type": OrganisationType.COUNTY},
    )
    combined_authority = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="constituents",
        # London boroughs belong to the Greater London Authority, a strategic regional authority.
        limit_choices_to={
            "organisation_type__in": [
                OrganisationType.COMBINED_AUTHORITY,
                OrganisationType.STRATEGIC_REGIONAL_AUTHORITY,
            ]
        },
    )
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced",
    )
    closed_on = models.DateField(null=True, blank=True, help_text="The date it ceased to exist.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["register_code"],
                condition=~Q(register_code=""),
                name="declaration_organisation_register_code_unique",
            ),
            models.UniqueConstraint(
                fields=["gss_code"],
                condition=~Q(gss_code=""),
                name="declaration_organisation_gss_code_unique",
            ),
        ]
        indexes = [models.Index(fields=["organisation_type", "region"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """Return the organisation's signatory page, which is public while it has a
        published signing."""
        return reverse("declaration:signatory", kwargs={"slug": self.slug})

    @property
    def is_active(self) -> bool:
        return self.closed_on is None

    def has_email_domain(self, domain: str) -> bool:
        """Return whether ``domain`` is one of this organisation's email domains."""
        return domain.lower() in {d.lower() for d in self.email_domains}


class MembershipRole(models.TextChoices):
    """What a person may do for an organisation they belong to.

    - member: post updates on its declaration project;
    - admin ("organisation admin"): also approve or refuse requests to join, remove members,
      hand the admin role over and withdraw the organisation from the Declaration.
    """

    MEMBER = "member", "Member"
    ADMIN = "admin", "Organisation admin"


class Membership(models.Model):
    """A person's place in an organisation.

    States: pending (``approved_at`` empty) → approved. A person whose verified email domain
    is one of the organisation's domains is approved at once; anyone else waits for the
    organisation admin or staff. ``approved_by`` is whoever approved or added them: empty
    for an approval by email domain, or once that person's account has gone. A request to
    join that is refused is deleted; so is a membership when the person is removed or leaves.

    Roles (``MembershipRole``), for approved members only:

    - member → admin: staff make them one, or publishing the signing they made does;
    - admin → member: the admin steps down, or staff make them a member again; the
      organisation's only admin cannot step down or leave themselves, but hands over first;
    - hand-over: an admin makes an approved member the admin, and becomes a member, or
      stays an admin beside them.

    Only an approved admin of the organisation, or staff, may approve, refuse, remove or
    change the role of its members; anyone may leave.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    created_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="declaration_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def is_admin(self) -> bool:
        return self.role == MembershipRole.ADMIN
