"""How every view speaks HTTP: the methods it answers.

A page answers GET and HEAD (uptime monitors and link checkers send HEAD, and a HEAD
refused with 405 reads to them as a broken page): Django's ``require_safe``. A page with a
form answers POST too: ``require_safe_or_post``. A button with no page of its own answers
only POST: Django's ``require_POST``. Nothing uses ``require_GET``.
"""

from __future__ import annotations

from django.views.decorators.http import require_http_methods

require_safe_or_post = require_http_methods(["GET", "HEAD", "POST"])
