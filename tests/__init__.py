"""The test suite. A regular package, so that `tests.utils` is always this folder's: textstat (0.7.7
and later) installs a top-level `tests` package of its own into site-packages, which would
otherwise win over a namespace package here."""
