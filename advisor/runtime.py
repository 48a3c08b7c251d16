"""The content the running app serves, loaded once per process from the configured folder."""

from advisor.content import load_content
from advisor.settings import settings
from advisor.view import cached_builder

# Raises ContentError (listing every problem) when the folder is invalid; advisor.advisor
# catches it, prints the list and refuses to start.
CONTENT = load_content(settings.content_dir)
# The view of an answers text, shared by every session: the same answers give the same view.
assessment = cached_builder(CONTENT)
