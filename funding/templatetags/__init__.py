"""Template tags through which other apps' pages show the Fund's data."""
