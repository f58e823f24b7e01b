"""The roles the access table checks, and a signed-in client for each."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.factories import UserFactory
from tests.conftest import sign_in_staff
from tests.declaration.factories import MembershipFactory

ANONYMOUS = "anonymous"
COUNCIL = "council user"
ORG_ADMIN = "organisation admin"
FUND_MANAGER = "Fund manager"
ASSESSOR = "Assessor"
TRAINING = "Training administrator"
COMMS = "Communications"
SUPERUSER = "superuser"
# A superuser who has signed in with a password but has no second factor yet.
NO_DEVICE = "staff without a second factor"
# A superuser with a device whose session began with an emailed link, not a password.
BY_LINK = "staff signed in by link"

ROLES = (
    ANONYMOUS,
    COUNCIL,
    ORG_ADMIN,
    FUND_MANAGER,
    ASSESSOR,
    TRAINING,
    COMMS,
    SUPERUSER,
    NO_DEVICE,
    BY_LINK,
)
PUBLIC = (ANONYMOUS, COUNCIL, ORG_ADMIN)
STAFF = (FUND_MANAGER, ASSESSOR, TRAINING, COMMS, SUPERUSER)
UNVERIFIED_STAFF = (NO_DEVICE, BY_LINK)


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int, anonymous: int = 302) -> dict[str, int]:
    return {**everyone(status), ANONYMOUS: anonymous}


def staff_only(status: int, *, council: int = 403, anonymous: int = 302) -> dict[str, int]:
    """Verified staff get ``status``; council users ``council``; staff who are not verified
    are sent to sign in (302)."""
    return {
        ANONYMOUS: anonymous,
        COUNCIL: council,
        ORG_ADMIN: council,
        **dict.fromkeys(STAFF, status),
        **dict.fromkeys(UNVERIFIED_STAFF, 302),
    }


def client_for(role: str) -> Client:
    """Return a client signed in as a new person in ``role``."""
    client = Client()
    if role == ANONYMOUS:
        return client
    if role in (COUNCIL, ORG_ADMIN):
        membership = MembershipFactory.create(admin=role == ORG_ADMIN)
        client.force_login(membership.user)
        return client
    user = UserFactory.create(staff=True, is_superuser=role in (SUPERUSER, *UNVERIFIED_STAFF))
    if role in STAFF and role != SUPERUSER:
        user.groups.add(Group.objects.get(name=role))
    if role == NO_DEVICE:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client
    if role == BY_LINK:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
        client.force_login(user, backend="sesame.backends.ModelBackend")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client
    return sign_in_staff(client, user)
