"""Start the lab: the pages and the JSON API on one Panel (Bokeh/Tornado) server, on 127.0.0.1.

Why Panel: it is HoloViz's well-kept layer over the Bokeh server, the standard way to serve
interactive scientific-Python pages; its widgets (sliders with number boxes, a play control,
file downloads) are keyboard-operable, every JavaScript and CSS asset it needs ships inside the
Python packages and is served by this server (nothing is fetched from the internet), and the same
Tornado server carries the JSON API beside the pages.
"""

from __future__ import annotations

import sys
import threading

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def host_warning(host: str) -> str | None:
    """The warning printed when the lab listens on anything but the loopback interface."""
    if host in LOOPBACK:
        return None
    return (f"ranvier lab: warning: listening on {host}, not only on this machine (127.0.0.1): anyone who can "
            "reach it can open the lab and make it simulate; it has no login. Use --host only on a trusted network.")


def warm_up() -> threading.Thread:
    """Compile (or load from numba's cache) the kernels, and answer the seed page's defaults, in the background."""
    from ranvier.lab.runner import params_key, runner
    from ranvier.lab.seed_model import check_seed_params, run_seed

    full = check_seed_params({})
    # high external K+ leaves no resting state for Newton's method: rest is then found by relaxation,
    # a kernel the defaults never use; compile (or load) it now rather than on a student's first drag
    high_k = check_seed_params({"k_out_mM": 16.0, "tstop_ms": 10.0})

    def go():
        try:
            runner().submit(params_key("seed", full), lambda: run_seed(full)).result()
            runner().submit(params_key("seed", high_k), lambda: run_seed(high_k)).result()
            print("ranvier lab: warm-up done (kernels compiled, the seed page's default run is ready)",
                  file=sys.stderr, flush=True)
        except Exception as e:  # pragma: no cover - reported, the lab still serves
            print(f"ranvier lab: warm-up failed: {e}", file=sys.stderr, flush=True)

    t = threading.Thread(target=go, name="ranvier-lab-warm-up", daemon=True)
    t.start()
    return t


def make_server(host: str = "127.0.0.1", port: int = 5006, warm: bool = True):
    """A started-but-not-looping Panel server with every page and the API."""
    import panel as pn

    from ranvier.experiments import catalogue
    from ranvier.lab.api import handlers
    from ranvier.lab.pages import scene_page, seed_page

    def page_of(name: str):
        def page():  # Panel calls a plain function once per browser tab (it would draw a partial's repr)
            return scene_page(name)
        return page

    routes = {"/": seed_page}
    for name in catalogue():
        routes[f"/scene/{name}"] = page_of(name)
    origins = [f"{h}:{port}" for h in ("127.0.0.1", "localhost", host)]
    server = pn.serve(routes, address=host, port=port, show=False, start=False, title="ranvier lab",
                      extra_patterns=handlers(), websocket_origin=origins, threaded=False)
    if warm:
        warm_up()
    return server


def serve(host: str = "127.0.0.1", port: int = 5006, open_browser: bool = True, warm: bool = True) -> None:
    """Serve the lab until interrupted."""
    warning = host_warning(host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    server = make_server(host, port, warm)
    server.start()
    shown = "127.0.0.1" if host in LOOPBACK else host
    url = f"http://{shown}:{server.port}/"
    print(f"ranvier lab: serving on {url} (Ctrl+C stops it)", file=sys.stderr, flush=True)
    if open_browser:
        import webbrowser

        server.io_loop.add_callback(lambda: webbrowser.open(url))
    try:
        server.io_loop.start()
    except KeyboardInterrupt:
        print("ranvier lab: stopped", file=sys.stderr)
