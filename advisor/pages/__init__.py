"""The advisor's pages: one module per route."""
