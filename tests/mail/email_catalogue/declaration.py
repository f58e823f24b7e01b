"""The emails of accounts and the declaration: signing in, joining an organisation, signing,
moderation, members and reminders."""

from __future__ import annotations

import datetime

from tests.mail.email_catalogue import (
    scenario,
    staff_in,
    the_time,
)


@scenario
def sign_in_link() -> None:
    from localdigital.accounts.services import sign_in_link_send

    sign_in_link_send(email="officer@borsetshire.gov.uk", next_url="/funding/")


@scenario
def staff_sign_in() -> None:
    from localdigital.accounts.services import sign_in_link_send

    sign_in_link_send(email=staff_in().email)


# --- Declaration: joining, signing, moderation, members and reminders ---


@scenario
def join_request_to_organisation_admins() -> None:
    from declaration.services.joining import organisation_join_request
    from tests.accounts.factories import UserFactory
    from tests.declaration.factories import MembershipFactory

    admin = MembershipFactory.create(admin=True)
    organisation_join_request(
        organisation=admin.organisation, user=UserFactory.create(email="someone@example.org")
    )


@scenario
def join_request_tostaff_in() -> None:
    from declaration.services.joining import organisation_join_request
    from tests.accounts.factories import UserFactory
    from tests.declaration.factories import OrganisationFactory

    organisation_join_request(
        organisation=OrganisationFactory.create(), user=UserFactory.create(unverified=True)
    )


@scenario
def signing_submitted() -> None:
    from declaration.services.signing import signing_submit
    from tests.declaration.factories import SigningFactory

    signing = SigningFactory.create(draft=True)
    signing_submit(signing=signing, submitted_by=signing.signer)


@scenario
def signing_withdrawn_before_checks() -> None:
    from declaration.services.signing_withdrawal import signing_withdraw_pending
    from tests.declaration.factories import SigningFactory

    signing = SigningFactory.create(submitted=True)
    signing_withdraw_pending(signing=signing, withdrawn_by=signing.signer, reason="A mistake.")


@scenario
def signing_published() -> None:
    from declaration.services.moderation import signing_publish
    from tests.declaration.factories import SigningFactory

    signing_publish(signing=SigningFactory.create(submitted=True), published_by=staff_in())


@scenario
def signing_rejected() -> None:
    from declaration.services.moderation import signing_reject
    from tests.declaration.factories import SigningFactory

    signing_reject(
        signing=SigningFactory.create(submitted=True),
        rejected_by=staff_in(),
        reason="We could not confirm that you work for this organisation.",
    )


@scenario
def signing_unpublished() -> None:
    from declaration.services.moderation_withdrawal import signing_unpublish
    from tests.declaration.factories import MembershipFactory, SigningFactory

    signing = SigningFactory.create()
    MembershipFactory.create(organisation=signing.organisation, admin=True)
    signing_unpublish(signing=signing, unpublished_by=staff_in(), reason="It asked us to.")


@scenario
def signatory_withdrawn() -> None:
    from declaration.services.moderation_withdrawal import signing_withdraw_published
    from tests.declaration.factories import MembershipFactory, SigningFactory

    signing = SigningFactory.create()
    admin = MembershipFactory.create(organisation=signing.organisation, admin=True)
    signing_withdraw_published(signing=signing, withdrawn_by=admin.user, reason="Reorganising.")


@scenario
def membership_approved() -> None:
    from declaration.services.memberships import membership_approve
    from tests.declaration.factories import MembershipFactory

    membership_approve(membership=MembershipFactory.create(pending=True), approved_by=None)


@scenario
def membership_refused() -> None:
    from declaration.services.memberships import membership_refuse
    from tests.declaration.factories import MembershipFactory

    membership_refuse(membership=MembershipFactory.create(pending=True), refused_by=None)


@scenario
def membership_removed() -> None:
    from declaration.services.memberships import membership_remove
    from tests.declaration.factories import MembershipFactory

    membership_remove(membership=MembershipFactory.create(), removed_by=None)


@scenario
def organisation_admin_handed_over() -> None:
    from declaration.services.memberships import membership_admin_hand_over
    from tests.declaration.factories import MembershipFactory

    giver = MembershipFactory.create(admin=True)
    taker = MembershipFactory.create(organisation=giver.organisation)
    membership_admin_hand_over(
        organisation=giver.organisation,
        from_membership=giver,
        to_membership=taker,
        handed_over_by=None,
    )


@scenario
def anniversary_reminder() -> None:
    from django.utils import timezone

    from declaration.services.reminders import (
        anniversary_latest,
        anniversary_reminder_send,
        signing_anniversary_start,
    )
    from tests.declaration.factories import MembershipFactory, SigningFactory

    now = the_time()
    published_at = now - datetime.timedelta(days=365)
    signing = SigningFactory.create(
        published_at=published_at, signed_on=timezone.localdate(published_at)
    )
    MembershipFactory.create(organisation=signing.organisation, admin=True)
    start = signing_anniversary_start(published_at=published_at, signed_on=signing.signed_on)
    assert start is not None
    due = anniversary_latest(start=start, today=timezone.localdate(now))
    assert due is not None
    anniversary_reminder_send(signing_id=signing.pk, anniversary=due.on, now=now)
