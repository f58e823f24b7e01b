"""The newsletter: subscribers, issues written and approved by staff, and their fan-out on the
newsletter stream of the outbox."""
