"""The ASGI wrappers around the whole backend, pages included: mount, limits, hosts, headers."""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from advisor.programme import slug_of
from advisor.ratelimit import Limits

if TYPE_CHECKING:  # only named in a hint: these wrappers need no FastAPI of their own
    from fastapi import FastAPI


def mount_api(api: FastAPI):
    """`api` mounted as Reflex mounts an `api_transformer` app (its routes first, Reflex's behind
    them), except that websockets go straight to Reflex. (Reflex would also give `api` a CORS
    middleware of its own; the one Reflex puts around the whole backend already answers for it.)

    A websocket is held for as long as a page stays open, and every layer it passes through
    keeps a suspended coroutine for that long: FastAPI's middleware and router, which serve no
    websocket of the advisor's, cost about 5 kB per open page (bench/README.md)."""

    def transform(app):
        api.mount("", app)

        async def asgi(scope, receive, send):
            if scope["type"] == "websocket":
                return await app(scope, receive, send)
            return await api(scope, receive, send)

        return asgi

    return transform


# The one page other sites may frame: /embed (assets/embed.js frames `/embed/?...`). Everything
# else, the insights' sign-in among it, answers to `frame-ancestors 'none'`, so no spelling of
# a path (`//insights/`, `/./insights`, `/assess/../insights`) can make a page framable.
EMBEDDABLE_ROUTES = frozenset({"/embed"})

# What no page of the advisor uses; clipboard-write stays with the advisor's own origin for
# "Copy link" (the embedding iframe delegates it with allow="clipboard-write").
PERMISSIONS_POLICY = (
    "accelerometer=(), bluetooth=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), "
    "xr-spatial-tracking=(), clipboard-write=(self)"
)

# Reflex's prerendered pages start the app with inline scripts (React Router's context, the
# module imports), different on every build: they are allowed by their hashes, read from the
# build, never by 'unsafe-inline'.
_INLINE_SCRIPT = re.compile(rb"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.I)
# Hostnames the frontend swaps for the page's own (Reflex's SAME_DOMAIN_HOSTNAMES in state.js).
_SAME_DOMAIN_HOSTNAMES = frozenset({"localhost", "0.0.0.0", "::", "0:0:0:0:0:0:0:0"})  # noqa: S104


def route_of(path: str) -> str:
    """The route a path reaches once a static file server resolves it: repeated slashes and dot
    segments collapsed, no trailing slash (the server has already percent-decoded it)."""
    normal = posixpath.normpath(re.sub(r"/+", "/", "/" + path))
    return normal.rstrip("/") or "/"


def inline_script_hashes(html: bytes) -> set[str]:
    """The CSP sources ('sha256-...') allowing each inline script of an HTML document."""
    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
        if body.strip()
    }


def build_script_hashes(static_dir: Path) -> set[str]:
    """The hashes of every inline script of every page in a frontend build (none if unbuilt)."""
    found: set[str] = set()
    if static_dir.is_dir():
        for page in static_dir.rglob("*.html"):
            found |= inline_script_hashes(page.read_bytes())
    return found


def connect_sources(api_url: str | None) -> list[str]:
    """Where the pages' scripts connect besides their own origin: the backend named by
    REFLEX_API_URL (http and websocket), unless the frontend replaces its host by its own."""
    if not api_url:
        return []
    parts = urllib.parse.urlsplit(api_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return []
    if parts.hostname in _SAME_DOMAIN_HOSTNAMES:
        return []  # the page's own origin: 'self'
    socket_scheme = "wss" if parts.scheme == "https" else "ws"
    return [f"{parts.scheme}://{parts.netloc}", f"{socket_scheme}://{parts.netloc}"]


def content_security_policy(
    script_hashes: Iterable[str], connect: Iterable[str], frame_ancestors: str
) -> str:
    """The pages' CSP. Scripts: the advisor's own files and the build's inline scripts by hash;
    'unsafe-eval' because Reflex runs `rx.call_script` code (printing, the embedded frame's
    messages) with eval(). Styles: inline, as Emotion and Radix insert them at run time."""
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src 'self' 'unsafe-eval'", *sorted(script_hashes)]),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            " ".join(["connect-src 'self'", *connect]),
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def with_sites(frame_ancestors: str, sites: Iterable[str]) -> str:
    """A frame-ancestors source list that also allows `sites` (a programme's frame_sites): as
    it is when it already allows any site ('*'), the sites alone in place of 'none'."""
    base = frame_ancestors.split()
    if "*" in base:
        return frame_ancestors
    kept = [source for source in base if source != "'none'"]
    added = [site for site in dict.fromkeys(sites) if site not in kept]
    return " ".join([*kept, *added]) or "'none'"


# Of /embed's query string only this much is read for ?programme= (a slug is 40 characters).
MAX_QUERY_READ = 2048


def programme_asked(query_string: bytes) -> str | None:
    """The ?programme= slug of a query string: None when it has none, "" for a malformed one."""
    head = query_string[:MAX_QUERY_READ].decode("latin-1")
    asked = urllib.parse.parse_qs(head, max_num_fields=20).get("programme") if head else None
    return (slug_of(asked[0]) or "") if asked else None


def security_headers(
    frame_ancestors: str,
    *,
    frame_sites: Mapping[str | None, Iterable[str]] | None = None,
    script_hashes: Callable[[], Iterable[str]] = frozenset,
    connect: Iterable[str] = (),
    hsts_seconds: int = 0,
):
    """ASGI middleware adding the advisor's security headers to every response, pages included:
    a Content-Security-Policy (on HTML, the pages' policy; on anything else, nothing may load),
    which sites may frame /embed (frame-ancestors; every other route 'none'), a
    Permissions-Policy, no MIME sniffing, a strict referrer, and HSTS when `hsts_seconds` > 0.

    `frame_sites` adds, on /embed?programme=<slug>, that programme's own frame_sites to
    `frame_ancestors` (the key None: /embed without ?programme=, the default programme's).

    `script_hashes` is called once, when the app is wrapped (the frontend is built by then)."""
    common = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
    ]
    if hsts_seconds > 0:
        common.append((b"strict-transport-security", f"max-age={hsts_seconds}".encode()))
    not_a_page = [(b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")]
    names = {b"content-security-policy", b"permissions-policy"} | {name for name, _ in common}

    def wrap(app):
        hashes = set(script_hashes())
        connect_to = list(connect)

        def page_headers(ancestors: str) -> list[tuple[bytes, bytes]]:
            csp = content_security_policy(hashes, connect_to, ancestors)
            return [
                (b"content-security-policy", csp.encode()),
                (b"permissions-policy", PERMISSIONS_POLICY.encode()),
            ]

        framed_page = page_headers(frame_ancestors)
        unframed_page = page_headers("'none'")
        # Each programme's frame's headers, built once.
        programme_page = {
            slug: page_headers(with_sites(frame_ancestors, sites))
            for slug, sites in (frame_sites or {}).items()
        }

        def framed_headers(scope) -> list[tuple[bytes, bytes]]:
            if not programme_page:
                return framed_page
            try:
                slug = programme_asked(scope.get("query_string", b""))
            except ValueError:  # more fields than parse_qs reads: not a link embed.js makes
                slug = ""
            return programme_page.get(slug, framed_page)

        async def asgi(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            framable = route_of(scope.get("path", "")) in EMBEDDABLE_ROUTES
            page = framed_headers(scope) if framable else unframed_page

            async def send_with_headers(message):
                if message["type"] == "http.response.start":
                    kept = []
                    is_html = False
                    for name, value in message.get("headers", []):
                        if name.lower() == b"content-type":
                            is_html = value.lower().startswith(b"text/html")
                        if name.lower() not in names:
                            kept.append((name, value))
                    added = page if is_html else not_a_page
                    if message.get("status") == 304:
                        # A 304 carries no content type, and the browser would store whatever
                        # policy it names over the cached page's own: it names none.
                        added = []
                    message = {**message, "headers": kept + added + common}
                await send(message)

            return await app(scope, receive, send_with_headers)

        return asgi

    return wrap


def _host_of(header: bytes) -> str:
    """The host of a Host header without its port, lower-cased: 'example.org', '[::1]'."""
    host = header.decode("latin-1").strip().lower()
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.partition(":")[0]


def allowed_hosts(hosts: Iterable[str]):
    """ASGI middleware refusing a request or websocket whose Host header names none of `hosts`
    (Starlette's TrustedHostMiddleware semantics: exact names, `*.example.org` for its
    subdomains, `*` for any) with 400, before anything can copy the Host into a link or a
    redirect."""
    names = {host.strip().lower() for host in hosts if host.strip()}
    any_host = "*" in names
    suffixes = tuple(name[1:] for name in names if name.startswith("*."))
    refusal = b"Invalid host header: this server does not answer for that name."

    def allowed(scope) -> bool:
        if any_host:
            return True
        for name, value in scope.get("headers", []):
            if name == b"host":
                host = _host_of(value)
                return host in names or (bool(suffixes) and host.endswith(suffixes))
        return False

    def wrap(app):
        async def asgi(scope, receive, send):
            if scope["type"] not in {"http", "websocket"} or allowed(scope):
                return await app(scope, receive, send)
            if scope["type"] == "websocket":
                # Closing before accepting makes the server refuse the handshake (403).
                return await send({"type": "websocket.close", "code": 1008})
            await send(
                {
                    "type": "http.response.start",
                    "status": 400,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(refusal)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": refusal})

        return asgi

    return wrap


def connection_limit(limits: Limits):
    """ASGI middleware refusing a client's new websocket connections past its allowance
    (Limits.connections) before they are accepted, so before any session is built for them.
    The frontend retries a refused connection by itself, with a growing delay."""

    def wrap(app):
        async def asgi(scope, receive, send):
            if scope["type"] == "websocket":
                peer = (scope.get("client") or (None,))[0]
                forwarded = next(
                    (
                        v.decode("latin-1")
                        for k, v in scope.get("headers", [])
                        if k == b"x-forwarded-for"
                    ),
                    None,
                )
                if limits.connections.hit(limits.key(peer, forwarded)) > 0:
                    return await send({"type": "websocket.close", "code": 1008})
            return await app(scope, receive, send)

        return asgi

    return wrap


MAX_BODY_BYTES = 64 * 1024


def body_limit(max_bytes: int = MAX_BODY_BYTES):
    """ASGI middleware refusing request bodies over `max_bytes` with 413, whether announced by
    Content-Length or streamed in chunks, before any route reads them."""
    too_large = b'{"detail":"The request body is larger than 64 KB."}'

    async def refuse(send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(too_large)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": too_large})

    def wrap(app):
        async def asgi(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            for name, value in scope.get("headers", []):
                if name == b"content-length" and value.isdigit() and int(value) > max_bytes:
                    return await refuse(send)
            received = 0
            started = refused = False

            async def counting_receive():
                nonlocal received, refused
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > max_bytes and not refused:
                        # Answer now and tell the app the client left, so it stops reading.
                        refused = True
                        if not started:
                            await refuse(send)
                        return {"type": "http.disconnect"}
                return message

            async def tracking_send(message):
                nonlocal started
                if refused:
                    return  # the 413 has been sent; whatever the app says now goes nowhere
                if message["type"] == "http.response.start":
                    started = True
                await send(message)

            return await app(scope, counting_receive, tracking_send)

        return asgi

    return wrap
