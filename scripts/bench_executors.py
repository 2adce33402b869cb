#!/usr/bin/env python3
"""Helpers of scripts/bench-executors.sh (run by it; see its header for the whole benchmark).

    bench_executors.py st TEXTS JOB_SIZE MODEL_DIR HAVN_F32 OUT.json
        sentence-transformers (PyTorch, CPU) on the texts of TEXTS, JOB_SIZE texts per
        encode() call (batch_size 32, its default), in file order, after one untimed warm-up
        call; the same thread count as the Rust side (all cores). Also compares its
        embeddings with the havn executor's (HAVN_F32: little-endian f32 rows, file order):
        cosine of each text's two embeddings. Offline: HF_HUB_OFFLINE=1, the model directory
        of scripts/fetch-models.sh.

    bench_executors.py daemon EXEC_LOG JOBS.json OUT.json
        Per-phase timings of the jobs in JOBS.json ({"embed": [ids], "llm": [ids]}) from the
        execute daemon's log: its `receipt submitted` lines (one per job, see
        node-runtime/src/execute.rs, with `submit_ms`, the time until the node's pool accepted
        the receipt), and the RPC client's trace lines (`jsonrpsee-client: rx:`) for the
        waits between an RPC answer and the notification it announces.

    bench_executors.py table RESULTS_DIR
        The markdown tables of every result in RESULTS_DIR.
"""

import datetime as dt
import json
import os
import re
import statistics
import sys
import time


def st(texts_path, job_size, model_dir, havn_f32, out_path):
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import numpy as np
    import sentence_transformers
    import torch
    from sentence_transformers import SentenceTransformer

    threads = os.cpu_count() or 1
    torch.set_num_threads(threads)
    texts = open(texts_path, encoding="utf-8").read().splitlines()
    job_size = int(job_size)
    model = SentenceTransformer(model_dir, device="cpu")
    chunks = [texts[i : i + job_size] for i in range(0, len(texts), job_size)]
    model.encode(chunks[0], batch_size=32)  # warm-up, not timed
    rows = []
    started = time.perf_counter()
    for chunk in chunks:
        rows.append(model.encode(chunk, batch_size=32, convert_to_numpy=True))
    wall = time.perf_counter() - started
    ours = np.concatenate(rows).astype(np.float32)
    havn = np.fromfile(havn_f32, dtype="<f4").reshape(len(texts), -1)
    cos = (ours * havn).sum(1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(havn, axis=1))
    result = {
        "bench": "st",
        "texts": len(texts),
        "job_size": job_size,
        "batch_size": 32,
        "wall_s": wall,
        "texts_per_s": len(texts) / wall,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "sentence_transformers": sentence_transformers.__version__,
        "cosine_mean": float(cos.mean()),
        "cosine_min": float(cos.min()),
        "max_abs_diff": float(np.abs(ours - havn).max()),
    }
    json.dump(result, open(out_path, "w"))
    print(json.dumps(result))


RECEIPT = re.compile(r"^(\S+)\s+INFO .*receipt submitted")
RUNNING = re.compile(r"^(\S+)\s+INFO .*running assigned job job_id=(\d+)")
FIELD = re.compile(r"\b([a-z_]+)=([0-9.]+)\b")
RX = re.compile(r"^(\S+)\s+TRACE jsonrpsee-client: rx: (.*)$")
PHASES = [
    "chain_ms", "queue_ms", "fetch_ms", "verify_ms", "compute_ms", "executor_other_ms",
    "hash_ms", "store_ms", "sign_ms", "submit_ms", "included_ms",
]
# Everything of a job's own work but the model: the daemon's overhead.
OVERHEAD = [
    "chain_ms", "fetch_ms", "verify_ms", "executor_other_ms", "hash_ms", "store_ms",
    "sign_ms", "submit_ms",
]


def ts_us(stamp):
    t = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return int(t.timestamp()) * 1_000_000 + t.microsecond


def notification_waits(messages):
    """(start µs, end µs) of each wait between an RPC answer and the notification it announces:
    a chainHead operation's `started` answer and its first event, a transactionWatch
    subscription id and its first event."""
    started, subs, waits = {}, {}, []
    for t, msg in messages:
        result = msg.get("result")
        if isinstance(result, dict) and result.get("result") == "started":
            started[result.get("operationId")] = t
        elif isinstance(result, str) and "id" in msg:
            subs[result] = t
        params = msg.get("params") or {}
        event = params.get("result")
        if msg.get("method") == "chainHead_v1_followEvent" and isinstance(event, dict):
            t0 = started.pop(event.get("operationId"), None)
            if t0 is not None:
                waits.append((t0, t))
        elif msg.get("method") == "transactionWatch_v1_watchEvent":
            t0 = subs.pop(params.get("subscription"), None)
            if t0 is not None:
                waits.append((t0, t))
    return waits


def daemon(log_path, jobs_path, out_path):
    jobs = json.load(open(jobs_path))
    receipts, running, messages = {}, {}, []
    for line in open(log_path, encoding="utf-8", errors="replace"):
        m = RX.match(line)
        if m:
            t = ts_us(m.group(1))
            try:
                messages.append((t, json.loads(m.group(2))))
            except ValueError:
                pass
            continue
        m = RUNNING.match(line)
        if m:
            running.setdefault(int(m.group(2)), ts_us(m.group(1)))
            continue
        m = RECEIPT.match(line)
        if m:
            fields = {k: float(v) for k, v in FIELD.findall(line)}
            fields["logged_us"] = ts_us(m.group(1))
            receipts[int(fields["job_id"])] = fields
    waits = notification_waits(messages)
    out = {"bench": "daemon", "kinds": {}}
    for kind, ids in jobs.items():
        rows = []
        for job_id in ids:
            r = receipts.get(job_id)
            if r is None:
                raise SystemExit(f"no `receipt submitted` line for job {job_id} in {log_path}")
            start = r["submit_started_us"]
            # Until the pool accepted this receipt, as the daemon measured it on its own
            # submission (`submit_ms`; the trace log also holds the daemon's other extrinsics,
            # its heartbeats among them, so it cannot tell which acceptance is the receipt's).
            if "submit_ms" not in r:
                raise SystemExit(
                    f"job {job_id}: the node reported no pool acceptance of its receipt "
                    "(`submit_ms` missing from the `receipt submitted` line)"
                )
            accepted_at = start + r["submit_ms"] * 1000.0
            # Of the job's chain and submission phases: time spent waiting for a notification
            # the node sent right after an answer (see docs/performance.md, Executors).
            begin = running.get(job_id, start)
            windows = [(begin, begin + r["chain_ms"] * 1000), (start, accepted_at)]
            inside = [(a, b) for a, b in waits if any(lo <= a and b <= hi for lo, hi in windows)]
            r["notification_waits"] = len(inside)
            r["notification_wait_ms"] = sum(b - a for a, b in inside) / 1000.0
            r["overhead_ms"] = sum(r[k] for k in OVERHEAD)
            r["overhead_share"] = r["overhead_ms"] / r["compute_ms"]
            rows.append(r)
        # The first job of each kind loads its model(s): a warm-up, left out when others ran.
        measured = rows[1:] if len(rows) > 1 else rows
        p50 = {
            k: statistics.median(r[k] for r in measured)
            for k in PHASES + ["overhead_ms", "notification_wait_ms", "notification_waits"]
        }
        out["kinds"][kind] = {
            "jobs": len(measured),
            "warm_up_excluded": len(rows) > 1,
            "p50": p50,
            "overhead_share_p50": statistics.median(r["overhead_share"] for r in measured),
            "per_job": rows,
        }
    json.dump(out, open(out_path, "w"), indent=1)
    print(json.dumps({k: v["overhead_share_p50"] for k, v in out["kinds"].items()}))


def load(results_dir, name):
    path = os.path.join(results_dir, name)
    if not os.path.exists(path):
        return None
    return [json.loads(line) for line in open(path) if line.strip().startswith("{")]


def table(results_dir):
    meta = json.load(open(os.path.join(results_dir, "meta.json")))
    print(f"Executors benchmark ({meta['mode']} mode), {meta['date']}, {meta['machine']}")
    print(f"load average at start {meta['load_start']}, at end {open(os.path.join(results_dir, 'load_end')).read().strip()}")
    if meta["mode"] == "quick":
        print("quick mode: few texts, tokens and jobs (warm-up included); it checks that every "
              "path runs, its figures are not the published ones")
    print()
    embeds = load(results_dir, "embed.jsonl") or []
    sts = load(results_dir, "st.jsonl") or []
    if embeds:
        print("MiniLM (all-MiniLM-L6-v2) embeddings, the same texts, best of "
              f"{meta['repeats']} alternating runs per row")
        print()
        print("| implementation | profile | threads | texts | texts per call | texts/s | ratio to sentence-transformers | cosine mean / min |")
        print("|---|---|---|---|---|---|---|---|")
        for job_size in sorted({e["job_size"] for e in embeds}):
            h = [e for e in embeds if e["job_size"] == job_size]
            s = [e for e in sts if e["job_size"] == job_size]
            best_s = max(s, key=lambda e: e["texts_per_s"]) if s else None
            for profile in sorted({e["profile"] for e in h}):
                best = max((e for e in h if e["profile"] == profile), key=lambda e: e["texts_per_s"])
                ratio = f"{best['texts_per_s'] / best_s['texts_per_s']:.2f}" if best_s else "-"
                print(f"| havn `embed` executor (Engine::run) | {profile} | {best['threads']} | {best['texts']} "
                      f"| {job_size} | {best['texts_per_s']:.1f} | {ratio} | |")
            if best_s:
                agree = min(s, key=lambda e: e["cosine_min"])
                print(f"| sentence-transformers {best_s['sentence_transformers']}, torch {best_s['torch']} (CPU), batch_size 32 "
                      f"| - | {best_s['threads']} | {best_s['texts']} | {job_size} | {best_s['texts_per_s']:.1f} | 1.00 "
                      f"| {agree['cosine_mean']:.7f} / {agree['cosine_min']:.7f} |")
        print()
    llm = load(results_dir, "llm.jsonl")
    if llm:
        summary = [r for r in llm if r["bench"] == "llm"]
        prompts = [r for r in llm if r["bench"] == "llm-prompt"]
        print("SmolLM2-135M-Instruct Q4_1 (`llm` executor, greedy, Engine::run), median of "
              f"{summary[0]['repeats']} runs per prompt")
        print()
        print("| prompt | prompt tokens | generated | finish | prefill tokens/s | decode tokens/s |")
        print("|---|---|---|---|---|---|")
        # A rate is null when its runs' timings contradict each other (a prefill timed slower
        # than a whole generation on a busy machine): shown as "-", never as a figure.
        rate = lambda v: "-" if v is None else f"{v:.1f}"
        for p in prompts:
            print(f"| {p['prompt']} | {p['prompt_tokens']} | {p['tokens']} | {p['finish_reason']} "
                  f"| {rate(p['prefill_tokens_per_s'])} | {rate(p['decode_tokens_per_s'])} |")
        for s in summary:
            print(f"| all ({s['profile']}, {s['threads']} threads, max_tokens {s['max_tokens']}) "
                  f"| {s['prompt_tokens']} | {s['decode_tokens']} decode steps | | "
                  f"**{rate(s['prefill_tokens_per_s'])}** | **{rate(s['decode_tokens_per_s'])}** |")
        print()
    d = os.path.join(results_dir, "daemon.json")
    if os.path.exists(d):
        dm = json.load(open(d))
        print("havn-exec per-job phases through the real execute path on a devnet (p50, ms; "
              "overhead = everything but compute and queue, divided by compute)")
        print()
        kinds = list(dm["kinds"])
        print("| phase | " + " | ".join(
            f"{k} ({dm['kinds'][k]['jobs']} jobs{'' if dm['kinds'][k]['warm_up_excluded'] else ', incl. model load'})"
            for k in kinds) + " |")
        print("|---|" + "---|" * len(kinds))
        for phase in PHASES + ["overhead_ms"]:
            print(f"| {phase} | " + " | ".join(f"{dm['kinds'][k]['p50'][phase]:.3f}" for k in kinds) + " |")
        print("| of chain_ms + submit_ms: waiting for RPC notifications (count) | " + " | ".join(
            f"{dm['kinds'][k]['p50']['notification_wait_ms']:.3f} ({dm['kinds'][k]['p50']['notification_waits']:.0f})"
            for k in kinds) + " |")
        print("| **overhead / compute** | " + " | ".join(
            f"**{100 * dm['kinds'][k]['overhead_share_p50']:.1f}%**" for k in kinds) + " |")
        print()


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"st": st, "daemon": daemon, "table": table}[cmd](*args)


if __name__ == "__main__":
    main()
