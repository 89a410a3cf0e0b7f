"""Result files: the summary as readable JSON, every action record gzipped next to it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path


def write_result(path: Path, result: dict) -> Path | None:
    """`path` gets everything but the records; `<path stem>.records.json.gz` gets the records."""
    path.parent.mkdir(parents=True, exist_ok=True)
    records = result.get("records")
    summary = {k: v for k, v in result.items() if k != "records"}
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    if records is None:
        return None
    side = path.with_name(path.stem + ".records.json.gz")
    with gzip.open(side, "wt", encoding="utf-8") as out:
        json.dump(records, out, ensure_ascii=False, separators=(",", ":"))
    return side
