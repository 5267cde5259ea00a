"""The officers' web page (``eligibility serve``): FastAPI routes over the library facade and the templates.

Each route is one facade call plus parsing and rendering — ``api.evaluate`` / ``api.explain`` for a check,
``api.screen_file`` for a pool, ``api.load_rules`` data for the rules pages. Pages are Vietnamese, work
without JavaScript (a little plain JavaScript adds rows, filters titles, shows the options of the chosen
action and moves the progress bar), and load nothing from another site: stylesheets, scripts and the
OpenAPI docs' files are served by this server.

Personal data: uploads are size-limited (:class:`Settings`), handled in a temporary folder that is removed
when the response is done (a pool's folder: an hour after its screening ends); nothing personal is logged
(the access log gives the method, the path without its query, the status and the time; errors are logged
by their type only).
"""

from __future__ import annotations

import hmac
import json
import logging
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi_offline import FastAPIOffline
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eligibility import api, templates
from eligibility.errors import EligibilityError, EngineError, InputError, Problem
from eligibility.explain import names
from eligibility.explain.render import render_json
from eligibility.model import levels as lv
from eligibility.rulepack.loader import RulePack
from eligibility.serialize import to_data
from eligibility.web import form as fm
from eligibility.web.jobs import REPORTS, Jobs
from eligibility.web.rules_view import criterion_context, default_cases_dir, index_context

log = logging.getLogger("eligibility.web")
TOKEN_COOKIE = "eligibility_token"
PROFILE_SUFFIXES = (".yaml", ".yml", ".json")
POOL_SUFFIXES = (".xlsx", ".csv", ".jsonl")
MEDIA = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".html": "text/html; charset=utf-8",
    ".jsonl": "application/x-ndjson",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class Settings:
    token: str | None = None  # required on every request when set (always set for a non-loopback bind)
    max_upload_mb: float = 20.0  # the largest request body accepted (a pool file, a profile)
    keep_seconds: float = 3600.0  # how long a pool's reports stay downloadable
    rules: str | None = None  # a rule-pack directory (default: the bundled rules)
    tmp_root: str | None = None  # where the temporary folders go (default: the system's)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


# ----- middleware: size limit, token, headers, an access log without personal data -----------------
class BodyLimit:
    """Refuse a request whose body is larger than the limit (413), by its Content-Length or as it streams."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(self.limit)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(self.limit)(scope, receive, send)


class _TooLarge(Exception):
    pass


def _too_large(limit: int) -> Response:
    mb = f"{limit / 1024 / 1024:g}"
    return PlainTextResponse(f"Tệp quá lớn (tối đa {mb} MB) / the upload is larger than {mb} MB", status_code=413)


def _problems_json(exc: EligibilityError) -> dict[str, Any]:
    """The CLI's problems as JSON: each with the field, the value, and the Vietnamese and English text."""
    return {
        "errors": [
            {"field": p.location, "value": None if p.value is None else str(p.value), "vi": p.vi, "en": p.en}
            | ({"row": p.row} if p.row is not None else {})
            for p in exc.problems
        ]
    }


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application (``uvicorn`` serves it; tests call it through a test client)."""
    settings = settings or Settings()
    jobs = Jobs(settings.keep_seconds, Path(settings.tmp_root) if settings.tmp_root else None)
    rules = api.rules_of(settings.rules)
    cases_dir = default_cases_dir(rules)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            jobs.close()

    app = FastAPIOffline(
        title="eligibility",
        summary="Kiểm tra điều kiện, tiêu chuẩn cán bộ — personnel eligibility checks with legal sources",
        version=_version(),
        lifespan=lifespan,
    )
    app.state.jobs = jobs
    app.state.settings = settings

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        if settings.token is not None:
            given = _token_of(request)
            if given is None or not hmac.compare_digest(given.encode(), settings.token.encode()):
                response: Response = PlainTextResponse("Cần mã truy cập (token) / a token is required", status_code=401)
                _log(request, response.status_code, started)
                return response
            if request.query_params.get("token") and request.method == "GET":
                # the token came in the address: keep it in a cookie and drop it from the address
                query = "&".join(f"{k}={v}" for k, v in request.query_params.multi_items() if k != "token")
                response = RedirectResponse(request.url.path + (f"?{query}" if query else ""), status_code=303)
                response.set_cookie(TOKEN_COOKIE, settings.token, httponly=True, samesite="strict")
                _log(request, response.status_code, started)
                return response
        try:
            response = await call_next(request)
        except Exception as exc:  # noqa: BLE001 - logged by type only: a message may hold a person's data
            log.error("lỗi máy chủ / server error: %s on %s %s", type(exc).__name__, request.method, request.url.path)
            response = HTMLResponse(_page_error(500, [Problem("", "lỗi máy chủ", "server error")]), status_code=500)
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'"
        )
        _log(request, response.status_code, started)
        return response

    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes)

    # ----- static files (the package's; nothing from another site) ---------------------------------
    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in STATIC:
            return PlainTextResponse("không có / not found", status_code=404)
        media = "text/css" if name.endswith(".css") else "text/javascript"
        return Response(str(templates.static_text(name)), media_type=f"{media}; charset=utf-8")

    # ----- check one person --------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def check_form() -> HTMLResponse:
        return HTMLResponse(_form_page(rules, fm.FormData(), []))

    @app.post("/", response_class=HTMLResponse, include_in_schema=False)
    async def check_submit(request: Request) -> Response:
        data = fm.form_data(await request.form())
        try:
            profile = api.profile_of(fm.profile_dict(data, rules))
            req = fm.request_dict(data, rules)
            tl = api.explain(profile, req, rules)
        except EligibilityError as exc:
            return HTMLResponse(_form_page(rules, data, list(exc.problems)), status_code=422)
        except EngineError:
            problems = [Problem("", "lỗi bộ máy suy luận (không phải kết luận)", "engine fault (not a verdict)")]
            return HTMLResponse(_form_page(rules, data, problems), status_code=500)
        from eligibility.explain import timeline

        context = timeline.timeline_context(tl, "vi")
        page = templates.render(
            "web/result.html.j2",
            d=_record(tl.decision, context, profile, rules),
            t=None,
            full=context,
            lang="vi",
            stylesheets=["web.css", "record.css"],
            inline_static=False,
            static_url="/static",
            carry=json.dumps(
                {"profile": profile.model_dump(mode="json", by_alias=True, exclude_none=True), "request": req},
                ensure_ascii=False,
            ),
            nav="check",
        )
        return HTMLResponse(page)

    @app.post("/prefill", response_class=HTMLResponse, include_in_schema=False)
    async def prefill(file: Annotated[UploadFile, File()], row: Annotated[int, Form()] = 1) -> Response:
        """The form filled from an uploaded profile (YAML/JSON) or one row of a pool spreadsheet."""
        suffix = Path(file.filename or "").suffix.lower()
        with _temporary(settings) as folder:
            path = folder / f"upload{suffix}"
            path.write_bytes(await file.read())
            try:
                profile, request = _read_profile(path, row, rules)
            except EligibilityError as exc:
                return HTMLResponse(_form_page(rules, fm.FormData(), list(exc.problems)), status_code=422)
        return HTMLResponse(_form_page(rules, fm.from_profile(profile, request, rules), [], loaded=file.filename))

    @app.post("/prefill-json", response_class=HTMLResponse, include_in_schema=False)
    async def prefill_json(carry: Annotated[str, Form()]) -> Response:
        """The form filled again from a result (to correct the file and check again)."""
        data = json.loads(carry)
        try:
            profile = api.profile_of(data["profile"])
        except EligibilityError as exc:
            return HTMLResponse(_form_page(rules, fm.FormData(), list(exc.problems)), status_code=422)
        return HTMLResponse(_form_page(rules, fm.from_profile(profile, data.get("request"), rules), []))

    @app.post("/profile.yaml", include_in_schema=False)
    async def save_yaml(request: Request) -> Response:
        """The form (or the profile of a result) saved as a YAML profile file."""
        raw = await request.form()
        try:
            if "carry" in raw:
                profile = api.profile_of(json.loads(str(raw["carry"]))["profile"])
            else:
                profile = api.profile_of(fm.profile_dict(fm.form_data(raw), rules))
        except EligibilityError as exc:
            return HTMLResponse(_form_page(rules, fm.form_data(raw), list(exc.problems)), status_code=422)
        return Response(
            fm.profile_yaml(profile),
            media_type="application/yaml; charset=utf-8",
            headers={"Content-Disposition": _attachment(f"ho-so-{profile.id}.yaml")},
        )

    @app.post("/record.docx", include_in_schema=False)
    async def record_docx(carry: Annotated[str, Form()]) -> Response:
        """The record of a result as .docx (for a tờ trình)."""
        from eligibility.explain import timeline
        from eligibility.explain.record_docx import build_docx

        data = json.loads(carry)
        try:
            profile = api.profile_of(data["profile"])
            tl = api.explain(profile, data["request"], rules)
        except EligibilityError as exc:
            return HTMLResponse(_page_error(422, list(exc.problems)), status_code=422)
        body = build_docx(tl.decision, "vi", timeline=timeline.timeline_context(tl, "vi"), profile=profile, rules=rules)
        return Response(
            body, media_type=MEDIA[".docx"], headers={"Content-Disposition": _attachment(f"phieu-{profile.id}.docx")}
        )

    # ----- screen a pool ------------------------------------------------------------------------------
    @app.get("/screen", response_class=HTMLResponse, include_in_schema=False)
    def screen_form() -> HTMLResponse:
        return HTMLResponse(_screen_page(rules, {}, []))

    @app.post("/screen", include_in_schema=False)
    async def screen_submit(request: Request) -> Response:
        raw = await request.form()
        upload = raw.get("file")
        values = {k: str(v) for k, v in raw.items() if isinstance(v, str)}
        actions = [str(a) for a in raw.getlist("action") if str(a)]
        problems = _screen_problems(upload, actions)
        if problems:
            return HTMLResponse(_screen_page(rules, values, problems), status_code=422)
        assert not isinstance(upload, str) and upload is not None
        suffix = Path(upload.filename or "").suffix.lower()
        folder = jobs.folder()
        pool = folder / f"danh-sach{suffix}"
        pool.write_bytes(await upload.read())
        req = fm.request_dict(fm.FormData({**values, "action": actions[0]}), rules)
        job = jobs.start(folder, pool, req)
        return RedirectResponse(f"/screen/{job.id}", status_code=303)

    @app.get("/screen/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def screen_job(job_id: str) -> Response:
        job = jobs.get(job_id)
        if job is None:
            return HTMLResponse(_page_error(404, [_gone()]), status_code=404)
        if job.state == "failed":
            return HTMLResponse(_screen_page(rules, {}, job.problems), status_code=422)
        report = None
        if job.state == "done":
            from eligibility.batch.writers import report_context

            report = report_context(job.run.report)
        page = templates.render(
            "web/screen_job.html.j2",
            job=job,
            progress=job.progress(),
            r=report,
            request_items=names.request_items(job.request, rules),
            seconds=round(job.run.seconds, 1) if job.run is not None else None,
            lang="vi",
            stylesheets=["report.css", "web.css"],
            inline_static=False,
            static_url="/static",
            nav="screen",
        )
        return HTMLResponse(page)

    @app.get("/screen/{job_id}/progress", include_in_schema=False)
    def screen_progress(job_id: str) -> Response:
        job = jobs.get(job_id)
        if job is None:
            return JSONResponse({"state": "gone"}, status_code=404)
        return JSONResponse(job.progress())

    @app.get("/screen/{job_id}/{name}", include_in_schema=False)
    def screen_report(job_id: str, name: str) -> Response:
        job = jobs.get(job_id)
        suffix = Path(name).suffix
        if job is None or job.state != "done" or suffix not in REPORTS or name != f"bao-cao{suffix}":
            return HTMLResponse(_page_error(404, [_gone()]), status_code=404)
        download = suffix != ".html"
        return FileResponse(
            job.report(suffix),
            media_type=MEDIA[suffix],
            headers={"Content-Disposition": _attachment(name)} if download else None,
        )

    # ----- the rules ------------------------------------------------------------------------------------
    @app.get("/rules", response_class=HTMLResponse, include_in_schema=False)
    def rules_index() -> HTMLResponse:
        return HTMLResponse(_page("web/rules.html.j2", c=index_context(rules), nav="rules"))

    @app.get("/rules/{criterion_id}", response_class=HTMLResponse, include_in_schema=False)
    def rule_page(criterion_id: str) -> Response:
        try:
            context = criterion_context(rules, criterion_id, cases_dir)
        except KeyError:
            return HTMLResponse(
                _page_error(404, [Problem(criterion_id, "không có tiêu chí này", "no such criterion")]), status_code=404
            )
        return HTMLResponse(_page("web/rule.html.j2", c=context, nav="rules"))

    # ----- the JSON API --------------------------------------------------------------------------------
    @app.post(
        "/api/check",
        tags=["api"],
        summary="Kiểm tra một hồ sơ / check one profile",
        response_description="the JSON of `eligibility check --format json`",
        responses={422: {"description": "bad profile or request: problems naming the field, in vi and en"}},
    )
    def api_check(body: dict[str, Any]) -> Response:
        """`{"profile": {...}, "request": {...}}` → the decision, exactly as `eligibility check --format json`
        prints it. A bad profile or request → 422 with `errors` (`field`, `value`, `vi`, `en`)."""
        profile, request = body.get("profile"), body.get("request")
        if not isinstance(profile, dict) or not isinstance(request, dict):
            exc = InputError(
                Problem(
                    "body",
                    "cần 'profile' và 'request' (đối tượng JSON)",
                    "'profile' and 'request' (JSON objects) are needed",
                )
            )
            return JSONResponse(_problems_json(exc), status_code=422)
        try:
            decision = api.evaluate(profile, request, rules)
        except EligibilityError as exc:
            return JSONResponse(_problems_json(exc), status_code=422)
        return Response(render_json(decision) + "\n", media_type="application/json")

    @app.post(
        "/api/screen",
        tags=["api"],
        summary="Rà soát một danh sách / screen a pool file",
        responses={422: {"description": "the file or the request cannot be screened"}},
    )
    async def api_screen(
        file: Annotated[UploadFile, File(description=".xlsx, .csv or .jsonl")],
        request: Annotated[
            str,
            Form(
                description='the request as JSON, e.g. {"action": "appointment", "post": "giam-doc-so", "date": "2025-11-03"}'
            ),
        ],
        format: Annotated[
            str, Form(description="json (the pool report) | xlsx | html | jsonl (the report file)")
        ] = "json",
    ) -> Response:
        """A pool file and a request → the pool report as JSON (or one of the report files)."""
        suffix = Path(file.filename or "").suffix.lower()
        try:
            req = json.loads(request)
            if not isinstance(req, dict):
                raise ValueError
        except ValueError:
            exc = InputError(Problem("request", "cần một đối tượng JSON", "a JSON object is needed", request))
            return JSONResponse(_problems_json(exc), status_code=422)
        if format not in ("json", "xlsx", "html", "jsonl"):
            exc = InputError(
                Problem("format", "chọn json, xlsx, html hoặc jsonl", "choose json, xlsx, html or jsonl", format)
            )
            return JSONResponse(_problems_json(exc), status_code=422)
        with _temporary(settings) as folder:
            pool = folder / f"danh-sach{suffix}"
            pool.write_bytes(await file.read())
            out = folder / f"bao-cao.{format}"
            try:
                run = api.screen_file(pool, req, rules, out=[out] if format != "json" else [])
            except EligibilityError as exc:
                return JSONResponse(_problems_json(exc), status_code=422)
            if format == "json":
                return JSONResponse({"report": to_data(run.report), "seconds": round(run.seconds, 3)})
            body = out.read_bytes()
        return Response(body, media_type=MEDIA[f".{format}"], headers={"Content-Disposition": _attachment(out.name)})

    return app


STATIC = ("record.css", "report.css", "web.css", "web.js", "sortable.js")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("eligibility")
    except PackageNotFoundError:  # pragma: no cover
        return "0"


def _token_of(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE)


def _log(request: Request, status: int, started: float) -> None:
    log.info("%s %s %d %.0f ms", request.method, request.url.path, status, (time.perf_counter() - started) * 1000)


@contextmanager
def _temporary(settings: Settings) -> Iterator[Path]:
    """A folder for one request's upload, removed when the response is done."""
    folder = Path(tempfile.mkdtemp(prefix="eligibility-web-", dir=settings.tmp_root))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _attachment(name: str) -> str:
    from urllib.parse import quote

    ascii_name = lv.fold(name).replace(" ", "-") or "tep"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def _gone() -> Problem:
    return Problem(
        "", "không còn kết quả này (kết quả được giữ 1 giờ)", "this result is gone (results are kept for an hour)"
    )


def _read_profile(path: Path, row: int, rules: RulePack) -> tuple[Any, dict[str, Any]]:
    """A profile from an uploaded file: a YAML/JSON profile, or row ``row`` (1 = the first person) of a pool."""
    suffix = path.suffix.lower()
    if suffix in PROFILE_SUFFIXES:
        return api.profile_of(path), {}
    if suffix not in POOL_SUFFIXES:
        raise InputError(
            Problem(
                "tệp",
                "dùng tệp hồ sơ .yaml/.json hoặc danh sách .xlsx/.csv/.jsonl",
                "use a .yaml/.json profile or an .xlsx/.csv/.jsonl pool",
                path.suffix,
            )
        )
    from eligibility.batch.reader import read_pool

    for i, item in enumerate(read_pool(path, titles=rules.titles), start=1):
        if i < row:
            continue
        item.resolve()
        if item.problems:
            raise InputError(item.problems)
        profile = item.profile if item.profile is not None else api.profile_of(item.data or {})
        return profile, dict(item.request)
    raise InputError(Problem("dòng", f"tệp không có người thứ {row}", f"the file has no person number {row}", row))


def _screen_problems(upload: Any, actions: list[str]) -> list[Problem]:
    problems = []
    if upload is None or isinstance(upload, str) or not upload.filename:
        problems.append(Problem("tệp", "chọn tệp danh sách (.xlsx, .csv, .jsonl)", "choose a pool file"))
    elif Path(upload.filename).suffix.lower() not in POOL_SUFFIXES:
        problems.append(
            Problem("tệp", "dùng tệp .xlsx, .csv hoặc .jsonl", "use an .xlsx, .csv or .jsonl file", upload.filename)
        )
    if not actions:
        problems.append(Problem("action", "chọn việc cần xét", "choose the action"))
    elif len(actions) > 1:
        problems.append(
            Problem("action", "hiện mỗi lần rà soát một việc", "one action at a time for now", ", ".join(actions))
        )
    return problems


def _page(name: str, **context: Any) -> str:
    return templates.render(
        name, lang="vi", stylesheets=["web.css"], inline_static=False, static_url="/static", **context
    )


def _page_error(status: int, problems: list[Problem]) -> str:
    return _page("web/error.html.j2", status=status, problems=_shown(problems), nav="")


def _shown(problems: list[Problem]) -> list[dict[str, Any]]:
    return [
        {"field": fm.field_label(p.location) if p.location else "", "vi": p.vi, "value": p.value, "row": p.row}
        for p in problems
    ]


def _record(d: Any, timeline: dict[str, Any], profile: Any, rules: RulePack) -> dict[str, Any]:
    from eligibility.explain.render import decision_context

    return decision_context(d, "vi", profile=profile, rules=rules, timeline=timeline)


def _form_page(rules: RulePack, data: fm.FormData, problems: list[Problem], loaded: str | None = None) -> str:
    provinces = sorted(
        (p for p in (rules.localities.provinces.values() if rules.localities else []) if p.kind != "abroad"),
        key=lambda p: lv.fold(p.vi),
    )
    return _page(
        "web/form.html.j2",
        f=data,
        problems=_shown(problems),
        loaded=loaded,
        choices=fm.CHOICES,
        titles=sorted(
            ((t.vi, names.vocab_label(lv.LEVEL, t.level)) for t in rules.titles.values()), key=lambda x: lv.fold(x[0])
        ),
        provinces=[(p.code, p.vi) for p in provinces if p.until is None],
        former=[(p.code, f"{p.vi} (đến {names.date_text(p.until)})") for p in provinces if p.until is not None],
        events=[(code, e.vi) for code, e in rules.events.items()],
        option_actions={k: " ".join(v) for k, v in fm.REQUEST_FIELDS.items()},
        nav="check",
    )


def _screen_page(rules: RulePack, values: dict[str, str], problems: list[Problem]) -> str:
    provinces = sorted(
        (
            p
            for p in (rules.localities.provinces.values() if rules.localities else [])
            if p.kind != "abroad" and p.until is None
        ),
        key=lambda p: lv.fold(p.vi),
    )
    return _page(
        "web/screen.html.j2",
        v=values,
        problems=_shown(problems),
        choices=fm.CHOICES,
        titles=sorted(
            ((t.vi, names.vocab_label(lv.LEVEL, t.level)) for t in rules.titles.values()), key=lambda x: lv.fold(x[0])
        ),
        provinces=[(p.code, p.vi) for p in provinces],
        events=[(code, e.vi) for code, e in rules.events.items()],
        nav="screen",
    )


__all__ = ["Settings", "create_app"]
