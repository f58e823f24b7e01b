"""The training app's pages: the public courses, enrolling, and a person's own enrolments,
offers and certificates in their account."""
