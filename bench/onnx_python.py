"""Times python onnx's load + shape inference on each file given (the reference for bench/run.ts).

Usage: /usr/bin/python3 bench/onnx_python.py FILE...  → one JSON object {file: {"median_ms", "reps"}} on stdout.
Each file is loaded and shape-inferred repeatedly (at least 5 times and 0.3 s, at most 200 times); the
median of the per-repetition times is reported.
"""
import json
import statistics
import sys
import time

import onnx
import onnx.shape_inference

MIN_REPS, MAX_REPS, MIN_SECONDS = 5, 200, 0.3


def time_file(path):
    times = []
    start = time.perf_counter()
    while len(times) < MAX_REPS and (len(times) < MIN_REPS or time.perf_counter() - start < MIN_SECONDS):
        t0 = time.perf_counter()
        model = onnx.load(path)
        onnx.shape_inference.infer_shapes(model)
        times.append((time.perf_counter() - t0) * 1000)
    return {"median_ms": statistics.median(times), "reps": len(times)}


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
