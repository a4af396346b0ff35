"""Benchmark of the detection engine against a scikit-learn TF-IDF(char 1-3) + LogisticRegression
pipeline trained on the same data, in the same run, on one core.

    .venv/bin/python bench/detect.py [--n 20000] [--seed 7] [--fit-cap 5000]

Texts are SMS-length (generated, mean ~27 chars, plus the realistic set). Prints single-text p50/p99
latency (in-process), batch throughput (texts per CPU-second) and the ratios, plus both pipelines'
accuracy on the blind hand-written sets (never trained on) so "equal or better accuracy" is checked in
the same run.

Two batch paths are timed: ``Detector.score_batch`` (is_fraud, probability, type_code: what the
baseline's ``predict_proba`` gives, so the like-for-like row) and ``Detector.detect_batch`` (full
verdicts with cues, entities, channel and flags, as the API and CLI return them). The script checks
that both give the same verdicts as ``Detector.detect`` on the benchmark texts before timing.

Bounded on a loaded machine: the baseline is fitted on a seeded sample of ``--fit-cap`` training
texts (a smaller fit gives a smaller vocabulary, so if anything a faster baseline), and every timing is
CPU time of this process (``time.process_time``), which other jobs on the machine disturb far less
than wall-clock time. The pipelines are timed on the same texts, batch by batch in turn.
"""

from __future__ import annotations

import sys

# Run as a script, this folder is sys.path[0], and bench/warnings.py would shadow the standard library.
if sys.path and sys.path[0].rstrip("/").endswith("bench"):
    del sys.path[0]

import argparse
import contextlib
import os
import random
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from fanzha.detect.corpora import (
    BLIND_SETS,
    HAND_SETS_DIR,
    datasets_root,
    load_realistic,
    load_spam,
    load_teleantifraud,
)
from fanzha.detect.engine import Detector
from fanzha.detect.evaluation import binary_scores
from fanzha.detect.generator import generate
from fanzha.detect.lookalike import check_host
from fanzha.detect.training import TrainConfig, dialogue_windows


def _latencies(fn, texts: list[str]) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    samples = []
    for t in texts:
        start = time.process_time_ns()
        fn(t)
        samples.append((time.process_time_ns() - start) / 1e6)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def _throughputs(fns, texts: list[str], batch: int = 1000) -> list[float]:  # type: ignore[no-untyped-def]
    """Texts per CPU-second of each function, timed batch by batch in turn (rotating which goes
    first), so that a load change on the shared machine hits every pipeline alike. The look-alike
    host cache is emptied before each call: no pipeline profits from hosts another one just saw."""
    spent = [0.0] * len(fns)
    for k, i in enumerate(range(0, len(texts), batch)):
        chunk = texts[i : i + batch]
        for j in range(len(fns)):
            which = (j + k) % len(fns)
            check_host.cache_clear()
            start = time.process_time()
            fns[which](chunk)
            spent[which] += time.process_time() - start
    return [len(texts) / s for s in spent]


def _same_verdicts(detector: Detector, texts: list[str]) -> tuple[bool, int]:
    single = [detector.detect(t) for t in texts]
    scores = detector.score_batch(texts)
    full = detector.detect_batch(texts)
    ok = all(
        (v.is_fraud, v.probability, v.type_code) == (f, p, c) and v.model_dump() == b.model_dump()
        for v, b, f, p, c in zip(single, full, scores.is_fraud, scores.probability, scores.type_code, strict=True)
    )
    return ok, len(texts)


def _baseline_training_texts(cap: int, seed: int) -> tuple[list[str], list[bool]]:
    """A bounded sample of the shipped model's sources: TeleAntiFraud two-turn windows of randomly
    chosen dialogues for one half, the project generator for the other (they carry equal weight in
    the shipped training set too)."""
    dialogues = load_teleantifraud(datasets_root())
    random.Random(seed).shuffle(dialogues)
    texts: list[str] = []
    labels: list[bool] = []
    for sample in dialogues:
        if len(texts) >= cap // 2:
            break
        for window in dialogue_windows(sample)[: cap // 2 - len(texts)]:
            texts.append(window)
            labels.append(sample.code != "N")
    for text, code in generate(cap - len(texts), seed=TrainConfig().seed):
        texts.append(text)
        labels.append(code != "N")
    return texts, labels


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000, help="number of SMS-length texts")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fit-cap", type=int, default=5000, help="baseline fitted on this many training texts")
    args = parser.parse_args()
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts_train, y = _baseline_training_texts(args.fit_cap, args.seed)
    t0 = time.process_time()
    baseline = make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True),
        LogisticRegression(max_iter=300, class_weight="balanced"),
    )
    baseline.fit(texts_train, y)
    fit_s = time.process_time() - t0

    detector = Detector()
    bench_texts = [t for t, _ in generate(args.n, seed=args.seed + 1000)]
    realistic = load_realistic()
    bench_texts += [str(it["text"]) for it in realistic]
    mean_len = statistics.mean(len(t) for t in bench_texts)

    detector.detect_batch(bench_texts[:200])  # warm caches (automaton, feature index, weights)
    baseline.predict_proba(bench_texts[:200])
    same = _same_verdicts(detector, bench_texts[:5000])

    ours_p50, ours_p99 = _latencies(detector.detect, bench_texts[:3000])
    base_p50, base_p99 = _latencies(lambda t: baseline.predict_proba([t]), bench_texts[:3000])
    pipelines = [detector.score_batch, detector.detect_batch, baseline.predict_proba]
    ours_tp, full_tp, base_tp = _throughputs(pipelines, bench_texts)

    # Accuracy on the blind hand-written sets only: the others train the shipped model (round nine).
    blind = [it for name in BLIND_SETS for it in load_realistic(HAND_SETS_DIR / name)]
    gold = [bool(it["is_fraud"]) for it in blind]
    texts_r = [str(it["text"]) for it in blind]
    ours_acc = binary_scores(gold, detector.score_batch(texts_r).is_fraud)
    base_acc = binary_scores(gold, [p >= 0.5 for p in baseline.predict_proba(texts_r)[:, 1]])

    spam = [s.text for s in load_spam(datasets_root())[: args.n]]
    ours_spam, full_spam, base_spam = _throughputs(pipelines, spam) if spam else [0.0, 0.0, 0.0]

    print(f"texts: {len(bench_texts)} (mean {mean_len:.1f} chars), one core, CPU time")
    print(f"baseline fitted on {len(texts_train)} texts (half corpus windows, half generated) in {fit_s:.1f} CPU-s")
    print(f"{'':<28}{'fanzha detect':>16}{'tfidf+LR':>14}{'ratio':>9}")
    print(f"{'single p50 (ms)':<28}{ours_p50:>16.3f}{base_p50:>14.3f}{base_p50 / ours_p50:>8.1f}x")
    print(f"{'single p99 (ms)':<28}{ours_p99:>16.3f}{base_p99:>14.3f}{base_p99 / ours_p99:>8.1f}x")
    rows = [("batch, verdicts (texts/s)", ours_tp, base_tp), ("batch, + cues/entities", full_tp, base_tp)]
    if spam:
        rows += [("real SMS, verdicts", ours_spam, base_spam), ("real SMS, + cues/entities", full_spam, base_spam)]
    for label, ours, base in rows:
        print(f"{label:<28}{ours:>16,.0f}{base:>14,.0f}{ours / base:>8.1f}x")
    print(f"blind sets ({', '.join(n.removesuffix('.jsonl') for n in BLIND_SETS)}, n={len(blind)}), never trained on:")
    print(f"{'  binary F1':<28}{ours_acc['f1']:>16.3f}{base_acc['f1']:>14.3f}")
    print(f"{'  FPR':<28}{ours_acc['fpr']:>16.3f}{base_acc['fpr']:>14.3f}")
    print(f"batch verdicts equal per-text detect() on {same[1]:,} texts: {same[0]}")
    print("note: 'verdicts' = is_fraud, probability, type_code (score_batch); '+ cues/entities' = full")
    print("verdicts as the API/CLI return them (detect_batch); the baseline only scores.")


if __name__ == "__main__":
    main()
