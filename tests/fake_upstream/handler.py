"""HTTP handler of the fake upstream: a routes table, auth, rate limits, validation and faults."""

from __future__ import annotations

import contextlib
import functools
import json
import re
import socket
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from lba_desktop.data import upstream_validation as uv
from tests.fake_upstream import shapes
from tests.fake_upstream.formation_api import formation_search

if TYPE_CHECKING:
    from tests.fake_upstream.server import FakeUpstream

RATE_LIMITS = {"formations": 7, "jobs": 5, "metiers": 20}  # calls per second, per family


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: tuple[tuple[str, str], ...] = ()


Handler = Callable[["FakeUpstream", dict[str, str], re.Match[str]], Answer]


def _v1_error(messages: list[str]) -> Answer:
    return Answer(400, uv.wrong_parameters_body(messages))


def _published_formations(
    server: FakeUpstream, records: list[dict[str, Any]], params: dict[str, str]
) -> dict[str, Any]:
    if server.state.shapes == "2024":
        return {"results": records}
    with_description = params.get("options") == "with_description"
    return {
        "results": [shapes.formation_2026(r, with_description=with_description) for r in records]
    }


def formations(server: FakeUpstream, params: dict[str, str], _m: re.Match[str]) -> Answer:
    errors = uv.validate_formations(params)
    if errors:
        return _v1_error(errors)
    return Answer(200, _published_formations(server, server.state.formations_near(params), params))


def formations_par_region(
    server: FakeUpstream, params: dict[str, str], _m: re.Match[str]
) -> Answer:
    errors = uv.validate_formations_par_region(params)
    if errors:
        return _v1_error(errors)
    return Answer(200, _published_formations(server, server.state.formations_in(params), params))


def formation(server: FakeUpstream, params: dict[str, str], match: re.Match[str]) -> Answer:
    key = unquote(match.group("id"))
    found = server.state.formation_by_id(key)
    if found is None:
        return Answer(404, {"error": "not_found", "message": "Formation introuvable"})
    # The one-training route reads the whole record: its texts come without any option.
    return Answer(200, _published_formations(server, [found], {"options": "with_description"}))


def metiers(server: FakeUpstream, params: dict[str, str], _m: re.Match[str]) -> Answer:
    errors = uv.validate_metiers(params)
    if errors:
        return _v1_error(errors)
    from tests.fake_upstream.data import ROMES

    title = params["title"].lower()
    found = [
        {"label": label, "romes": [code], "type": "job", "rncps": []}
        for group in ROMES.values()
        for code, label in group
        if title in label.lower()
    ]
    return Answer(200, {"labelsAndRomes": found})


def metiers_all(server: FakeUpstream, params: dict[str, str], _m: re.Match[str]) -> Answer:
    from tests.fake_upstream.data import ROMES

    labels = sorted(label for group in ROMES.values() for _c, label in group)
    return Answer(200, {"metiers": labels})


def jobs_search(server: FakeUpstream, params: dict[str, str], _m: re.Match[str]) -> Answer:
    errors = uv.validate_jobs_search(params)
    if errors:
        return Answer(400, uv.zod_error_body(errors))
    found = server.state.jobs_search(params)
    job_shape = shapes.job_2024 if server.state.shapes == "2024" else shapes.job_2026
    return Answer(
        200,
        {
            "jobs": [job_shape(j) for j in found["jobs"]],
            "recruiters": [shapes.recruiter_2026(r) for r in found["recruiters"]],
            "warnings": found["warnings"],
        },
    )


def inserjeunes_export(server: FakeUpstream, params: dict[str, str], m: re.Match[str]) -> Answer:
    """The portal's CSV export of one InserJeunes file; an unknown dataset is a 404."""
    from tests.fake_upstream.inserjeunes import export_csv

    if params.get("delimiter", ";") != ";":
        return Answer(400, {"error_code": "InvalidParameter", "message": "delimiter"})
    with server.state.lock:
        body = export_csv(list(server.state.formations), m.group("dataset"), server.state.seed)
    if body is None:
        return Answer(404, {"error_code": "DatasetNotFound", "message": "Unknown dataset"})
    return Answer(200, body, (("Content-Type", "text/csv; charset=utf-8"),))


def jobs_export(server: FakeUpstream, params: dict[str, str], _m: re.Match[str]) -> Answer:
    url = server.url + "/__export/jobs.json"
    return Answer(200, {"url": url, "lastUpdate": server.state.export_last_update})


def export_file(server: FakeUpstream, params: dict[str, str], _m: re.Match[str]) -> Answer:
    return Answer(200, [shapes.job_2026(j) for j in server.state.export_jobs()])


def _v1_jobs_body(server: FakeUpstream, params: dict[str, str]) -> dict[str, Any]:
    from tests.fake_upstream.data import v1_company, v1_offer

    search = server.state.jobs_search(
        {k: params[k] for k in ("latitude", "longitude", "radius", "romes") if k in params}
    )
    offers = [v1_offer(j) for j in search["jobs"]]
    return {
        "peJobs": {"results": [o for o in offers if o["ideaType"] == "peJob"]},
        "matchas": {"results": [o for o in offers if o["ideaType"] == "matcha"]},
        "partnerJobs": {
            "results": [o for o in offers if o["ideaType"] == "offres_emploi_partenaires"]
        },
        "lbaCompanies": {"results": [v1_company(r) for r in search["recruiters"]]},
        "lbbCompanies": None,
    }


def v1_jobs(server: FakeUpstream, params: dict[str, str], _m: re.Match[str]) -> Answer:
    errors = uv.validate_v1_jobs(params)
    if errors:
        return _v1_error(errors)
    return Answer(200, _v1_jobs_body(server, params))


def v1_jobs_et_formations(
    server: FakeUpstream, params: dict[str, str], _m: re.Match[str]
) -> Answer:
    errors = uv.validate_v1_jobs(params)
    if errors:
        return _v1_error(errors)
    return Answer(
        200,
        {
            "formations": {"results": server.state.formations_near(params)},
            "jobs": _v1_jobs_body(server, params),
        },
    )


# (route name, family for rate limits, needs the API key, pattern, handler); matched in order.
ROUTES: list[tuple[str, str, bool, re.Pattern[str], Handler]] = [
    (name, family, auth, re.compile(pattern, re.IGNORECASE), handler)
    for name, family, auth, pattern, handler in (
        ("formations", "formations", False, r"^/api/v1/formations$", formations),
        (
            "formationsParRegion",
            "formations",
            False,
            r"^/api/v1/formationsParRegion$",
            formations_par_region,
        ),
        (
            "formation",
            "formations",
            False,
            r"^/api/v1/formations/formation/(?P<id>[^/]+)$",
            formation,
        ),
        ("metiers", "metiers", False, r"^/api/v1/metiers$", metiers),
        ("metiers_all", "metiers", False, r"^/api/v1/metiers/all$", metiers_all),
        ("jobs_search", "jobs", True, r"^/api/v3/jobs/search$", jobs_search),
        ("jobs_export", "jobs", True, r"^/api/v3/jobs/export$", jobs_export),
        # API Apprentissage's own route (same key as the jobs), served here beside LBA's.
        ("formation_search", "jobs", True, r"^/api/formation/v1/search$", formation_search),
        (
            "inserjeunes",
            "",
            False,
            r"^/api/explore/v2\.1/catalog/datasets/(?P<dataset>[^/]+)/exports/csv$",
            inserjeunes_export,
        ),
        ("export_file", "", False, r"^/__export/jobs\.json$", export_file),
        ("v1_jobs", "jobs", False, r"^/api/v1/jobs$", v1_jobs),
        (
            "v1_jobsEtFormations",
            "jobs",
            False,
            r"^/api/v1/jobsEtFormations$",
            v1_jobs_et_formations,
        ),
    )
]


# --- RDV Apprentissage (POST routes: the body and headers come bound by do_POST) -----------

PostHandler = Callable[["FakeUpstream", dict[str, Any], Any, re.Match[str]], Answer]
_RDV_PHONE = re.compile(r"^0[1-9][0-9]{8}$")
_RDV_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_REFERRERS = ("parcoursup", "lba", "onisep", "jeune_1_solution", "affelnet")


def _body_error(messages: list[str]) -> Answer:
    body = uv.zod_error_body(messages)
    body["data"]["validationError"]["validationContext"] = "body"
    return Answer(400, body)


def rdv_context_create(
    server: FakeUpstream, body: dict[str, Any], _headers: Any, _m: re.Match[str]
) -> Answer:
    """`POST /appointment-request/context/create` (no key): one of three body shapes."""
    from tests.fake_upstream.data import rdv_context

    cle = body.get("idCleMinistereEducatif")
    allowed = {"idCleMinistereEducatif", "referrer", "trainingHasJob"}
    errors = [f"body.{k}: Unrecognized key" for k in body if k not in allowed]
    if not isinstance(cle, str) or not cle:
        errors.append("body.idCleMinistereEducatif: String must contain at least 1 character(s)")
    if body.get("referrer") not in _REFERRERS:
        errors.append("body.referrer: Invalid enum value")
    if errors:
        return _body_error(errors)
    formation = server.state.formation_by_id(cle)
    if formation is None:
        return Answer(404, {"statusCode": 404, "error": "Not Found",
                            "message": "Formation introuvable"})  # fmt: skip
    if not formation.get("rdvContext"):
        return Answer(200, {"error": "Prise de rendez-vous non disponible."})
    return Answer(200, rdv_context(formation, body["referrer"]))


def rdv_v2_appointment(
    server: FakeUpstream, body: dict[str, Any], _headers: Any, _m: re.Match[str]
) -> Answer:
    """`POST /v2/appointment` (API key): the same context, found by one of three ids."""
    from tests.fake_upstream.data import rdv_context

    keys = [k for k in ("parcoursup_id", "onisep_id", "cle_ministere_educatif") if k in body]
    if len(keys) != 1 or len(body) != 1 or not isinstance(body[keys[0]], str):
        return _body_error(["body: Invalid input"])
    formation = (
        server.state.formation_by_id(body["cle_ministere_educatif"])
        if keys[0] == "cle_ministere_educatif"
        else None
    )
    if formation is None or not formation.get("rdvContext"):
        return Answer(200, {"error": "Appointment request not available"})
    context = rdv_context(formation, "lba")
    context.pop("id_rco_formation")
    return Answer(200, context)


def validate_rdv_body(body: dict[str, Any]) -> list[str]:
    """The validate route's checks, in the order the upstream form applies them."""
    from tests.fake_upstream.data import RDV_FIELDS, RDV_REASONS

    errors = [f"body.{k}: Unrecognized key" for k in body if k not in RDV_FIELDS]
    for name in RDV_FIELDS:
        value = body.get(name)
        if name == "applicantMessageToCfa":
            if value is not None and not isinstance(value, str):
                errors.append(f"body.{name}: Expected string, received {type(value).__name__}")
        elif name == "applicantReasons":
            if not isinstance(value, list) or not value:
                errors.append(f"body.{name}: Array must contain at least 1 element(s)")
            elif any(r not in RDV_REASONS for r in value):
                errors.append(f"body.{name}: Invalid enum value")
        elif not isinstance(value, str) or not value.strip():
            errors.append(f"body.{name}: Required")
    if errors:
        return errors
    for name in ("firstname", "lastname"):
        if len(body[name]) > 50:
            errors.append(f"body.{name}: String must contain at most 50 character(s)")
    if not _RDV_PHONE.match(body["phone"]):
        errors.append("body.phone: Invalid phone number")
    if not _RDV_EMAIL.match(body["email"]):
        errors.append("body.email: Invalid email")
    if body["type"] not in ("etudiant", "parent"):
        errors.append("body.type: Invalid enum value")
    if "autre" in body["applicantReasons"] and not (body.get("applicantMessageToCfa") or ""):
        errors.append("body.applicantMessageToCfa: Required with reason autre")
    return errors


def rdv_validate(
    server: FakeUpstream, body: dict[str, Any], headers: Any, _m: re.Match[str]
) -> Answer:
    """`POST /appointment-request/validate` (no idempotency upstream: a header is ignored)."""
    from tests.fake_upstream.data import create_appointment

    key = (headers.get("Idempotency-Key") or "").strip()
    errors = validate_rdv_body(body)
    if errors:
        return _body_error(errors)
    status, answer = create_appointment(server.state, body, key)
    return Answer(status, answer)


def _bind_post(
    handler: PostHandler,
    body: dict[str, Any],
    headers: Any,
    server: FakeUpstream,
    _params: dict[str, str],
    match: re.Match[str],
) -> Answer:
    return handler(server, body, headers, match)


POST_ROUTES: list[tuple[str, str, bool, re.Pattern[str], PostHandler]] = [
    (name, family, auth, re.compile(pattern, re.IGNORECASE), handler)
    for name, family, auth, pattern, handler in (
        (
            "rdv_context",
            "appointments",
            False,
            r"^/api/appointment-request/context/create$",
            rdv_context_create,
        ),
        ("rdv_v2_appointment", "appointments", True, r"^/api/v2/appointment$", rdv_v2_appointment),
        (
            "rdv_validate",
            "appointments",
            False,
            r"^/api/appointment-request/validate$",
            rdv_validate,
        ),
    )
]


class RateWindows:
    """Sliding one-second windows per route family."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock  # tests may freeze it to make the limit deterministic
        self._calls: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, family: str) -> bool:
        now = self.clock()
        limit = RATE_LIMITS.get(family)
        if limit is None:
            return True
        window = self._calls[family]
        while window and now - window[0] >= 1.0:
            window.popleft()
        if len(window) >= limit:
            return False
        window.append(now)
        return True


def _subsource_errors(body: Any, names: list[str]) -> Any:
    """Replace the named sub-sources by the upstream `{result: "error", …}` object."""
    if not isinstance(body, dict) or not names:
        return body
    failure = {"result": "error", "error": "internal_error", "message": "Source indisponible"}
    body = dict(body)
    for name in names:
        if name in body:
            body[name] = dict(failure)
        jobs = body.get("jobs")
        if isinstance(jobs, dict) and name in jobs:
            body["jobs"] = {**jobs, name: dict(failure)}
    return body


class FakeHandler(BaseHTTPRequestHandler):
    server_version = "FakeLBA/1.0"
    fake: FakeUpstream  # set on the subclass built by FakeUpstream

    def log_message(self, format: str, *args: Any) -> None:
        if self.fake.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if parts.path == "/__faults":
            self._send(Answer(200, self.fake.faults.as_dict()))
            return
        if parts.path == "/__calls":
            with self.fake.state.lock:
                self._send(Answer(200, dict(self.fake.state.calls)))
            return
        for name, family, auth, pattern, handler in ROUTES:
            match = pattern.match(parts.path)
            if match:
                self._route(name, family, auth, handler, params, match)
                return
        self._send(Answer(404, {"error": "not_found", "message": f"Route {parts.path} inconnue"}))

    def do_HEAD(self) -> None:
        """As the upstream's server does: a GET route's headers, a 404 elsewhere (the bare API
        root the application's network check asks), never a body."""
        path = urlsplit(self.path).path
        known = any(pattern.match(path) for _n, _f, _a, pattern, _h in ROUTES)
        self.send_response(200 if known else 404)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b"{}"
        path = urlsplit(self.path).path
        try:
            payload = json.loads(raw or b"{}")
            if path == "/__faults":
                self.fake.faults.set(**payload)
                self._send(Answer(200, self.fake.faults.as_dict()))
            elif path == "/__reset":
                self.fake.faults.reset()
                with self.fake.state.lock:
                    self.fake.state.calls.clear()
                self._send(Answer(200, {"ok": True}))
            elif self._post_route(path, payload):
                pass
            else:
                self._send(Answer(404, {"error": "not_found"}))
        except (ValueError, TypeError) as exc:
            self._send(Answer(400, {"error": "bad_request", "message": str(exc)}))

    def _post_route(self, path: str, payload: Any) -> bool:
        for name, family, auth, pattern, post_handler in POST_ROUTES:
            match = pattern.match(path)
            if not match:
                continue
            if not isinstance(payload, dict):
                self._send(_body_error(["body: Expected object"]))
                return True
            # Bind body and headers so `_route` keeps its GET-style handler signature.
            bound = functools.partial(_bind_post, post_handler, payload, self.headers)
            self._route(name, family, auth, bound, {}, match)
            return True
        return False

    def _route(
        self,
        name: str,
        family: str,
        auth: bool,
        handler: Handler,
        params: dict[str, str],
        match: re.Match[str],
    ) -> None:
        fake, faults = self.fake, self.fake.faults
        with fake.state.lock:
            fake.state.calls[name] += 1
        if not faults.count_call():
            self._cut()
            return
        if faults.consume("timeout", name):
            # Wait past the client's read timeout; stop() wakes us so shutdown is quick.
            fake.stopping.wait(faults.delay)
        if faults.consume("http_500", name):
            self._send(Answer(500, {"statusCode": 500, "error": "Internal Server Error",
                                    "message": "Erreur interne simulée"}))  # fmt: skip
            return
        if faults.consume("http_429", name):
            self._too_many(faults.retry_after)
            return
        if auth and not self._authorised():
            self._send(Answer(401, {"statusCode": 401, "error": "Unauthorized",
                                    "message": "Unauthorized"}))  # fmt: skip
            return
        if fake.state.rate_limits_enabled:
            with fake.state.lock:
                allowed = fake.rate_windows.allow(family)
            if not allowed:
                self._too_many("1")
                return
        answer = handler(fake, params, match)
        if answer.status == 200 and faults.applies(name) and not isinstance(answer.body, bytes):
            answer = Answer(200, _subsource_errors(answer.body, faults.subsource_error))
            if faults.consume("malformed_json", name):
                self._send_raw(200, b'{"results": [{"id": "abc", "title": ', truncate=False)
                return
            if faults.consume("truncated_body", name):
                self._send_raw(200, json.dumps(answer.body).encode(), truncate=True)
                return
        self._send(answer)

    def _authorised(self) -> bool:
        value = (self.headers.get("authorization") or "").strip()
        if value.lower().startswith("bearer "):
            value = value[7:].strip()
        return value in self.fake.state.api_keys

    def _too_many(self, retry_after: str) -> None:
        self._send(
            Answer(
                429,
                {"statusCode": 429, "error": "Too Many Requests", "message": "Rate limit exceeded"},
                (("Retry-After", retry_after),),
            )
        )

    def _cut(self) -> None:
        # Close without a status line: the client sees the connection dropped.
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send(self, answer: Answer) -> None:
        raw = isinstance(answer.body, bytes)  # a file (CSV export) is sent as it is
        body = answer.body if raw else json.dumps(answer.body, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(answer.status)
            if not raw:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for key, value in answer.headers:
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test): nothing to answer to

    def _send_raw(self, status: int, body: bytes, *, truncate: bool) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2] if truncate else body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return
        if truncate:
            self._cut()
