"""`fanzha warnings import FILE`: CSV or JSON lines from a telecom/bank/App feed.

Feeds are large and a bad row must not cost the other 499 warnings their minutes, so the
file import writes every valid row and reports each rejected one with its line and reason
(the API, by contrast, rejects a bad batch whole). Re-importing the same file is harmless.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from fanzha.core.errors import RowError
from fanzha.core.rbac import Principal
from fanzha.warning import ingest
from fanzha.warning.schemas import WarningIn

BATCH = 1000


@dataclass
class FileReport:
    created: int = 0
    merged: int = 0
    duplicates: int = 0
    rejected: list[RowError] = field(default_factory=list)


def _clean_csv_row(raw: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {k.strip(): v.strip() for k, v in raw.items() if k and isinstance(v, str) and v.strip() != ""}
    if "flags" in row:
        row["flags"] = [f for f in row["flags"].replace("、", "|").replace(",", "|").split("|") if f]
    return row


def parse(text: str, *, fmt: str) -> tuple[list[tuple[int, WarningIn]], list[RowError]]:
    """Rows numbered as a person sees them in the file (CSV header is line 1)."""
    raws: list[tuple[int, Any]] = []
    errors: list[RowError] = []
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        missing = {"source", "external_id", "occurred_at"} - set(reader.fieldnames or [])
        if missing:
            return [], [RowError(1, ",".join(sorted(missing)), f"缺少表头：{'、'.join(sorted(missing))}",
                                 f"missing header column(s): {', '.join(sorted(missing))}")]
        raws = [(i + 2, _clean_csv_row(r)) for i, r in enumerate(reader)]
    else:
        for i, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                raws.append((i, json.loads(line)))
            except json.JSONDecodeError as exc:
                errors.append(RowError(i, None, f"JSON 格式错误：{exc.msg}", f"invalid JSON: {exc.msg}"))
    items: list[tuple[int, WarningIn]] = []
    for line_no, raw in raws:
        try:
            items.append((line_no, WarningIn.model_validate(raw)))
        except ValidationError as exc:
            for e in exc.errors():
                name = ".".join(str(p) for p in e["loc"]) or None
                errors.append(RowError(line_no, name, f"字段 {name} 无效：{e['msg']}", f"{name}: {e['msg']}"))
    return items, errors


def import_text(session: Session, text: str, *, fmt: str, actor: Principal) -> FileReport:
    items, errors = parse(text, fmt=fmt)
    report = FileReport(rejected=errors)
    for start in range(0, len(items), BATCH):
        chunk = items[start:start + BATCH]
        r = ingest.ingest(session, [w.to_signal() for _, w in chunk], actor=actor, partial=True,
                          audit_action="warning.import")
        report.created += r.count("created")
        report.merged += r.count("merged")
        report.duplicates += r.count("duplicate")
        for err in r.rejected:  # batch row n → file line
            report.rejected.append(RowError(chunk[err["row"] - 1][0], err["field"], err["message_zh"],
                                            err["message_en"]))
    report.rejected.sort(key=lambda e: e["row"])
    return report
