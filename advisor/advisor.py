"""The Reflex app: loads and checks the content, mounts the JSON API and registers the pages."""

import sys

import reflex as rx

from advisor.content import ContentError

# Invalid content must stop the app before it serves anyone: a content editor sees every
# problem at once instead of a half-working site.
try:
    from advisor.runtime import CONTENT, LIMITS
except ContentError as exc:
    print(exc, file=sys.stderr)  # names the folder and lists every problem
    raise SystemExit(1) from exc

from advisor import styles  # noqa: E402 - only once the content is known to be valid
from advisor.api import body_limit, create_api, mount_api, security_headers  # noqa: E402
from advisor.pages import (  # noqa: E402
    assess,
    embed,
    evidence,
    insights,
    landing,
    method,
    result,
    saved,
)
from advisor.settings import settings  # noqa: E402
from advisor.state import AnswersState  # noqa: E402

# The JSON API, mounted beside Reflex's routes.
api = create_api(CONTENT, limits=LIMITS)

# The theme is set on the Radix Themes plugin in rxconfig.py (rx.App(theme=...) is deprecated).
app = rx.App(
    # The API is mounted beside Reflex's routes; the body limit and the security headers then
    # wrap every request and response, pages included.
    api_transformer=[
        mount_api(api),
        body_limit(),
        security_headers(settings.frame_ancestors),
    ],
    style=styles.BASE_STYLE,
    stylesheets=["/advisor.css"],
    head_components=[rx.script(src="/skip-link.js")],
)
app.add_page(
    landing.landing, route=landing.ROUTE, title=landing.TITLE, description=landing.DESCRIPTION
)
app.add_page(
    assess.assess,
    route=assess.ROUTE,
    title=assess.TITLE,
    description=assess.DESCRIPTION,
    on_load=AnswersState.open_assess,
)
app.add_page(
    result.result,
    route=result.ROUTE,
    title=result.TITLE,
    description=result.DESCRIPTION,
    on_load=AnswersState.open_result,
)
app.add_page(
    evidence.evidence, route=evidence.ROUTE, title=evidence.TITLE, description=evidence.DESCRIPTION
)
app.add_page(method.method, route=method.ROUTE, title=method.TITLE, description=method.DESCRIPTION)
app.add_page(
    saved.saved,
    route=saved.ROUTE,
    title=saved.TITLE,
    description=saved.DESCRIPTION,
    on_load=saved.SavedState.load,
)
app.add_page(
    saved.delete,
    route=saved.DELETE_ROUTE,
    title="Delete a saved result | Programme advisor",
    description="Delete a saved result of the programme advisor.",
    on_load=saved.DeleteState.reset_outcome,
)
app.add_page(
    embed.embed,
    route=embed.ROUTE,
    title=embed.TITLE,
    description=embed.DESCRIPTION,
    on_load=embed.EmbedState.open_embed,
)
app.add_page(
    insights.insights,
    route=insights.ROUTE,
    title=insights.TITLE,
    description=insights.DESCRIPTION,
    meta=insights.META,
    context=insights.CONTEXT,
    on_load=insights.InsightsState.open_insights,
)
