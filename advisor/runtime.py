"""The content the running app serves, loaded once per process from the configured folder."""

from advisor.content import load_content
from advisor.ratelimit import Limits
from advisor.settings import settings
from advisor.view import cached_views

# Raises ContentError (listing every problem) when the folder is invalid; advisor.advisor
# catches it, prints the list and refuses to start.
CONTENT = load_content(settings.content_dir)
# The view of an answers text, shared by every session: the same answers give the same view.
# Bounded so memory stays small (a view is about 23 kB): it serves the many computed vars of one
# state update, and repeats across sessions, not a long history.
view_of = cached_views(CONTENT, size=256)
# Rate limits of this process, shared by the API and the web app's handlers.
LIMITS = Limits.create(
    saves_per_minute=settings.saves_per_minute,
    connections_per_minute=settings.connections_per_minute,
    trusted_proxies=settings.trusted_proxies,
)
