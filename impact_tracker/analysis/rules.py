"""Thresholds and constants of the run-chart and SPC rules, each naming the rule it implements."""

SHIFT_LENGTH = 6
"""IHI shift: 6 or more consecutive useful points on one side of the median."""

TREND_LENGTH = 5
"""IHI trend: 5 or more consecutive points all rising or all falling (ties counted once)."""

LONGEST_RUN_OFFSET = 3
"""Anhøj longest-run rule: a run is too long when it exceeds round(log2(n_useful)) + 3."""

CROSSINGS_ALPHA = 0.05
"""Anhøj crossings rule: fewest expected crossings is the 5th percentile of Binomial(n_useful - 1, 0.5)."""

MIN_RUN_CHART_POINTS = 10
"""Run-chart guidance (IHI, Anhøj): fewer than 10 points in a period makes the runs rules unreliable."""

MOVING_RANGE_SCREEN = 3.267
"""D4 for n = 2: moving ranges at or above 3.267 x the average moving range are screened out (Nelson)."""

D2 = 1.128
"""d2 for n = 2: sigma of an I chart is the average moving range / 1.128 (qicharts2)."""

I_CHART_SIGMAS = 3
"""Shewhart I chart: control limits sit 3 sigma either side of the centre line."""

MDC_LIMIT_FACTOR = 2.66
"""Making Data Count process limits: mean +/- 2.66 x the average moving range (NHSRplotthedots)."""

MDC_NEAR_LIMIT_FACTOR = 2 * MDC_LIMIT_FACTOR / 3
"""Making Data Count near-limit lines (two sigma): mean +/- (2 x 2.66 / 3) x the average moving range."""

MDC_TREND_POINTS = 7
"""Making Data Count trend: 7 consecutive points, each strictly above (or below) the one before."""

MDC_SHIFT_POINTS = 7
"""Making Data Count shift: 7 consecutive points strictly on the same side of the mean."""

MDC_TWO_IN_THREE_WINDOW = 3
"""Making Data Count 2-in-3 rule: windows of 3 consecutive points on one side of the mean ..."""

MDC_TWO_IN_THREE_CLOSE = 2
"""... of which at least 2 lie beyond a near-limit line (but inside the process limits)."""

MIN_POINTS_FOR_LIMITS = 12
"""Making Data Count guidance: limits set from fewer than 12 points are trial limits."""
