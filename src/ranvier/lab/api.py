"""The lab's JSON API, beside the pages on the same server.

* ``GET /api/experiments``: every experiment with its parameters (default, unit, range, help).
* ``GET /api/experiments/NAME/run?param=value&...`` (or ``POST`` a JSON object of parameters):
  exactly what ``ranvier experiment NAME --json`` prints.
* ``GET /api/seed/run?param=value&...``: the seed page's run, the summary ``ranvier run --json``
  prints, with the page's parameters.

Bad input is answered with 4xx and a JSON ``{"error": ...}`` naming the parameter, the value and
the allowed range: 404 for an unknown experiment, 400 for an unknown parameter, a value that is
not a number or is out of range, 422 where valid parameters ask for something the model cannot do
(for example no resting state). Checks run before anything is simulated. The answers are computed
on the lab's one simulation thread (:mod:`ranvier.lab.runner`), never on the event loop.
"""

from __future__ import annotations

import asyncio
import json
import math

from ranvier.errors import RanvierError, SimulationError, check_int, check_name

MAX_BODY_BYTES = 64 * 1024


class BadRequest(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def parse_values(pairs: list[tuple[str, object]], params: dict) -> dict[str, float]:
    """Parameter name -> number, from query or JSON pairs; checked against ``params`` (name -> Param)."""
    from ranvier.lab.scenes import is_integer

    given: dict[str, float] = {}
    for key, raw in pairs:
        if key in given:
            raise BadRequest(400, f"parameter {key!r} is given more than once")
        try:
            check_name("parameter", key, params)
        except RanvierError as e:
            raise BadRequest(400, str(e)) from None
        p = params[key]
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            raise BadRequest(400, _range_text(p, f"must be a number, got {raw!r}"))
        try:
            value = float(raw)
        except (TypeError, ValueError, OverflowError):
            raise BadRequest(400, _range_text(p, f"must be a number, got {raw!r}")) from None
        try:
            value = p.check(value)
            if is_integer(p):
                value = check_int(p.name, value, int(p.lo), int(p.hi))
        except RanvierError as e:
            raise BadRequest(400, str(e)) from None
        given[key] = value
    return given


def _range_text(p, what: str) -> str:
    unit = f" {p.unit}" if p.unit else ""
    return f"{p.name} {what}; allowed range [{p.lo:g}, {p.hi:g}]{unit}"


def experiments_listing() -> dict:
    from ranvier.experiments import catalogue
    from ranvier.lab.scenes import param_table
    from ranvier.lab.seed_model import SEED_PARAMS

    return {
        "experiments": [{"name": n, "title": ex.title, "question": ex.question, "params": param_table(n),
                         "run": f"/api/experiments/{n}/run"} for n, ex in catalogue().items()],
        "seed": {"params": [{"name": p.name, "default": p.default, "unit": p.unit, "min": p.lo, "max": p.hi,
                             "help": p.help, "integer": False} for p in SEED_PARAMS], "run": "/api/seed/run"},
    }


def _json(obj) -> str:
    """JSON as ``ranvier experiment --json`` writes it (non-finite numbers become null to stay valid JSON)."""
    def clean(x):
        if isinstance(x, float) and not math.isfinite(x):
            return None
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [clean(v) for v in x]
        return x

    return json.dumps(clean(obj))


def handlers() -> list:
    """Tornado URL patterns for the API (imported only when the server starts)."""
    from tornado.web import RequestHandler

    from ranvier.lab.runner import params_key, runner

    class _Base(RequestHandler):
        def set_default_headers(self) -> None:
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.set_header("Cache-Control", "no-store")

        def write_error(self, status_code: int, **kwargs) -> None:  # tornado's own errors (405, 500) as JSON
            self.finish(_json({"error": self._reason}))

        def fail(self, status: int, message: str) -> None:
            self.set_status(status)
            self.finish(_json({"error": message}))

        def pairs(self) -> list[tuple[str, object]]:
            out: list[tuple[str, object]] = []
            for k, values in self.request.query_arguments.items():
                for v in values:
                    out.append((k, v.decode("utf-8", "replace")))
            if self.request.method == "POST" and self.request.body:
                if len(self.request.body) > MAX_BODY_BYTES:
                    raise BadRequest(413, f"the request body is larger than {MAX_BODY_BYTES} bytes")
                try:
                    body = json.loads(self.request.body)
                except (ValueError, UnicodeDecodeError):
                    raise BadRequest(400, "the request body must be a JSON object of parameter: number") from None
                if not isinstance(body, dict):
                    raise BadRequest(400, "the request body must be a JSON object of parameter: number")
                out += list(body.items())
            return out

        async def compute(self, key, fn):
            fut = runner().submit(key, fn)
            try:
                return await asyncio.wrap_future(fut)
            except (RanvierError, SimulationError) as e:
                raise BadRequest(422, f"these parameters are in range but the model cannot run them: {e}") from None

    class ListHandler(_Base):
        def get(self) -> None:
            self.finish(_json(experiments_listing()))

    class RunHandler(_Base):
        async def get(self, name: str) -> None:
            await self._run(name)

        async def post(self, name: str) -> None:
            await self._run(name)

        async def _run(self, name: str) -> None:
            from ranvier.experiments import catalogue
            from ranvier.lab.scenes import api_payload, run_scene

            try:
                cat = catalogue()
                try:
                    check_name("experiment", name, cat)
                except RanvierError as e:
                    raise BadRequest(404, str(e)) from None
                ex = cat[name]
                given = parse_values(self.pairs(), {p.name: p for p in ex.params})
                full = ex.check_params(**given)
                run = await self.compute(params_key(f"scene:{name}", full), lambda: run_scene(name, full))
                self.finish(_json(api_payload(run)))
            except BadRequest as e:
                self.fail(e.status, e.message)

    class SeedHandler(_Base):
        async def get(self) -> None:
            await self._run()

        async def post(self) -> None:
            await self._run()

        async def _run(self) -> None:
            from ranvier.lab.seed_model import SEED_BY_NAME, check_seed_params, run_seed

            try:
                full = check_seed_params(parse_values(self.pairs(), SEED_BY_NAME))
                run = await self.compute(params_key("seed", full), lambda: run_seed(full))
                self.finish(_json({"parameters": run.params, "summary": run.summary}))
            except BadRequest as e:
                self.fail(e.status, e.message)

    return [
        (r"/api/experiments/?", ListHandler),
        (r"/api/experiments/([^/]+)/run/?", RunHandler),
        (r"/api/seed/run/?", SeedHandler),
    ]
