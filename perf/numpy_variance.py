"""Straightforward per-word GloVe-V in numpy (gather, weighted C^T C, np.linalg.inv), the baseline of the variance
stage. Usage: numpy_variance.py MODEL_DIR COOC_DIR [STRIDE]: every STRIDE-th word with a variance (1 = all), so a
sample spans all frequencies. Prints JSON: words, seconds, gflops."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "bindings", "python", "tests"))
import numpy as np  # noqa: E402
from safetensors_np import load  # noqa: E402

model, cooc = sys.argv[1], sys.argv[2]
stride = int(sys.argv[3]) if len(sys.argv) > 3 else 1
p, meta = load(os.path.join(model, "params.safetensors"))
x, _ = load(os.path.join(cooc, "cooccurrence.csr.safetensors"))
W, C = p["center_vectors"].astype(np.float64), p["context_vectors"].astype(np.float64)
b, bc = p["center_bias"].astype(np.float64), p["context_bias"].astype(np.float64)
x_max, alpha = float(meta.get("x_max", 100)), float(meta.get("alpha", 0.75))
indptr, indices, data = x["indptr"], x["indices"], x["data"]
D = W.shape[1]
words, flops, seen = 0, 0.0, 0
t0 = time.perf_counter()
for i in range(len(indptr) - 1):
    k = indptr[i + 1] - indptr[i]
    if k <= D:
        continue
    seen += 1
    if (seen - 1) % stride:
        continue
    cols, vals = indices[indptr[i]:indptr[i + 1]], data[indptr[i]:indptr[i + 1]]
    f = np.minimum(1.0, (vals / x_max) ** alpha)
    Cj = C[cols]
    H = (Cj * f[:, None]).T @ Cj
    r = np.log(vals) - b[i] - bc[cols] - Cj @ W[i]
    s2 = float(f @ r ** 2) / (k - D)
    _ = s2 * np.linalg.inv(H)
    words += 1
    flops += k * D * D + D ** 3
sec = time.perf_counter() - t0
print(json.dumps({"words": words, "seconds": sec, "gflops": flops / sec / 1e9}))
