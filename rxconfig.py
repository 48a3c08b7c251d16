"""Reflex's configuration for the advisor: names the app and turns off what it does not use."""

import reflex as rx

from advisor import styles
from advisor.server import bound_socket_messages, use_gunicorn, write_states_at_once
from advisor.settings import settings

# The production backend runs on gunicorn with a uvicorn worker, not granian: a session costs
# less than half the memory, and the API answers faster (advisor/worker.py says by how much).
use_gunicorn()
# Sessions' states are written to disk as each event changes them, not in stalling batches.
write_states_at_once()
# A browser's websocket messages are small: a larger one is refused before it is parsed.
bound_socket_messages()

config = rx.Config(
    app_name="advisor",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # How long a session's server-side state outlives its last event, in memory and under
    # .states/ (Reflex's name says redis, but every state manager uses it). The answers live in
    # the browser, so an expired session loses nothing a person entered.
    redis_token_expiration=settings.session_idle_seconds,
    # Since Reflex 0.9 the theme belongs to this plugin; rx.App(theme=...) is deprecated.
    plugins=[rx.plugins.SitemapPlugin(), rx.plugins.RadixThemesPlugin(theme=styles.THEME)],
)
