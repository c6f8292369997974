"""One ASGI middleware for every request: case-insensitive paths, token, rate limit, headers."""

from __future__ import annotations

import hmac
import json
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lba_desktop.partner_api.service import DataOrigin
from lba_desktop.web.ratelimit import RateLimiter, retry_after_header

# Canonical paths; upstream matches them whatever the case ("/api/v1/jobsetformations").
CANONICAL_PATHS = (
    "/api/V1/formations",
    "/api/V1/formations/min",
    "/api/V1/formationsParRegion",
    "/api/V1/jobs",
    "/api/V1/jobs/min",
    "/api/V1/jobsEtFormations",
    "/api/V1/metiers",
    "/api/V1/metiers/all",
    "/api/V1/metiers/intitule",
    "/api/v3/jobs/search",
    "/recherche-apprentissage",
    "/recherche-emploi",
    "/recherche-apprentissage-formation",
    "/test-widget",
)
_BY_LOWER = {p.lower(): p for p in CANONICAL_PATHS}
FORMATION_PREFIX = "/api/V1/formations/formation/"
# Routes ending with an id, a SIRET or a CFD: the prefix ignores case, the id keeps its own.
ID_PREFIXES = (
    FORMATION_PREFIX,
    "/api/V1/jobs/job/",
    "/api/V1/jobs/matcha/",
    "/api/V1/jobs/partnerJob/",
    "/api/V1/jobs/company/",
    "/api/V1/metiers/metiersParFormation/",
)
# Route family of each path, for the rate limits (upstream's groups).
_FAMILIES = (
    ("/api/V1/formations", "formations"),
    ("/api/V1/jobs", "jobs"),
    ("/api/v3/jobs", "jobs"),
    ("/api/V1/metiers", "metiers"),
    ("/api/local/", "local"),
)
PROTECTED_PREFIXES = ("/api/V1/", "/api/v3/", "/api/local/")


def canonical_path(path: str) -> str:
    """The path routes are declared with; the formation id keeps its own case."""
    lower = path.lower().rstrip("/") or "/"
    if lower in _BY_LOWER:
        return _BY_LOWER[lower]
    for prefix in ID_PREFIXES:
        if lower.startswith(prefix.lower()):
            return prefix + path[len(prefix) :]
    for prefix in ("/api/V1/", "/api/local/", "/api/docs"):
        if lower.startswith(prefix.lower()):
            return prefix + path[len(prefix) :]
    return path


def family_of(path: str) -> str | None:
    for prefix, family in _FAMILIES:
        if path.startswith(prefix):
            return family
    return None


def _json(status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]]) -> tuple:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return (
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
                *headers,
            ],
        },
        {"type": "http.response.body", "body": data},
    )


# Host names every local server answers to; `allowed_hosts` adds the address it is bound to.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def host_of(scope: Scope) -> str:
    """The Host header without its port, lower-cased ("" when there is none)."""
    for name, value in scope.get("headers", ()):
        if name == b"host":
            host = value.decode("latin-1").strip().lower()
            if host.startswith("["):  # [::1]:8765
                return host[1 : host.find("]")] if "]" in host else ""
            return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return ""


class LocalApiMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware): it sits on every request of a load test."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str | None,
        limiter: RateLimiter,
        data_origin: DataOrigin,
        allowed_hosts: frozenset[str] = LOOPBACK_HOSTS,
    ) -> None:
        self.app = app
        # A page of another site whose name was pointed at 127.0.0.1 (DNS rebinding) sends
        # its own name as Host: refused, so it cannot read what this server answers.
        self.allowed_hosts = frozenset(h.lower().strip("[]") for h in allowed_hosts)
        self.token = token.encode("utf-8") if token else None
        self.limiter = limiter
        self.data_headers = [
            (b"x-lba-desktop-data", data_origin.origin.encode("latin-1", "replace")),
            (b"x-lba-desktop-data-built", data_origin.built_at.encode("latin-1", "replace")),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, started_cpu = time.perf_counter(), time.process_time()
        host = host_of(scope)
        if host not in self.allowed_hosts:
            start, body = _json(
                400,
                {
                    "error": "host_not_allowed",
                    "error_messages": [
                        f"Ce serveur ne répond pas au nom « {host[:100]} » : utilisez "
                        "http://127.0.0.1 ou l'adresse donnée au lancement."
                    ],
                },
                [],
            )
            await send(start)
            await send(body)
            return
        path = canonical_path(scope["path"])
        if path != scope["path"]:
            scope = {**scope, "path": path, "raw_path": path.encode("utf-8")}
        extra = list(self.data_headers)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed = (time.perf_counter() - started) * 1000
                # CPU time of the whole process: the request's own when requests come one
                # at a time (bench_api), a figure a shared machine does not inflate.
                cpu = (time.process_time() - started_cpu) * 1000
                headers = [*message.get("headers", ()), *extra]
                timing = f"app;dur={elapsed:.2f}, cpu;dur={cpu:.2f}"
                headers.append((b"server-timing", timing.encode()))
                message = {**message, "headers": headers}
            await send(message)

        if path.startswith(PROTECTED_PREFIXES):
            refusal = self._refusal(scope, path)
            if refusal is not None:
                start, body = refusal
                await send_with_headers(start)
                await send(body)
                return
        await self.app(scope, receive, send_with_headers)

    def _refusal(self, scope: Scope, path: str) -> tuple | None:
        if self.token is not None and not self._authorised(scope):
            return _json(
                401,
                {
                    "error": "unauthorized",
                    "error_messages": [
                        "Jeton absent ou invalide : ajoutez l'en-tête "
                        "« Authorization: Bearer <jeton> »."
                    ],
                },
                [(b"www-authenticate", b'Bearer realm="lba-desktop"')],
            )
        family = family_of(path)
        if family is None:
            return None
        client = (scope.get("client") or ("?", 0))[0]
        wait = self.limiter.take(client, family)
        if wait is None:
            return None
        return _json(
            429,
            {
                "error": "too_many_requests",
                "error_messages": [
                    "Trop de requêtes : réessayez dans un instant (voir l'en-tête Retry-After)."
                ],
            },
            [(b"retry-after", retry_after_header(wait).encode())],
        )

    def _authorised(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                scheme, _, given = value.partition(b" ")
                if scheme.lower() == b"bearer" and self.token is not None:
                    return hmac.compare_digest(given.strip(), self.token)
        return False
