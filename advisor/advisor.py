"""The Reflex app: loads and checks the content, mounts the JSON API and registers the pages."""

import sys

import reflex as rx

from advisor import styles
from advisor.api import create_api
from advisor.content import ContentError, load_content
from advisor.pages import landing
from advisor.settings import settings

# Invalid content must stop the app before it serves anyone: a content editor sees every
# problem at once instead of a half-working site.
try:
    CONTENT = load_content(settings.content_dir)
except ContentError as exc:
    print(exc, file=sys.stderr)  # names the folder and lists every problem
    raise SystemExit(1) from exc

# The theme is set on the Radix Themes plugin in rxconfig.py (rx.App(theme=...) is deprecated).
app = rx.App(api_transformer=create_api(CONTENT), style=styles.BASE_STYLE)
app.add_page(
    landing.landing,
    route=landing.ROUTE,
    title=landing.TITLE,
    description=landing.DESCRIPTION,
)
