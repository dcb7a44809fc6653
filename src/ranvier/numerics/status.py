"""Integer status codes returned by the kernels, turned into errors with a remedy by the caller."""

OK = 0
NONFINITE_VOLTAGE = 1
NOT_CONVERGED = 2

MESSAGES = {
    NONFINITE_VOLTAGE: (
        "the membrane potential became non-finite at t = {t:.4g} ms; the model is unstable "
        "(check for negative or enormous conductances, or reduce dt_ms)"
    ),
    NOT_CONVERGED: (
        "the cell found no resting state: it still changed by {t:.3g} mV per step after {iters} steps of "
        "relaxation, so it fires or oscillates on its own; give v_init_mV explicitly to start it anyway"
    ),
}
