"""Readers for the shared datasets (read at run time from ../shared/datasets, never copied).

Every reader returns [] when its folder is absent, so callers and tests skip cleanly.
Labels are mapped onto DESIGN codes through labels.DATASET_LABELS only.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fanzha.detect.labels import map_label

REPO_ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True, slots=True)
class Sample:
    text: str
    label: str  # the dataset's own label
    code: str  # DESIGN code or "N"
    source: str
    group: str  # file name: keeps dialogues of one generator run together
    caller_turns: tuple[str, ...] = ()  # dialogue corpora: the caller ("left") side, turn by turn


def datasets_root() -> Path:
    env = os.environ.get("FANZHA_DATASETS")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "datasets"


def _read_csv(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    text = path.read_bytes().decode(encoding, errors="replace")
    return list(csv.DictReader(io.StringIO(text)))


def load_teleantifraud(root: Path) -> list[Sample]:
    folder = root / "teleantifraud-multiagent-text"
    out: list[Sample] = []
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.jsonl")):
        normal = path.name.startswith("normal")
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            d = json.loads(line)
            left, right = d.get("left") or [], d.get("right") or []
            turns = [t for pair in zip(left, right + [""] * len(left), strict=False) for t in pair if t]
            label = "normal" if normal else d["fraud_type"]
            out.append(
                Sample(
                    "\n".join(turns), label, map_label("teleantifraud", label), "teleantifraud", path.name, tuple(left)
                )
            )
    return out


def load_tf5(root: Path) -> list[Sample]:
    folder = root / "telecom-fraud-texts-5"
    out: list[Sample] = []
    if not folder.is_dir():
        return out
    seen: set[str] = set()
    for path in sorted(folder.glob("label0*-last.csv")):
        encoding = "gb18030" if path.name.startswith("label04") else "utf-8"
        for row in _read_csv(path, encoding):
            text, label = (row.get("content") or "").strip(), (row.get("label") or "").strip()
            if text and text not in seen:
                seen.add(text)
                out.append(Sample(text, label, map_label("telecom-fraud-texts-5", label), "tf5", path.name))
    return out


def load_tf8(root: Path) -> list[Sample]:
    folder = root / "telecom-fraud-texts-8"
    out: list[Sample] = []
    if not folder.is_dir():
        return out
    seen: set[str] = set()
    for path in sorted(folder.glob("label*-new1030.csv")):
        for row in _read_csv(path):
            text, label = (row.get("content") or "").strip(), (row.get("label") or "").strip()
            # Broken CSV quoting merged a few records into multi-thousand-character rows: skip them.
            if text and text not in seen and len(text) <= 1000:
                seen.add(text)
                out.append(Sample(text, label, map_label("telecom-fraud-texts-8", label), "tf8", path.name))
    return out


def load_spam(root: Path) -> list[Sample]:
    folder = root / "spam-sms-80w-subsets"
    out: list[Sample] = []
    if not folder.is_dir():
        return out
    seen: set[str] = set()
    for path in sorted(folder.glob("*.csv")):
        for row in _read_csv(path):
            text, label = (row.get("content") or "").strip(), (row.get("label") or "").strip()
            if text and text not in seen and label in ("0", "1"):
                seen.add(text)
                out.append(Sample(text, label, map_label("spam-sms-80w", label), "spam", path.name))
    return out


CORPORA: dict[str, Callable[[Path], list[Sample]]] = {
    "teleantifraud": load_teleantifraud,
    "tf5": load_tf5,
    "tf8": load_tf8,
    "spam": load_spam,
}


# The project's hand-written message sets (tests/detect/data; docs/detect.md has their history). The shipped
# model trains on every set a round has read, the extra hard negatives and the contrastive pairs (round eleven
# added holdout9-12, negatives1/2 and pairs1/2; round twelve holdout13/14 and pairs3/4; round thirteen
# holdout15/16 and pairs5/6; round fourteen holdout17/18 and pairs7/8; round fifteen holdout19-22 and pairs9/10;
# appended in this order, which the seeded temperature split depends on). holdout23-26 are only scored: the
# clean sets.
HAND_SETS_DIR = REPO_ROOT / "tests" / "detect" / "data"
HAND_TRAINING_SETS = (
    "realistic.jsonl",
    "holdout.jsonl",
    *(f"holdout{n}.jsonl" for n in range(2, 13)),
    "negatives1.jsonl",
    "negatives2.jsonl",
    "pairs1.jsonl",
    "pairs2.jsonl",
    "pairs3.jsonl",
    "pairs4.jsonl",
    "holdout13.jsonl",
    "holdout14.jsonl",
    "holdout15.jsonl",
    "holdout16.jsonl",
    "pairs5.jsonl",
    "pairs6.jsonl",
    "holdout17.jsonl",
    "holdout18.jsonl",
    "pairs7.jsonl",
    "pairs8.jsonl",
    *(f"holdout{n}.jsonl" for n in range(19, 23)),
    "pairs9.jsonl",
    "pairs10.jsonl",
)
BLIND_SETS = tuple(f"holdout{n}.jsonl" for n in range(23, 27))
HAND_WRITTEN_SETS = (*HAND_TRAINING_SETS, *BLIND_SETS)


def load_realistic(path: Path | None = None) -> list[dict[str, object]]:
    """The project's hand-written held-out set (tests/detect/data/realistic.jsonl)."""
    path = path or HAND_SETS_DIR / "realistic.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
