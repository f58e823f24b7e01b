"""Benchmarks, run one by one by ``make bench``; each prints one ``name value`` figure a line."""
