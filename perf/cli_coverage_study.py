#!/usr/bin/python3
"""Known-truth GloVe-V simulation run end to end through the glovev CLI (an independent re-check of README's
exact-model table, written apart from the engine: its own design, file writers and counting).

    /usr/bin/python3 perf/cli_coverage_study.py run START STOP OUT.jsonl    # replications START..STOP-1, appended
    /usr/bin/python3 perf/cli_coverage_study.py table OUT.jsonl [...]       # README-style table

Environment: GLOVEV_CLI (default build/bin/glovev), DESIGN_SEED (12345), ONLY ("dof:rho:nr,..."), METHODS.

Design (fixed across replications, i.e. conditional on C, biases and K_i as GloVe-V is):
  V = 60 words, D = 10. Context vectors C_j ~ N(0, I) (float32), biases b_i, c~_j = 2 + N(0, .3^2) (float32).
  18 triplets (a, b, c): rho in {0.2, 0.6, 0.9} x NR in {0.1, 0.5, 1.0} x dof in {50 (dense row, |K|=60), 5 (|K|=15)}.
  True vectors unit norm, cos(a,b) = cos(a,c) = rho (cos(b,c) = rho^2, b,c orthogonal residual directions).
  sigma_i^2 = NR * ||w_i||^2 / tr((C_K^T C_K)^{-1})  (f = 1 since x_max = 1e-6 in metadata), so tr(Sigma_i)/||w_i||^2 = NR.
  6 filler words: dense rows, NR 0.1.
Per replication: log X_ij = b_i + c~_j + w_i.c_j + eps_ij, eps ~ N(0, sigma_i^2); X written as GloVe C cooccurrence.bin
(int32 i, int32 j, float64 x, 1-based, sorted). params.safetensors holds the TRUE C and biases and ZERO centre vectors;
`glovev variance --refine` re-solves w_i by WLS. Then `glovev compare --pair a,b --pair a,c --json` per triplet/method.
"""
import collections, json, os, struct, subprocess, sys, shutil, tempfile, time
from pathlib import Path

import numpy as np

BIN = os.environ.get('GLOVEV_CLI', str(Path(__file__).resolve().parent.parent / 'build' / 'bin' / 'glovev'))
V, D = 60, 10
RHOS = [0.2, 0.6, 0.9]
NRS = [0.1, 0.5, 1.0]
DOFS = [50, 5]
METHODS = ['calibrated', 'delta', 'sample']


def design(seed=12345):
    rng = np.random.default_rng(seed)
    C = rng.standard_normal((V, D)).astype(np.float32)
    b = (2 + 0.3 * rng.standard_normal(V)).astype(np.float32)
    ct = (2 + 0.3 * rng.standard_normal(V)).astype(np.float32)
    W = np.zeros((V, D))
    sig2 = np.zeros(V)
    K = [np.arange(V)] * V
    trips = []
    w = 0
    for dof in DOFS:
        for rho in RHOS:
            for nr in NRS:
                Q, _ = np.linalg.qr(rng.standard_normal((D, 3)))
                u, v1, v2 = Q.T
                s = np.sqrt(1 - rho ** 2)
                vecs = [u, rho * u + s * v1, rho * u + s * v2]
                ids = [w, w + 1, w + 2]
                for i, vec in zip(ids, vecs):
                    W[i] = vec
                    if dof == 5:
                        K[i] = np.sort(rng.choice(V, D + 5, replace=False))
                    Ck = C[K[i]].astype(np.float64)
                    sig2[i] = nr * (vec @ vec) / np.trace(np.linalg.inv(Ck.T @ Ck))
                trips.append(dict(dof=dof, rho=rho, nr=nr, ids=ids))
                w += 3
    while w < V:
        vec = rng.standard_normal(D); vec /= np.linalg.norm(vec)
        W[w] = vec
        sig2[w] = 0.1 / np.trace(np.linalg.inv(C.astype(np.float64).T @ C))
        w += 1
    words = [f"w{i:02d}" for i in range(V)]
    return dict(C=C, b=b, ct=ct, W=W, sig2=sig2, K=K, trips=trips, words=words)


def write_safetensors(path, tensors, meta):
    header = {'__metadata__': meta}
    off = 0
    blobs = []
    for name, arr in tensors:
        arr = np.ascontiguousarray(arr)
        dt = {np.float32: 'F32', np.float64: 'F64'}[arr.dtype.type]
        by = arr.tobytes()
        header[name] = {'dtype': dt, 'shape': list(arr.shape), 'data_offsets': [off, off + len(by)]}
        off += len(by)
        blobs.append(by)
    h = json.dumps(header).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h))); f.write(h)
        for by in blobs: f.write(by)


def write_rep(dz, rep, root, seed0=1000, center=None):
    rng = np.random.default_rng(seed0 + rep)
    model = os.path.join(root, 'model'); cooc = os.path.join(root, 'cooc')
    os.makedirs(model, exist_ok=True); os.makedirs(cooc, exist_ok=True)
    with open(os.path.join(model, 'vocab.txt'), 'w') as f:
        for i, wd in enumerate(dz['words']): f.write(f"{wd} {1000 - i}\n")
    C = dz['C'].astype(np.float64); b = dz['b'].astype(np.float64); ct = dz['ct'].astype(np.float64)
    recs = []
    for i in range(V):
        k = dz['K'][i]
        logx = b[i] + ct[k] + C[k] @ dz['W'][i] + rng.standard_normal(len(k)) * np.sqrt(dz['sig2'][i])
        for j, lx in zip(k, logx): recs.append((i + 1, j + 1, float(np.exp(lx))))
    with open(os.path.join(cooc, 'cooccurrence.bin'), 'wb') as f:
        f.write(b''.join(struct.pack('<iid', *r) for r in recs))
    cv = np.zeros((V, D), np.float32) if center is None else center.astype(np.float32)
    write_safetensors(os.path.join(model, 'params.safetensors'),
                      [('center_vectors', cv), ('context_vectors', dz['C']), ('center_bias', dz['b']), ('context_bias', dz['ct'])],
                      {'x_max': '1e-6', 'alpha': '0.75', 'vocab_size': str(V), 'dim': str(D)})
    return model, cooc


def run(cmd, timeout=60):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def one_rep(dz, rep, workdir, keep=False):
    root = os.path.join(workdir, f'rep{rep:04d}')
    shutil.rmtree(root, ignore_errors=True)
    model, cooc = write_rep(dz, rep, root)
    out = dict(rep=rep, results=[])
    rc, so, se = run(['timeout', '60', BIN, 'variance', '--model', model, '--cooccur', cooc, '--refine', '--approx', '0', '--threads', '1', '--json'])
    out['variance_rc'] = rc
    if rc != 0:
        out['variance_err'] = se[-2000:]
        return out
    only = os.environ.get('ONLY')
    sel = None if not only else {tuple(float(x) for x in c.split(':')) for c in only.split(',')}
    methods = os.environ.get('METHODS', ','.join(METHODS)).split(',')
    for t in dz['trips']:
        if sel is not None and (t['dof'], t['rho'], t['nr']) not in sel: continue
        a, bb, c = (dz['words'][i] for i in t['ids'])
        for m in methods:
            rc, so, se = run(['timeout', '60', BIN, 'compare', '--model', model, '--pair', f'{a},{bb}', '--pair', f'{a},{c}', '--method', m, '--json'])
            r = dict(dof=t['dof'], rho=t['rho'], nr=t['nr'], method=m, rc=rc)
            if rc != 0:
                r['err'] = se[-1000:]
            else:
                try:
                    r['json'] = json.loads(so)
                except Exception as e:
                    r['err'] = f'bad json: {e}: {so[:500]}'
            out['results'].append(r)
    if not keep: shutil.rmtree(root, ignore_errors=True)
    return out


def table(paths):
    """Per cell and method: cover (not_identifiable counts as covering) / share not_identifiable / median width /
    true-null rejection of cos(a,b) = cos(a,c) (0 outside the difference's interval) (share of differences not
    identifiable); for calibrated also the coverage among the intervals it reported."""
    cells = collections.defaultdict(lambda: collections.defaultdict(list))
    for f in paths:
        for line in open(f):
            o = json.loads(line)
            for r in o['results']:
                if 'json' not in r:
                    continue
                c = cells[(r['dof'], r['rho'], r['nr'])][r['method']]
                p = r['json']['pairs'][0]; d = r['json']['differences'][0]
                ok = p['status'] == 'ok'
                c.append((ok, (p['lower'] <= r['rho'] <= p['upper']) if ok else True, (p['upper'] - p['lower']) if ok else np.nan,
                          d['status'] == 'ok', (not (d['lower'] <= 0 <= d['upper'])) if d['status'] == 'ok' else np.nan))
    print('| |K|-D | rho | NR | n | delta: cover / n.i. / width / reject (n.i. diff) | sample: ... | calibrated: ... [cover among reported] |')
    print('|---|---|---|---|---|---|---|')
    for k in sorted(cells, key=lambda k: (-k[0], k[1], k[2])):
        row, n = [], 0
        for m in ['delta', 'sample', 'calibrated']:
            a = np.array(cells[k][m], float); n = max(n, len(a))
            if len(a) == 0:
                row.append('-'); continue
            ok = a[:, 0] == 1
            s = "%.3f / %.3f / %.3f / %.3f (%.2f)" % (a[:, 1].mean(), 1 - ok.mean(), np.nanmedian(a[:, 2]) if ok.any() else np.nan,
                                                      np.nanmean(a[:, 4]) if (a[:, 3] == 1).any() else np.nan, 1 - a[:, 3].mean())
            if m == 'calibrated':
                s += " [%.3f]" % (a[ok, 1].mean() if ok.any() else np.nan)
            row.append(s)
        print("| %s | %s | %s | %d | " % (k[0], k[1], k[2], n) + ' | '.join(row) + ' |')


if __name__ == '__main__':
    if len(sys.argv) >= 3 and sys.argv[1] == 'table':
        table(sys.argv[2:])
        sys.exit(0)
    if len(sys.argv) < 5 or sys.argv[1] != 'run':
        sys.exit(__doc__)
    start, stop, outpath = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    ds = int(os.environ.get('DESIGN_SEED', '12345'))
    dz = design(ds)
    with tempfile.TemporaryDirectory(prefix='glovev-cli-coverage-') as wd, open(outpath, 'a') as f:
        for rep in range(start, stop):
            t0 = time.time()
            o = one_rep(dz, rep, wd)
            o['secs'] = time.time() - t0
            f.write(json.dumps(o) + '\n'); f.flush()
