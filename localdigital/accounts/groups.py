"""The staff groups. ``migrations/0002_staff_groups.py`` creates them, with its own copy of
the names, as migrations must not change when code does."""

FUND_MANAGER = "Fund manager"
ASSESSOR = "Assessor"
TRAINING_ADMINISTRATOR = "Training administrator"
COMMUNICATIONS = "Communications"

STAFF_GROUPS = (FUND_MANAGER, ASSESSOR, TRAINING_ADMINISTRATOR, COMMUNICATIONS)
