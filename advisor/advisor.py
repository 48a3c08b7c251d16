"""The Reflex app: loads and checks the content, mounts the JSON API and registers the pages."""

import sys

import reflex as rx
from reflex.utils.prerequisites import get_web_dir
from reflex_base import constants

from advisor import logs
from advisor.content import ContentError

# Before anything logs: what a client sends is never written to the log as it came.
logs.install()

# Invalid content must stop the app before it serves anyone: a content editor sees every
# problem at once instead of a half-working site.
try:
    from advisor.runtime import CONTENT, LIMITS
except ContentError as exc:
    print(exc, file=sys.stderr)  # names the folder and lists every problem
    raise SystemExit(1) from exc

from advisor import cors, styles  # noqa: E402 - only once the content is known to be valid
from advisor.api import create_api  # noqa: E402
from advisor.asgi import (  # noqa: E402
    allowed_hosts,
    body_limit,
    build_script_hashes,
    connect_sources,
    connection_limit,
    mount_api,
    security_headers,
)
from advisor.components import link  # noqa: E402
from advisor.pages import PAGES  # noqa: E402
from advisor.settings import settings  # noqa: E402

# The JSON API, mounted beside Reflex's routes.
api = create_api(CONTENT, limits=LIMITS)
# The URL the frontend's websocket and requests go to (REFLEX_API_URL, or localhost:PORT).
API_URL = rx.config.get_config().api_url


def _page_script_hashes() -> set[str]:
    """Every inline script the pages run: the frontend build's and the API docs'."""
    static_dir = get_web_dir() / constants.Dirs.STATIC
    return build_script_hashes(static_dir) | api.state.inline_script_hashes


class AdvisorApp(rx.App):
    """Reflex's app, with its cross-origin answers rewritten outside Reflex's own CORS layer,
    which allows credentials to every origin (advisor.cors says why and how)."""

    def __call__(self):
        return cors.without_credentials(
            super().__call__(), cors.parse_origins(settings.cors_origins)
        )


# The theme is set on the Radix Themes plugin in rxconfig.py (rx.App(theme=...) is deprecated).
app = AdvisorApp(
    # The API is mounted beside Reflex's routes; the body limit, the host check and the
    # security headers then wrap every request and response, pages included (the host check
    # websockets too).
    api_transformer=[
        mount_api(api),
        body_limit(),
        connection_limit(LIMITS),
        allowed_hosts(settings.host_names(API_URL)),
        security_headers(
            settings.frame_ancestors,
            # Each programme's own frame_sites, on /embed?programme=<slug> (None: the default).
            frame_sites={
                None: CONTENT.programme.frame_sites,
                **{slug: p.frame_sites for slug, p in CONTENT.programmes.items()},
            },
            script_hashes=_page_script_hashes,
            connect=connect_sources(API_URL),
            hsts_seconds=settings.hsts_seconds,
        ),
    ],
    style=styles.BASE_STYLE,
    stylesheets=["/advisor.css"],
    head_components=[
        rx.script(src="/skip-link.js"),
        rx.script(src="/copy-link.js"),
        rx.script(src="/print-date.js"),
    ],
)
for spec in PAGES:
    app.add_page(
        spec.component,
        route=spec.route,
        title=spec.title,
        description=spec.description,
        on_load=spec.on_load,
        meta=list(spec.meta),
        context=None if spec.context is None else dict(spec.context),
    )

# A finding id written in a page's code that the content lacks would be a dead link: like
# invalid content, it stops the app before it serves anyone. The page modules, imported above,
# have asked for their links by now.
try:
    link.check_finding_ids(CONTENT, link.linked_finding_ids())
except link.UnknownFindingError as exc:
    print(exc, file=sys.stderr)
    raise SystemExit(1) from exc
