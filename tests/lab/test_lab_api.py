"""The lab's server: where it listens, and its JSON API (same numbers as the CLI, 4xx on bad input, never 5xx)."""

from __future__ import annotations

import json
import math
from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lab_helpers import get, listening_addresses, post
from ranvier.experiments import catalogue
from ranvier.lab.api import BadRequest, parse_values
from ranvier.lab.server import host_warning

CHEAP = "resting-potential"  # pure NumPy (GHK, Nernst): valid requests to it are cheap enough to fuzz
CAT = catalogue()
ALL_PARAM_NAMES = sorted({p.name for ex in CAT.values() for p in ex.params})


def test_the_server_listens_on_127_0_0_1_only(lab_server):
    addrs = listening_addresses(lab_server.port)
    assert addrs, f"nothing listens on port {lab_server.port}"
    assert set(addrs) == {"127.0.0.1"}, f"`ranvier lab` without --host must listen on 127.0.0.1 only, found {addrs}"


def test_another_host_is_warned_about():
    assert host_warning("127.0.0.1") is None and host_warning("localhost") is None
    text = host_warning("0.0.0.0")
    assert text and "0.0.0.0" in text and "warning" in text


def test_listing_has_every_experiment_with_declared_ranges(lab_server):
    status, body = get(f"{lab_server.url}/api/experiments")
    assert status == 200
    listed = {e["name"]: e for e in body["experiments"]}
    assert set(listed) == set(CAT)
    for name, ex in CAT.items():
        got = {p["name"]: (p["default"], p["unit"], p["min"], p["max"]) for p in listed[name]["params"]}
        assert got == {p.name: (p.default, p.unit, p.lo, p.hi) for p in ex.params}, name


def test_run_answers_what_the_cli_prints(lab_server, capsys):
    from ranvier.cli import main

    assert main(["experiment", CHEAP, "--json", "--k_out_mM", "10", "--temperature_degC", "30"]) == 0
    cli = json.loads(capsys.readouterr().out)
    status, api = get(f"{lab_server.url}/api/experiments/{CHEAP}/run?k_out_mM=10&temperature_degC=30")
    assert status == 200, api
    assert api == cli
    status, api_post = post(f"{lab_server.url}/api/experiments/{CHEAP}/run",
                            json.dumps({"k_out_mM": 10, "temperature_degC": 30}).encode())
    assert status == 200 and api_post == cli


def test_bad_input_is_named_with_its_range(lab_server):
    status, body = get(f"{lab_server.url}/api/experiments/{CHEAP}/run?k_out_mM=500")
    assert status == 400 and "k_out_mM" in body["error"] and "[0.5, 150]" in body["error"], body
    status, body = get(f"{lab_server.url}/api/experiments/{CHEAP}/run?k_out_mM=lots")
    assert status == 400 and "k_out_mM" in body["error"] and "'lots'" in body["error"], body
    status, body = get(f"{lab_server.url}/api/experiments/{CHEAP}/run?k_out=5")
    assert status == 400 and "'k_out'" in body["error"] and "k_out_mM" in body["error"], body
    status, body = get(f"{lab_server.url}/api/experiments/resting-potentail/run")
    assert status == 404 and "Did you mean 'resting-potential'" in body["error"], body
    status, body = get(f"{lab_server.url}/api/experiments/demyelination/run?n_nodes=20.5")
    assert status == 400 and "n_nodes" in body["error"] and "[13, 41]" in body["error"], body
    status, body = get(f"{lab_server.url}/api/seed/run?temperature_degC=80")
    assert status == 400 and "temperature_degC" in body["error"] and "[20, 42]" in body["error"], body


def _oracle(name: str, pairs: list[tuple[str, object]]) -> tuple[int, str]:
    """What the API must answer, worked out here from the declarations: (status class, a word the error names)."""
    if name not in CAT:
        return 404, name
    params = {p.name: p for p in CAT[name].params}
    try:
        parse_values(pairs, params)
    except BadRequest as e:
        return e.status, e.message
    return 200, ""


values = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**30, 10**30),
                   st.text(max_size=12), st.sampled_from(["", "1e999", "-0", "0x10", "nan", "inf", "1_0"]))
keys = st.one_of(st.sampled_from(ALL_PARAM_NAMES), st.text(min_size=1, max_size=12))
names = st.one_of(st.sampled_from(sorted(CAT)), st.text(min_size=1, max_size=20))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.function_scoped_fixture])
@given(name=names, query=st.lists(st.tuples(keys, values), max_size=4, unique_by=lambda kv: kv[0]))
def test_fuzzed_queries_get_4xx_naming_the_problem_and_never_5xx(lab_server, name, query):
    pairs = [(k, str(v)) for k, v in query]
    expected, word = _oracle(name, pairs)
    # a valid request runs the experiment: only the cheap one is sent valid (the others take seconds)
    assume(expected != 200 or name == CHEAP)
    url = f"{lab_server.url}/api/experiments/{quote(name, safe='')}/run?{urlencode(pairs)}"
    status, body = get(url)
    assert status < 500, f"{url} -> {status} {body}"
    if name in ("", ".", "..") or "/" in name or "\\" in name or not name.isprintable():
        return  # such a path is not this route at all: any 4xx will do
    if expected == 200:
        assert status == 200, f"{url} -> {status} {body}"
        assert math.isfinite(body["summary"]["resting_potential_mV"])
    else:
        assert 400 <= status < 500, f"{url} -> {status} {body}"
        assert isinstance(body, dict) and body.get("error"), f"{url} -> {status} {body}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(body=st.one_of(st.binary(max_size=40), st.recursive(
    st.none() | st.booleans() | st.floats() | st.text(max_size=8),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.sampled_from(["k_out_mM", "p_na", "x"]), c, max_size=3),
    max_leaves=6).map(lambda o: json.dumps(o).encode())))
def test_fuzzed_json_bodies_never_get_5xx(lab_server, body):
    try:
        obj = json.loads(body)
    except ValueError:
        obj = None
    # an empty body asks for the defaults; anything else must be a JSON object of valid parameters
    valid = body == b"" or (isinstance(obj, dict) and _oracle(CHEAP, list(obj.items()))[0] == 200)
    status, answer = post(f"{lab_server.url}/api/experiments/{CHEAP}/run", body)
    assert status < 500, f"{body!r} -> {status} {answer}"
    assert (status == 200) == valid, f"{body!r} -> {status} {answer}"
