"""Forecasts: fit a curve family to a benchmark's series, simulate paths, read them.

    with settings.reader() as store:
        series = load_series(store, "mmlu")      # trendlab.series; the store closes here
    result = forecast(series, family="logistic", until="2030")   # forecast.fit
    result.band()                                # median, lower, upper per grid point
    result.crossing(90.0)                        # when it reaches 90, and how surely
    result.to_json([90.0])

Modules: families (the curves), paths (simulation), axis (--until and the grid),
result (the Forecast object), describe (parameters for people), fit (the entry point);
backtest (one benchmark's rolling-origin backtest), calibrate and evaluate (what its
rows mean); against a store: cache (the forecast cache), scoring (backtests and their
scores) and prepare (a forecast's inputs, fitted and cached); decline (price trends).
This package's top level holds only names, so the command line can offer them as
choices without importing numpy.
"""

FAMILIES = ("logistic", "logistic4", "gompertz", "ensemble", "linear", "exponential")
BOUNDED_FAMILIES = ("logistic", "logistic4", "gompertz", "ensemble", "linear")
# The ensemble's members: every saturating family, weighted equally.
ENSEMBLE_MEMBERS = ("logistic", "logistic4", "gompertz")
COMBINED = ("ensemble",)  # families made from other families' forecasts, not fitted alone
UNBOUNDED_FAMILIES = ("exponential", "linear")
# The families that need both bounds: curves in logit space, which an S-curve is.
S_CURVES = tuple(f for f in BOUNDED_FAMILIES if f not in UNBOUNDED_FAMILIES)
CHOICES = ("auto", *FAMILIES)
AXES = ("date", "compute", "price")
# z (the fraction of the way from floor to ceiling) is kept in [EPS, 1 - EPS] wherever a
# logit is taken, so that a score at a bound has a finite one.
EPS = 1e-4
