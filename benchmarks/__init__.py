"""Benchmarks: scripts that print measured numbers (never run as timed tests)."""
