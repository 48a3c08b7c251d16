"""Benchmarks of the advisor (`make bench`): figures printed as a table and saved as JSON."""
