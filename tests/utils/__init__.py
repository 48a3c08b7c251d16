"""What the tests share besides fixtures: servers, database clusters, faults, the study's text.

Imported as `tests.utils.<module>` (pyproject.toml puts the project's root on pytest's path), never
through a conftest: tests/ and tests/e2e/ each have one, and `from conftest import ...` would find
the wrong one. The fixtures built on these live once, in tests/conftest.py (browser fixtures in
tests/e2e/conftest.py).
"""
