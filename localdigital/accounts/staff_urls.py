"""Staff sign-in with a password and an authenticator app (django-two-factor-auth).

Only the views staff need are routed: sign-in, device setup with a QR code, and backup codes.
There is deliberately no route to turn two factors off.
"""

from django.urls import path

from .decorators import staff_required
from .views import (
    StaffBackupTokensView,
    StaffLoginView,
    StaffQRCodeView,
    StaffSetupCompleteView,
    StaffSetupView,
)

app_name = "two_factor"

urlpatterns = [
    path("sign-in/", StaffLoginView.as_view(), name="login"),
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
