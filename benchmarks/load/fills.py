"""What the app's upstream calls were for, read from its /metrics at the end of a run.

The cache counts each upstream call it starts by kind (list, detail, dictionary) and purpose (a
driver's feed, lookup or return loads; "service" for the app's own polling; "refresh" for a
background refresh). With Redis the counters are the whole deployment's; without it, one
worker's (the figure says which)."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families


def upstream_fills(app_url: str) -> dict:
    """{"deployment_wide": bool, "by_purpose": {purpose: n}, "by_kind_purpose": {"kind/purpose": n}}."""
    text = httpx.get(f"{app_url}/metrics", timeout=30).text
    by_purpose: dict[str, int] = {}
    by_kind: dict[str, int] = {}
    whole = False
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "cargo_cache_fills_total":
                purpose, kind = sample.labels["purpose"], sample.labels["kind"]
                by_purpose[purpose] = by_purpose.get(purpose, 0) + int(sample.value)
                by_kind[f"{kind}/{purpose}"] = int(sample.value)
            elif sample.name == "app_figures_deployment_wide":
                whole = bool(sample.value)
    return {
        "deployment_wide": whole,
        "by_purpose": dict(sorted(by_purpose.items())),
        "by_kind_purpose": dict(sorted(by_kind.items())),
    }
