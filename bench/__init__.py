"""Benchmarks: a synthetic ecosystem generator and runners (not tests)."""
