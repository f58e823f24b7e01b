"""Staff sign-in with a password and an authenticator app (django-two-factor-auth).

Only the views staff need are routed: sign-in, device setup with a QR code, backup codes, and
the one-time set-up link of a new member of staff (``manage.py staff_create``). There is
deliberately no route to turn two factors off.
"""

from django.urls import path

from .decorators import staff_required
from .views import (
    StaffBackupTokensView,
    StaffLoginView,
    StaffQRCodeView,
    StaffSetupCompleteView,
    StaffSetupView,
    staff_set_up,
)

app_name = "two_factor"

urlpatterns = [
    path("sign-in/", StaffLoginView.as_view(), name="login"),
    path("set-up/", staff_set_up, name="set-up"),
    path("two-factor/setup/", staff_required(StaffSetupView.as_view()), name="setup"),
    path("two-factor/qrcode/", staff_required(StaffQRCodeView.as_view()), name="qr"),
    path(
        "two-factor/setup/complete/",
        staff_required(StaffSetupCompleteView.as_view()),
        name="setup_complete",
    ),
    path(
        "two-factor/backup-codes/",
        staff_required(StaffBackupTokensView.as_view()),
        name="backup_tokens",
    ),
]
