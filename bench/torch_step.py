#!/usr/bin/env python3
"""The PyTorch reference of Mnemo's training step, on one CPU thread.

It performs the same steps as Mnemo's learner (dev.mnemo.learner.strategy.ContinualTrainer), so
that `./mnemo bench step` can set Mnemo's step throughput beside it on the same machine:

  network     MLP 784-400-400-10, ReLU hidden layers, float32, raw logits out
  optimiser   Adam, lr 1e-3, betas (0.9, 0.999), eps 1e-8 (Deeplearning4j's Adam defaults)
  fine-tune   mean cross-entropy of softmax(logits) over the stream batch of B rows
  lwf         per row (1 - lambda) CE(y, softmax(z)) + lambda T^2 CE(q, softmax(z / T)), T = 2,
              lambda = 0.5, q = softmax(teacher(x) / T) from a frozen teacher (a deep copy of the
              network taken after the warm-up steps, run under no_grad), mean over the rows
              (dev.mnemo.learner.model.DistillationLoss as dev.mnemo.learner.strategy.Lwf uses it)
  replay      the B stream rows plus B distinct rows drawn at random from a 4096-sample reservoir
              buffer, one step over the 2B rows; the stream rows then go into the buffer
              (dev.mnemo.learner.strategy.Replay)
  lwf+replay  both: one step over the 2B rows, the teacher's forward pass on all 2B

Features are uniform in [0, 1) and labels random: the timing depends only on the shapes. Each
configuration cycles through a pool of 16 batches.

Figures per configuration: stream samples/s, ms/step and GFLOP/s, with the FLOP convention of
Mnemo's ContinualStepBench: (6 + 2 with a teacher) * rows * MACs per step, where rows = B (or 2B
with replay) and MACs = 784*400 + 400*400 + 400*10 per sample. The attainable peak is torch.mm on
preallocated 1024 x 1024 float matrices (out=), measured in the same run; each step's GFLOP/s is
also given as a share of it. With several rounds, the rounds interleave sgemm and every
configuration, and the best round of each is kept (the least disturbed one on a shared machine).

Run it with OMP_NUM_THREADS=1 set before Python starts (the script also calls
torch.set_num_threads(1)):

  OMP_NUM_THREADS=1 python3 bench/torch_step.py --seconds 5 --batches 32,128,512 --json torch.json

It installs nothing; on Debian, PyTorch 1.13 on CPU comes from the packages python3-torch and
libopenblas0-pthread.
"""

import argparse
import copy
import json
import os
import platform
import sys
import time

CONFIGS = ("fine-tune", "lwf", "replay", "lwf+replay")
LAYERS = (784, 400, 400, 10)
MACS_PER_SAMPLE = sum(a * b for a, b in zip(LAYERS, LAYERS[1:]))
TEMPERATURE = 2.0
LAMBDA = 0.5
BUFFER_CAPACITY = 4096
POOL_BATCHES = 16
WARMUP_STEPS = 40
GEMM_SIZE = 1024


def positive_ints(text):
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("expected comma-separated integers, got %r" % text)
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError("expected integers >= 1, got %r" % text)
    return values


def config_names(text):
    values = [v.strip() for v in text.split(",") if v.strip()]
    unknown = [v for v in values if v not in CONFIGS]
    if not values or unknown:
        raise argparse.ArgumentTypeError(
            "configs must be among %s, got %r" % (",".join(CONFIGS), text))
    return values


def positive_float(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("expected a number > 0, got %r" % text)
    return value


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="torch_step.py",
        description="PyTorch reference of Mnemo's training step (fine-tune, lwf, replay, lwf+replay) "
                    "on one CPU thread, with torch's own sgemm as the attainable peak.",
        epilog="Set OMP_NUM_THREADS=1 before starting Python. Debian packages: python3-torch, "
               "libopenblas0-pthread.")
    p.add_argument("--seconds", type=positive_float, default=5.0,
                   help="measured seconds per configuration and round (default 5)")
    p.add_argument("--warmup", type=float, default=2.0,
                   help="warm-up seconds per configuration, after %d warm-up steps (default 2)"
                        % WARMUP_STEPS)
    p.add_argument("--batches", type=positive_ints, default=[32, 128, 512],
                   help="stream batch sizes B; the replay batch is B too (default 32,128,512)")
    p.add_argument("--configs", type=config_names, default=list(CONFIGS),
                   help="configurations among %s (default all)" % ",".join(CONFIGS))
    p.add_argument("--rounds", type=int, default=3,
                   help="interleaved rounds; the best of each is kept (default 3)")
    p.add_argument("--seed", type=int, default=42, help="seed of the data and networks (default 42)")
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON to FILE")
    args = p.parse_args(argv)
    if args.rounds < 1:
        p.error("--rounds must be >= 1")
    if args.warmup < 0:
        p.error("--warmup must be >= 0")
    return args


class Reservoir:
    """A reservoir-sampling buffer of float32 rows, as Mnemo's ReservoirBuffer keeps them."""

    def __init__(self, torch, capacity, features, generator):
        self.torch = torch
        self.capacity = capacity
        self.x = torch.empty(capacity, features)
        self.y = torch.empty(capacity, dtype=torch.long)
        self.size = 0
        self.seen = 0
        self.generator = generator

    def add(self, x, y):
        torch = self.torch
        n = x.shape[0]
        free = max(0, min(n, self.capacity - self.size))
        if free:
            self.x[self.size:self.size + free] = x[:free]
            self.y[self.size:self.size + free] = y[:free]
            self.size += free
        if free < n:
            # Sample i (0-based count n_i of samples seen before it) replaces slot j ~ U{0..n_i}
            # when j < capacity.
            seen = torch.arange(self.seen + free, self.seen + n, dtype=torch.float64)
            j = (torch.rand(n - free, generator=self.generator, dtype=torch.float64) * (seen + 1)).long()
            keep = j < self.capacity
            self.x[j[keep]] = x[free:][keep]
            self.y[j[keep]] = y[free:][keep]
        self.seen += n

    def sample(self, k):
        k = min(k, self.size)
        slots = self.torch.randperm(self.size, generator=self.generator)[:k]
        return self.x[slots], self.y[slots]


class Step:
    """One configuration at one batch size: a network, its Adam state, a teacher, a buffer."""

    def __init__(self, torch, config, batch, seed):
        nn = torch.nn
        self.torch = torch
        self.F = torch.nn.functional
        self.config = config
        self.batch = batch
        self.replay = batch if config.endswith("replay") else 0
        self.distil = config.startswith("lwf")
        torch.manual_seed(seed)
        self.model = nn.Sequential(
            nn.Linear(LAYERS[0], LAYERS[1]), nn.ReLU(),
            nn.Linear(LAYERS[1], LAYERS[2]), nn.ReLU(),
            nn.Linear(LAYERS[2], LAYERS[3]))
        self.optimiser = torch.optim.Adam(
            self.model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
        generator = torch.Generator().manual_seed(seed + 1)
        self.pool = [
            (torch.rand(batch, LAYERS[0], generator=generator),
             torch.randint(0, LAYERS[-1], (batch,), generator=generator))
            for _ in range(POOL_BATCHES)]
        self.buffer = (Reservoir(torch, BUFFER_CAPACITY, LAYERS[0], generator)
                       if self.replay else None)
        self.teacher = None
        self.steps = 0

    @property
    def rows(self):
        return self.batch + self.replay

    @property
    def flops_per_step(self):
        return (6 + (2 if self.distil else 0)) * self.rows * MACS_PER_SAMPLE

    def take_teacher(self):
        """The task boundary: a frozen deep copy of the network (LwF's teacher)."""
        if self.distil:
            self.teacher = copy.deepcopy(self.model)
            for p in self.teacher.parameters():
                p.requires_grad_(False)
            self.teacher.eval()

    def step(self):
        torch, F = self.torch, self.F
        x, y = self.pool[self.steps % POOL_BATCHES]
        self.steps += 1
        if self.buffer is not None and self.buffer.size > 0:
            rx, ry = self.buffer.sample(self.replay)
            bx, by = torch.cat((x, rx)), torch.cat((y, ry))
        else:
            bx, by = x, y
        self.optimiser.zero_grad(set_to_none=True)
        z = self.model(bx)
        loss = F.cross_entropy(z, by)
        if self.teacher is not None:
            with torch.no_grad():
                q = F.softmax(self.teacher(bx) / TEMPERATURE, dim=1)
            soft = -(q * F.log_softmax(z / TEMPERATURE, dim=1)).sum(dim=1).mean()
            loss = (1 - LAMBDA) * loss + LAMBDA * TEMPERATURE * TEMPERATURE * soft
        loss.backward()
        self.optimiser.step()
        if self.buffer is not None:
            self.buffer.add(x, y)

    def run(self, seconds):
        """Steps for `seconds`; returns (steps, elapsed seconds)."""
        steps = 0
        start = time.perf_counter()
        deadline = start + seconds
        while True:
            self.step()
            steps += 1
            now = time.perf_counter()
            if now >= deadline:
                return steps, now - start


def sgemm_flops(torch, warmup, seconds):
    """torch.mm on preallocated float 1024 x 1024 matrices, in FLOP/s."""
    a = torch.rand(GEMM_SIZE, GEMM_SIZE)
    b = torch.rand(GEMM_SIZE, GEMM_SIZE)
    c = torch.empty(GEMM_SIZE, GEMM_SIZE)
    per_call = 2.0 * GEMM_SIZE ** 3
    for budget, measured in ((warmup, False), (seconds, True)):
        calls = 0
        start = time.perf_counter()
        deadline = start + budget
        while True:
            torch.mm(a, b, out=c)
            calls += 1
            now = time.perf_counter()
            if now >= deadline:
                break
        if measured:
            return calls * per_call / (now - start)
    raise AssertionError("unreachable")


def blas_info(torch):
    """The BLAS library torch.mm runs on: the loaded one when /proc says, else the build's."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            for line in maps:
                path = line.split()[-1]
                if "blas" in os.path.basename(path).lower() and os.path.isabs(path):
                    return os.path.realpath(path)
    except OSError:
        pass
    for part in torch.__config__.show().replace("\n", ",").split(","):
        if "BLAS_INFO=" in part:
            return part.split("BLAS_INFO=", 1)[1].strip()
    return "unknown"


def main(argv=None):
    args = parse_args(argv)
    try:
        import torch
    except ImportError:
        print("torch_step.py: PyTorch is not installed for %s; on Debian: apt-get install "
              "python3-torch libopenblas0-pthread" % sys.executable, file=sys.stderr)
        return 3
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    omp = os.environ.get("OMP_NUM_THREADS", "unset")
    if omp != "1":
        print("warning: OMP_NUM_THREADS=%s; the reference is meant for OMP_NUM_THREADS=1" % omp,
              file=sys.stderr)
    print("PyTorch %s (BLAS %s), %d thread(s), OMP_NUM_THREADS=%s; network %s, %d MACs per sample"
          % (torch.__version__, blas_info(torch), torch.get_num_threads(), omp,
             "-".join(map(str, LAYERS)), MACS_PER_SAMPLE), flush=True)

    steps = []
    for config in args.configs:
        for batch in args.batches:
            s = Step(torch, config, batch, args.seed)
            for _ in range(WARMUP_STEPS):
                s.step()
            s.take_teacher()
            if args.warmup > 0:
                s.run(args.warmup)
            steps.append(s)

    gemm = 0.0
    best = [float("inf")] * len(steps)
    for _ in range(args.rounds):
        gemm = max(gemm, sgemm_flops(torch, 0.5, 2.0))
        for i, s in enumerate(steps):
            count, elapsed = s.run(args.seconds)
            best[i] = min(best[i], elapsed / count)

    print("sgemm %dx%d (torch.mm, out=): %.1f GFLOP/s (best of %d)"
          % (GEMM_SIZE, GEMM_SIZE, gemm / 1e9, args.rounds))
    results = []
    for s, step_seconds in zip(steps, best):
        flops = s.flops_per_step / step_seconds
        result = {
            "config": s.config,
            "batch": s.batch,
            "replay": s.replay,
            "rows": s.rows,
            "teacher": s.distil,
            "samplesPerSecond": s.batch / step_seconds,
            "stepMillis": 1e3 * step_seconds,
            "gflops": flops / 1e9,
            "sgemmFraction": flops / gemm,
        }
        results.append(result)
        print("%-10s stream %3d + replay %3d: %8.0f stream samples/s, %7.2f ms/step, "
              "%6.1f GFLOP/s, %5.1f%% of sgemm"
              % (s.config, s.batch, s.replay, result["samplesPerSecond"], result["stepMillis"],
                 result["gflops"], 100 * result["sgemmFraction"]), flush=True)

    if args.json:
        report = {
            "implementation": "pytorch",
            "version": torch.__version__,
            "blas": blas_info(torch),
            "python": platform.python_version(),
            "ompThreads": omp,
            "threads": torch.get_num_threads(),
            "network": list(LAYERS),
            "macsPerSample": MACS_PER_SAMPLE,
            "bufferCapacity": BUFFER_CAPACITY,
            "seconds": args.seconds,
            "rounds": args.rounds,
            "sgemmGflops": gemm / 1e9,
            "results": results,
        }
        parent = os.path.dirname(os.path.abspath(args.json))
        os.makedirs(parent, exist_ok=True)
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2)
            f.write("\n")
        print("wrote %s" % args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
