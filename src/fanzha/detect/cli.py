"""`fanzha detect`: JSON lines (or plain lines) on stdin -> one verdict JSON per line; train; eval."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from fanzha.detect.corpora import datasets_root
from fanzha.detect.model import DEFAULT_MODEL_PATH

app = typer.Typer(
    help='反诈文本检测：从标准输入读取 JSON 行 {"id","text"} 或纯文本行，逐行输出检测结果。',
    invoke_without_command=True,
    no_args_is_help=False,
)

BATCH = 512


def _records(stream: BinaryIO) -> Iterator[tuple[str | None, str | bytes]]:
    """(id, text) per input line. A line that is a JSON object with "text" is a record; anything
    else (plain text, broken JSON, invalid UTF-8) is the text itself, so no line is ever dropped."""
    for n, raw in enumerate(stream, start=1):
        line = raw.rstrip(b"\r\n")
        if not line.strip():
            continue
        if line.lstrip().startswith(b"{"):
            try:
                obj = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                obj = None
            if isinstance(obj, dict) and isinstance(obj.get("text"), str):
                rid = obj.get("id")
                yield (None if rid is None else str(rid)), obj["text"]
                continue
        yield str(n), line


def _run_stdin(model: Path | None) -> None:
    from fanzha.detect.engine import Detector
    from fanzha.detect.model import LinearModel

    detector = Detector(LinearModel.load(model) if model else None)
    out = sys.stdout
    batch: list[tuple[str | None, str | bytes]] = []

    def flush() -> None:
        verdicts = detector.detect_batch([t for _, t in batch], ids=[i for i, _ in batch])
        for v in verdicts:
            out.write(v.model_dump_json() + "\n")
        batch.clear()

    for record in _records(sys.stdin.buffer):
        batch.append(record)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    out.flush()


ModelOpt = Annotated[Path | None, typer.Option("--model", help="模型文件（默认使用随包发布的模型）")]


@app.callback()
def main(ctx: typer.Context, model: ModelOpt = None) -> None:
    """不带子命令时：检测标准输入中的每一行。"""
    if ctx.invoked_subcommand is None:
        _run_stdin(model)


@app.command()
def run(model: ModelOpt = None) -> None:
    """检测标准输入中的每一行（与不带子命令相同）。"""
    _run_stdin(model)


DataOpt = Annotated[Path | None, typer.Option("--data", help="数据集目录（默认 ../shared/datasets）")]


@app.command()
def train(
    data: DataOpt = None,
    out: Annotated[Path, typer.Option("--out", help="模型输出路径")] = DEFAULT_MODEL_PATH,
) -> None:
    """训练随包模型：仅使用 Apache-2.0 的 TeleAntiFraud 语料、项目自带生成器和项目手写消息集（确定性）。"""
    from fanzha.detect.training import train_shipped

    root = data or datasets_root()
    if not (root / "teleantifraud-multiagent-text").is_dir():
        typer.echo(f"未找到 TeleAntiFraud 语料（{root}），仅用生成器数据训练。", err=True)
    model = train_shipped(root, out)
    size = out.stat().st_size
    typer.echo(f"已写入 {out}（{size / 1024:.0f} KB，{len(model.features)} 个特征，T={model.temperature}）")


@app.command("eval")
def evaluate(
    data: DataOpt = None,
    model: ModelOpt = None,
    corpora: Annotated[bool, typer.Option("--corpora/--no-corpora", help="同时评估各语料")] = True,
    experiments: Annotated[bool, typer.Option("--experiments", help="另做语料内/跨语料训练实验（较慢）")] = False,
) -> None:
    """评估：自建真实场景测试集 + 各语料的分类型 P/R/F1、宏 F1、混淆矩阵、正常文本误报率、ECE。"""
    from fanzha.detect.reports import print_evaluation

    root = data or datasets_root()
    print_evaluation(root, model, corpora)
    if experiments:
        from fanzha.detect.experiments import cross_corpus, taf_types

        print(taf_types(root))
        print(cross_corpus(root))
