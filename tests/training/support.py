"""What the training tests share beyond the admin's: a new course's words."""

from __future__ import annotations

# A new course as staff first describe it.
NEW_COURSE = {
    "title": "Cyber security for councils",
    "slug": "cyber",
    "summary": "Protect services and data.",
    "description": "One day.",
    "audience": "everyone",
    "course_format": "online",
    "duration": "1 day",
}
