"""Reference p-values for tta-stats' rank tests, computed with SciPy.

Run: python3 crates/tta-stats/reference/scipy_reference.py
The values printed are the ones pinned in crates/tta-stats/src/reference_tests.rs.
"""
import scipy
from scipy.stats import mannwhitneyu, wilcoxon

print(f"scipy {scipy.__version__}")

MW = {
    "separated_5_5": ([1.3, 1.31, 1.32, 1.29, 1.28], [1.0, 1.01, 1.02, 0.99, 0.98], "exact"),
    "overlap_5_6": ([3.0, 1.0, 4.0, 1.5, 5.9], [2.6, 5.3, 5.8, 9.7, 9.3, 2.3], "exact"),
    "overlap_7_7": ([10.1, 9.8, 11.2, 10.7, 9.9, 10.4, 12.0], [9.7, 10.0, 9.5, 10.2, 9.6, 10.3, 9.4], "exact"),
    "large_20_20": ([float(v) for v in range(3, 43, 2)], [float(v) for v in range(0, 40, 2)], "asymptotic"),
}
for name, (x, y, method) in MW.items():
    r = mannwhitneyu(x, y, alternative="greater", method=method, use_continuity=True)
    print(f"mann_whitney_greater {name}: U={r.statistic} p={r.pvalue!r}")

W = {
    "mostly_positive_10": [0.5, 1.2, -0.3, 0.8, 2.1, 0.05, -0.9, 1.7, 0.6, 1.1],
    "mixed_12": [0.21, -0.4, 0.33, -0.12, 0.05, 0.61, -0.27, 0.44, -0.02, 0.15, -0.5, 0.38],
    "all_negative_6": [-1.0, -2.0, -3.0, -4.0, -5.0, -6.5],
}
for name, d in W.items():
    r = wilcoxon(d, alternative="greater", method="exact")
    print(f"signed_rank_greater {name}: W={r.statistic} p={r.pvalue!r}")

# Normal approximations, on data with ties (and zeros for the signed-rank test).
X_TIES = [1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 6]
Y_TIES = [1, 1, 2, 2, 2, 3, 3, 4, 4, 5]
r = mannwhitneyu(X_TIES, Y_TIES, alternative="greater", method="asymptotic", use_continuity=True)
print(f"mann_whitney_greater ties_11_10: U={r.statistic} p={r.pvalue!r}")

D_TIES_ZEROS = [0, 0, 1, -1, 2, 2, -2, 3, 3, 3, -1, 4, 0, 2, 1, 5, -3, 2, 1, 1]
r = wilcoxon(D_TIES_ZEROS, alternative="greater", method="approx", zero_method="wilcox", correction=True)
print(f"signed_rank_greater ties_zeros_20 (approx): W={r.statistic} p={r.pvalue!r}")
