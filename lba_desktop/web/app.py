"""The FastAPI application: V1 routes, widget pages and static files over `ApiService`."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from string import Template
from typing import Any

import orjson
import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_cluster
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException as StarletteHTTPException

from lba_desktop import links, paths, place_names
from lba_desktop.errors import LbaError
from lba_desktop.partner_api import v1_lookups, v3_jobs
from lba_desktop.partner_api.service import (
    ApiService,
    NotFound,
    SchemaError,
    WrongParameters,
    is_origin_local,
    wrong_parameters_body,
)
from lba_desktop.web.cache import ResponseCache
from lba_desktop.web.middleware import LOOPBACK_HOSTS, LocalApiMiddleware
from lba_desktop.web.openapi import build_openapi
from lba_desktop.web.ratelimit import DEFAULT_RATES, RateLimiter, parse_rates


class _AnyText(Convertor[str]):
    """A path parameter of any characters, slashes and newlines included: Starlette's `path`
    stops at a newline (`.` in a regular expression), so an id holding one got the router's
    undocumented 404 instead of the route's answer to an unknown id (found by the fuzzer)."""

    regex = "(?s:.*)"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("any_text", _AnyText())

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES = WEB_DIR / "templates"
# Widget scopes as upstream: the path chooses what the widget searches.
WIDGET_SCOPES = {
    "/recherche-apprentissage": ("both", "Formations et emplois en apprentissage"),
    "/recherche-emploi": ("jobs", "Emplois en alternance"),
    "/recherche-apprentissage-formation": ("trainings", "Formations en apprentissage"),
}
ENV_TOKEN = "LBA_SERVE_TOKEN"
ENV_CATALOGUE = "LBA_SERVE_CATALOGUE"
ENV_RATES = "LBA_SERVE_RATES"
ENV_CACHE_MB = "LBA_SERVE_CACHE_MB"
ENV_ITEM_CACHE = "LBA_SERVE_ITEM_CACHE"
ENV_HOSTS = "LBA_SERVE_HOSTS"  # space-separated Host names served besides the loopback ones
DEFAULT_CACHE_MB = 64


def render(body: Any) -> bytes:
    # orjson, not FastAPI's encoder: an answer can hold 800 items, and encoding them is a
    # large share of a request's time.
    return orjson.dumps(body)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    data = render(body)
    return Response(data, status_code=status, media_type="application/json", headers=headers)


def _page(name: str, **values: str) -> HTMLResponse:
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    return HTMLResponse(Template(text).safe_substitute(values))


def _params(request: Request) -> dict[str, str]:
    return dict(request.query_params)


def create_app(
    service: ApiService,
    *,
    token: str | None = None,
    rates: dict[str, float] | None = None,
    cache_mb: float = DEFAULT_CACHE_MB,
    hosts: Iterable[str] = (),
) -> FastAPI:
    """The application over one service; `token` makes every API call need a Bearer token;
    `cache_mb` bounds the answers kept in memory (0: none); `hosts` are the Host names it
    answers besides the loopback ones (the address it is bound to beyond 127.0.0.1)."""
    app = FastAPI(
        title="LBA Desktop — API locale",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    limiter = RateLimiter(dict(DEFAULT_RATES if rates is None else rates))
    app.add_middleware(
        LocalApiMiddleware,
        token=token or None,
        limiter=limiter,
        data_origin=service.origin,
        allowed_hosts=LOOPBACK_HOSTS | {h for h in hosts if h},
    )
    app.state.service = service
    cache = ResponseCache(int(cache_mb * 1024 * 1024))
    app.state.cache = cache
    openapi_doc = build_openapi()

    def cached(route: str, request: Request, answer: Callable[..., Any]) -> Response:
        params = _params(request)
        referer = request.headers.get("referer")
        # A call from the upstream's site needs no caller: its answer is not another's.
        key = cache.key(route + ("@lba" if is_origin_local(referer) else ""), params)
        data = cache.get(key)
        if data is None:
            data = render(answer(params, referer=referer))  # a 400 raises before anything is kept
            cache.put(key, data)
        return Response(data, media_type="application/json")

    @app.exception_handler(RequestValidationError)
    async def _schema_error(request: Request, exc: RequestValidationError) -> Response:
        # Upstream answers 400 with its own body, never FastAPI's 422.
        messages = [
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:])} : {e.get('msg', '')}"
            for e in exc.errors()
        ]
        return json_response(wrong_parameters_body(messages), 400)

    @app.exception_handler(SchemaError)
    async def _schema(request: Request, exc: SchemaError) -> Response:
        return json_response(exc.body(), 400)

    @app.exception_handler(WrongParameters)
    async def _wrong(request: Request, exc: WrongParameters) -> Response:
        return json_response(exc.body(), 400)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return json_response(exc.body(), 404)

    @app.exception_handler(LbaError)
    async def _lba_error(request: Request, exc: LbaError) -> Response:
        log.error("Erreur de l'API locale : %s", exc)
        return json_response({"error": "internal_error", "error_messages": [str(exc)]}, 500)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        error = "not_found" if exc.status_code == 404 else "http_error"
        return json_response({"error": error, "error_messages": [str(exc.detail)]}, exc.status_code)

    # -- V1
    # The V1 routes are `async def`: their work is CPU-bound Python under one GIL, so handing
    # each request to a worker thread only adds a hop and lock convoys. Run on the event loop,
    # jobsEtFormations went from 1,056 to 1,360 requests/s (bench/bench_api.py, 2 workers).

    @app.get("/api/V1/formations")
    async def formations(request: Request) -> Response:
        return cached("formations", request, service.formations)

    @app.get("/api/V1/formations/min")
    async def formations_min(request: Request) -> Response:
        return cached("formations_min", request, service.formations_min)

    @app.get("/api/V1/formationsParRegion")
    async def formations_par_region(request: Request) -> Response:
        return cached("formations_par_region", request, service.formations_par_region)

    @app.get("/api/V1/formations/formation/{formation_id:any_text}")
    async def formation(formation_id: str, request: Request) -> Response:
        return json_response(service.formation(formation_id, _params(request)))

    @app.get("/api/V1/jobs")
    async def jobs(request: Request) -> Response:
        return cached("jobs", request, service.jobs)

    @app.get("/api/V1/jobs/min")
    async def jobs_min(request: Request) -> Response:
        return cached("jobs_min", request, service.jobs_min)

    @app.get("/api/V1/jobs/job/{job_id:any_text}")
    async def jobs_job(job_id: str, request: Request) -> Response:
        return json_response(v1_lookups.job(service, job_id, _params(request)))

    @app.get("/api/V1/jobs/matcha/{job_id:any_text}")
    async def jobs_matcha(job_id: str, request: Request) -> Response:
        return json_response(v1_lookups.matcha(service, job_id, _params(request)))

    @app.get("/api/V1/jobs/partnerJob/{job_id:any_text}")
    async def jobs_partner_job(job_id: str, request: Request) -> Response:
        return json_response(v1_lookups.partner_job(service, job_id, _params(request)))

    @app.get("/api/V1/jobs/company/{siret:any_text}")
    async def jobs_company(siret: str, request: Request) -> Response:
        return json_response(v1_lookups.company(service, siret, _params(request)))

    @app.get("/api/V1/jobsEtFormations")
    async def jobs_et_formations(request: Request) -> Response:
        return cached("jobs_et_formations", request, service.jobs_et_formations)

    @app.get("/api/V1/metiers")
    async def metiers(request: Request) -> Response:
        return cached("metiers", request, service.metiers_by_title)

    @app.get("/api/V1/metiers/intitule")
    async def metiers_intitule(request: Request) -> Response:
        return cached(
            "metiers_intitule", request, lambda p, **_: v1_lookups.metiers_by_label(service, p)
        )

    @app.get("/api/V1/metiers/metiersParFormation/{cfd:any_text}")
    async def metiers_par_formation(cfd: str) -> Response:
        return json_response(v1_lookups.metiers_of_training(service, cfd))

    @app.get("/api/V1/metiers/all")
    def metiers_all() -> Response:
        return json_response(service.metiers_all())

    # -- V3: the jobs route partners moved to when V1 jobs were retired

    @app.get("/api/v3/jobs/search")
    async def v3_jobs_search(request: Request) -> Response:
        params: dict[str, Any] = _params(request)
        for name in ("departements", "partners_to_exclude"):  # repeated, or comma-separated
            values = request.query_params.getlist(name)
            if len(values) > 1:
                params[name] = values
        key = cache.key("v3_jobs_search", {k: str(v) for k, v in params.items()})
        data = cache.get(key)
        if data is None:
            data = render(v3_jobs.jobs_search(service, params))
            cache.put(key, data)
        return Response(data, media_type="application/json")

    # -- our own routes for the widget

    @app.get("/api/local/metiers")
    def local_metiers(q: str = "", limit: int = Query(10, ge=1, le=50)) -> Response:
        return json_response(service.suggest_metiers(q, limit=limit))

    @app.get("/api/local/lieux")
    def local_lieux(q: str = "", limit: int = Query(8, ge=1, le=50)) -> Response:
        return json_response(service.suggest_places(q, limit=limit))

    @app.get("/api/local/lieu")
    def local_lieu(
        insee: str = "",
        zipcode: str = "",
        address: str = "",
        lat: float | None = None,
        lon: float | None = None,
    ) -> Response:
        text = insee.strip() or zipcode.strip() or address.strip()
        if text:
            found = service.resolve_place(text)
        elif lat is not None and lon is not None:
            found = service.nearest_commune(lat, lon)
        else:
            found = None
        if found is None:
            raise NotFound("Lieu introuvable.")
        return json_response(found)

    @app.get("/api/local/info")
    def local_info() -> Response:
        origin = service.origin
        return json_response(
            {"origin": origin.origin, "label": origin.label_fr, "built_at": origin.built_at}
        )

    # -- documentation

    @app.get("/api/docs/openapi.json")
    def openapi_json() -> Response:
        return json_response(openapi_doc)

    @app.get("/api/docs", response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        return _page("docs.html")

    # -- widget

    for route, (scope, title) in WIDGET_SCOPES.items():

        def widget(scope: str = scope, title: str = title) -> HTMLResponse:
            return _page(
                "widget.html", scope=scope, title=title, link_schemes=" ".join(links.SCHEMES)
            )

        app.add_api_route(route, widget, methods=["GET"], response_class=HTMLResponse)

    @app.get("/test-widget", response_class=HTMLResponse)
    def test_widget() -> HTMLResponse:
        return _page("test-widget.html")

    @app.get("/favicon.ico")
    def favicon() -> Response:
        return Response(status_code=204)  # no icon, but no 404 in the browser's console

    @app.get("/", response_class=HTMLResponse)
    def home() -> HTMLResponse:
        return _page("test-widget.html")

    @app.get("/static/map/noms.json")
    def place_names_json() -> Response:
        # The same every time for a given install: computed once, then kept by the browser.
        return Response(
            _place_names_body(),
            media_type="application/json",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    map_assets = paths.resource("map")
    if map_assets.is_dir():
        app.mount("/static/map", StaticFiles(directory=map_assets), name="map")
    app.mount("/static/leaflet", StaticFiles(directory=xs_leaflet.BASE_DIR), name="leaflet")
    app.mount("/static/markercluster", StaticFiles(directory=xs_cluster.BASE_DIR), name="cluster")
    geo = paths.resource("geo")
    if geo.is_dir():
        app.mount("/static/geo", StaticFiles(directory=geo), name="geo")
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    return app


_PLACE_NAMES: list[bytes] = []


def _place_names_body() -> bytes:
    """The widget's place names (every commune, by zoom), built on first use."""
    if not _PLACE_NAMES:
        _PLACE_NAMES.append(place_names.labels_json(place_names.place_labels()).encode())
    return _PLACE_NAMES[0]


def app_from_env() -> FastAPI:
    """Factory for uvicorn's workers: each process opens the catalogue named in the environment."""
    catalogue = os.environ.get(ENV_CATALOGUE)
    rates_text = os.environ.get(ENV_RATES)
    service = ApiService.open(Path(catalogue) if catalogue else None)
    if os.environ.get(ENV_ITEM_CACHE):
        service.keep_items(int(os.environ[ENV_ITEM_CACHE]))
    rates: dict[str, float] | None = None
    if rates_text == "off":
        rates = {}
    elif rates_text:
        rates = parse_rates(rates_text)
    cache_mb = float(os.environ.get(ENV_CACHE_MB) or DEFAULT_CACHE_MB)
    return create_app(
        service,
        token=os.environ.get(ENV_TOKEN) or None,
        rates=rates,
        cache_mb=cache_mb,
        hosts=os.environ.get(ENV_HOSTS, "").split(),
    )
