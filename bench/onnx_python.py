"""Times python onnx's load + shape inference on each file given (the reference for bench/run.ts).

Usage: /usr/bin/python3 bench/onnx_python.py FILE...  → one JSON object {file: {"median_ms", "load_ms",
"infer_ms", "cpu_ms", "reps"}} on stdout.

Timed like bench/run.ts times ours, so the ratio compares the same thing: one discarded warm-up repetition
(tinybench's warm-up), then repetitions (at least 5 and 0.3 s, at most 200) that each read the file from disk
(`onnx.load`, nothing cached between repetitions) and shape-infer it (`onnx.shape_inference.infer_shapes`),
each half timed on its own; `median_ms` = median(load) + median(infer), as run.ts adds the medians of its
`load` and `shapes` tasks. `cpu_ms`: process CPU time (time.process_time) of load + infer_shapes per run, averaged
over every run including the warm-up, as run.ts's CPU column averages over its runs and warm-up runs.
"""
import json
import statistics
import sys
import time

import onnx
import onnx.shape_inference

MIN_REPS, MAX_REPS, MIN_SECONDS = 5, 200, 0.3


def time_file(path):
    cpu0 = time.process_time()
    onnx.shape_inference.infer_shapes(onnx.load(path))  # warm-up, not timed (but in cpu_ms, as in run.ts)
    loads, infers = [], []
    start = time.perf_counter()
    while len(loads) < MAX_REPS and (len(loads) < MIN_REPS or time.perf_counter() - start < MIN_SECONDS):
        t0 = time.perf_counter()
        model = onnx.load(path)
        t1 = time.perf_counter()
        onnx.shape_inference.infer_shapes(model)
        t2 = time.perf_counter()
        loads.append((t1 - t0) * 1000)
        infers.append((t2 - t1) * 1000)
    cpu_ms = (time.process_time() - cpu0) * 1000 / (len(loads) + 1)
    load_ms, infer_ms = statistics.median(loads), statistics.median(infers)
    return {"median_ms": load_ms + infer_ms, "load_ms": load_ms, "infer_ms": infer_ms, "cpu_ms": cpu_ms, "reps": len(loads)}


def main():
    out = {}
    for path in sys.argv[1:]:
        try:
            out[path] = time_file(path)
        except Exception as e:  # a file python onnx cannot read: reported, not fatal
            out[path] = {"error": str(e).splitlines()[0][:200]}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
