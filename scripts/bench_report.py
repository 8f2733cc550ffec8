"""Turns scripts/bench's measurements into a table: printed, and written into docs/benchmarks.md between markers.

Usage: bench_report.py results.jsonl time-to-learn.jsonl server.jsonl docs/benchmarks.md
"""
import datetime
import json
import os
import re
import statistics
import subprocess
import sys

BEGIN, END = "<!-- bench:throughput:begin -->", "<!-- bench:throughput:end -->"
V, E, H = 1000, 64, 128
# multiply-adds per token of the forward pass: the recurrent layer's input and recurrent matrices, then the softmax
# layer; forward and backward together cost about three forward passes, two FLOPs per multiply-add
MACS = {"rnn": H * (E + H) + H * V, "lstm": 4 * H * (E + H) + H * V}
FLOPS_PER_TOKEN = {m: 3 * 2 * macs for m, macs in MACS.items()}


def sh(command):
    try:
        return subprocess.run(command, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def machine():
    lscpu = sh("lscpu")
    model = re.search(r"Model name:\s*(.+)", lscpu)
    cpus = re.search(r"^CPU\(s\):\s*(\d+)", lscpu, re.M)
    mhz = [float(x) for x in re.findall(r"cpu MHz\s*:\s*([\d.]+)", open("/proc/cpuinfo").read())]
    flags = open("/proc/cpuinfo").read()
    return {
        "model": model.group(1).strip() if model else "unknown",
        "cores": int(cpus.group(1)) if cpus else os.cpu_count(),
        "ghz": (sum(mhz) / len(mhz) / 1000) if mhz else float("nan"),
        "avx2": " avx2 " in flags and " fma " in flags,
        "java": sh("java -version 2>&1 | head -1"),
        "torch": sh("/usr/bin/python3 -c 'import torch; print(torch.__version__)'"),
        "blas": sh("readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3"),
    }


def stats(values):
    return statistics.median(values), min(values), max(values)


def main(results_path, learn_path, server_path, doc_path):
    rows = [json.loads(line) for line in open(results_path) if line.startswith("{")]
    by = {}
    for r in rows:
        by.setdefault((r["model"], r["way"]), []).append(r["tokensPerSecond"])
    m = machine()
    # peak: cores x 2 FMA pipes x 8 float32 lanes (AVX2) x 2 FLOPs x clock
    peak_core = 2 * 8 * 2 * m["ghz"] * 1e9
    ways = ["plain", "plain-2-threads", "two-workers-1-threads", "two-workers-2-threads", "plain-no-workspaces",
            "samediff", "trainer", "trainer+probe", "pytorch-1-thread", "pytorch-2-threads"]
    names = {"plain": "(a) DL4J `fit` loop, no listener", "plain-2-threads": "(a) with 2 threads per operation instead of 1",
             "two-workers-1-threads": "(a) two loops at once, as the server's 2 workers, 1 thread per operation: sum*",
             "two-workers-2-threads": "(a) two loops at once, 2 threads per operation (as OpenBLAS ran before 2026-11-26): sum*",
             "plain-no-workspaces": "(a) without DL4J's workspaces",
             "samediff": "(a) as one SameDiff graph with the fused `lstmLayer` op (`SameDiffLstmBenchmark`)",
             "trainer": "(b) Gradient Lab trainer on our engine (gradient norms; step 1 checked against DL4J)",
             "trainer+probe": "(c) (b) + gradient-flow probe every 50", "pytorch-1-thread": "(d) PyTorch, 1 thread",
             "pytorch-2-threads": "(d) PyTorch, 2 threads"}
    lines = [BEGIN, "",
             "Command: `scripts/bench` (%d rounds; %s). Machine: %s, %d cores at %.2f GHz (%s), %s; PyTorch %s with BLAS `%s`."
             % (len(by.get(("lstm", "plain"), [])), datetime.date.today().isoformat(), m["model"], m["cores"], m["ghz"],
                "AVX2 + FMA" if m["avx2"] else "no AVX2", m["java"], m["torch"], m["blas"]),
             "",
             "Tokens per second (batch 32 × window 35 per second), embedding 64 → one recurrent layer of 128 → softmax over "
             "1,000 words, Adam, float32; median of the rounds [min – max]. DL4J runs with one thread per operation (OpenBLAS "
             "set through ND4J's BLAS wrapper), as the server's workers do. * The two-loop rows are machine figures: "
             "their GFLOP/s share is of both cores' peak.", "",
             "| model | way | tokens/s median [min – max] | GFLOP/s | % of one core's peak (*: of two) |",
             "| --- | --- | --- | --- | --- |"]
    summary = {}
    for model in ("rnn", "lstm"):
        for way in ways:
            values = by.get((model, way))
            if not values:
                continue
            med, lo, hi = stats(values)
            summary[(model, way)] = med
            gflops = med * FLOPS_PER_TOKEN[model] / 1e9
            cores = 2 if way.startswith("two-workers") else 1
            lines.append("| %s | %s | %s [%s – %s] | %.1f | %.1f%% |" % (model, names[way], f"{med:,.0f}", f"{lo:,.0f}",
                                                                       f"{hi:,.0f}", gflops, 100 * gflops * 1e9 / (cores * peak_core)))
    lines += ["", "| model | b/a | c/a | b/d (d: the better PyTorch) | a/d | FLOPs per token (forward + backward) |",
              "| --- | --- | --- | --- | --- | --- |"]
    for model in ("rnn", "lstm"):
        a = summary.get((model, "plain"))
        if not a:
            continue
        d = max(summary.get((model, "pytorch-1-thread"), 0), summary.get((model, "pytorch-2-threads"), 0))
        lines.append("| %s | %.2f | %.2f | %s | %s | %.2f M |" % (model, summary[(model, "trainer")] / a,
                                                                  summary[(model, "trainer+probe")] / a,
                                                                  "%.2f" % (summary[(model, "trainer")] / d) if d else "n/a",
                                                                  "%.2f" % (a / d) if d else "n/a", FLOPS_PER_TOKEN[model] / 1e6))
    lines += ["", "Peak used above: 2 FMA pipes × 8 float32 lanes × 2 FLOPs × %.2f GHz = %.0f GFLOP/s per core, %.0f for the "
              "machine. FLOPs per token count the matrix products only (3 × 2 × multiply-adds: %s)."
              % (m["ghz"], peak_core / 1e9, peak_core * m["cores"] / 1e9,
                 ", ".join("%s %s" % (k, f"{v:,}") for k, v in MACS.items())), ""]
    learned = [json.loads(line) for line in open(learn_path) if line.startswith("{")] if os.path.exists(learn_path) else []
    if learned:
        lines += ["Time to learn (`TimeToLearnBenchmark`): wall seconds until the LSTM's long-range accuracy reaches 0.9 on "
                  "`long-range`, d = 20, preset defaults (hidden 64, batch 32, Adam 1e-2; probes and evaluations "
                  "included), and the best long-range accuracy of the tanh RNN trained for the same wall time, same seed.", "",
                  "| seed | LSTM seconds to 0.9 | LSTM iterations | tanh RNN best accuracy in that time | RNN iterations |",
                  "| --- | --- | --- | --- | --- |"]
        for r in learned:
            lines.append("| %d | %.1f | %d | %.3f | %d |" % (r["seed"], r["lstmSeconds"], r["lstmIterations"],
                                                           r["rnnBestAccuracy"], r["rnnIterations"]))
        secs = [r["lstmSeconds"] for r in learned]
        lines += ["| median | %.1f [%.1f – %.1f] | | %.3f | |" % (statistics.median(secs), min(secs), max(secs),
                                                                  statistics.median(r["rnnBestAccuracy"] for r in learned)), ""]
    server = [json.loads(line) for line in open(server_path) if line.startswith("{")] if os.path.exists(server_path) else []
    if server:
        lines += ["| server figure | median [min – max] | target |", "| --- | --- | --- |"]
        for f in server:
            if f["figure"] == "compare-load":
                lines.append("| Compare: load + downsample 10 runs × 10,000 iterations × 19 series (H2 file, %d loads) | "
                             "%.1f ms [%.1f – %.1f] | < 300 ms |" % (f["loads"], f["medianMs"], f["minMs"], f["maxMs"]))
        starts = [f["seconds"] for f in server if f["figure"] == "startup"]
        if starts:
            lines.append("| `java -jar` to a healthy `/api/health`, fresh H2 file (%d starts) | %.2f s [%.2f – %.2f] | < 10 s |"
                         % (len(starts), statistics.median(starts), min(starts), max(starts)))
        lines.append("")
        memory = [f for f in server if f["figure"] == "memory"]
        if memory:
            keys = ["residentMiB", "heapUsedMiB", "heapCommittedMiB", "nd4jWorkspacesMiB"]
            lines += ["| memory, MiB, median [min – max] of %d starts | RSS | heap used | heap committed | ND4J workspaces |"
                      % len([f for f in memory if f["state"] == "idle"]), "| --- | --- | --- | --- | --- |"]
            for state, label in (("idle", "idle, 10 s after start"), ("2 runs training", "2 runs training (long-range "
                                 "preset, rnn and lstm, 50,000 iterations), 30 s after submitting")):
                cells = []
                for k in keys:
                    values = [f[k] for f in memory if f["state"] == state and f.get(k) is not None]
                    cells.append("%d [%d – %d]" % stats(values) if values else "–")
                lines.append("| %s | %s |" % (label, " | ".join(cells)))
            lines.append("")
    lines.append(END)
    section = "\n".join(lines)
    print(section)
    doc = open(doc_path).read()
    if BEGIN in doc:
        doc = doc[:doc.index(BEGIN)] + section + doc[doc.index(END) + len(END):]
    else:
        doc = doc.rstrip("\n") + "\n\n## Training throughput against plain DL4J and PyTorch\n\n" + section + "\n"
    open(doc_path, "w").write(doc)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4])
