"""The engine's step compiled to C: the same world, no gradients, for simulation at scale.

    from worldmodels.world import native
    if native.available():
        state = native.step(state, action, params)     # as world.step, without gradients

`engine.step` is the reference: a pure PyTorch step that autograd can differentiate, batched
as tensor operations. At a large batch on a CPU those operations cost more to dispatch than
the arithmetic they do (about a thousand per step, mostly on a few thousand contacts), so
throughput stops growing with the batch. `native_step.c` writes the same algorithm (the same
contacts, impact rounds, Jacobi passes and positional correction, in the same order) as loops
over each world's few contacts, and this module runs slices of the batch on every core torch
uses. It agrees with `engine.step` to float rounding (tests/test_native.py), which is what
makes it the same engine rather than a second one.

The C file is compiled on first use with the system's C compiler (`$CC`, else `cc`) into a
cache folder (`$WORLDMODELS_CACHE`, else ~/.cache/worldmodels), once per source version.
Where no compiler works, `available()` is False and `world.step` does the same job slower.

Shapes: B worlds, N disks.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import torch
from torch import Tensor

from .contacts import static_boxes
from .engine import check_speed, check_step_inputs
from .state import Params, State

SOURCE = Path(__file__).with_name("native_step.c")
# Optimisations that leave every result as IEEE arithmetic defines it (no -ffast-math): sqrt
# need not set errno, and floating-point exceptions are never inspected.
FLAGS = ("-O2", "-fno-math-errno", "-fno-trapping-math", "-std=c99", "-shared", "-fPIC")
# Where the compiler knows it, the x86-64 level of 2009 (SSE4.2) selects and blends without
# branches; the other compilers and processors build without it.
CPU_FLAGS = ("-march=x86-64-v2",) if platform.machine().lower() in ("x86_64", "amd64") else ()
MAX_BOXES = 4                 # the floor, two walls and the table (contacts.static_boxes)
Boxes = ctypes.c_double * 4 * MAX_BOXES  # rows of (x_low, y_low, x_high, y_high)
MIN_WORLDS_PER_THREAD = 256   # below this, starting a thread costs more than it saves
C_TYPES = {torch.float32: "float", torch.float64: "double"}


class Settings(ctypes.Structure):
    """The scalar part of Params, as native_step.c's Settings."""

    _fields_ = [(name, ctypes.c_double) for name in (
        "dt", "world_size", "hand_radius", "hand_max_speed")] + [
        ("boxes", Boxes),
        ("num_boxes", ctypes.c_int), ("substeps", ctypes.c_int)]


def available() -> bool:
    """Whether the C step can be compiled and loaded here."""
    try:
        _library(torch.float32)
        return True
    except OSError:
        return False


def step(state: State, action: Tensor | None, params: Params) -> State:
    """Advance every world by params.dt seconds as `world.step` does (to float rounding),
    without gradients.

    state: positions, velocities (B, N, 2) and the hand (B, 2), float32 or float64, on the CPU
    action: (B, 2) the hand's velocity in m/s, or None to keep the hand still
    Raises SimulationDiverged if the step blows up, ValueError for tensors that need gradients
    or live off the CPU, and OSError if no C compiler is available.
    """
    check_step_inputs(state, action, params)
    library = _library(params.mass.dtype)
    inputs = _inputs(state, action, params)
    out = [torch.empty_like(state.pos), torch.empty_like(state.vel), torch.empty_like(state.hand)]
    args = [None if t is None else t.data_ptr() for t in inputs + out]     # addresses
    settings = _settings(params)

    def run(first: int, last: int) -> float:  # ctypes releases the GIL: slices run in parallel
        worst = ctypes.c_double()
        if library.step_worlds(first, last, params.num_disks, ctypes.byref(settings), *args,
                               ctypes.byref(worst)):
            raise MemoryError("native.step could not allocate its working memory")
        return worst.value

    first, *others = _slices(params.batch_size)
    helpers = [_pool().submit(run, *bounds) for bounds in others]
    worst = [run(*first)] + [helper.result() for helper in helpers]
    # The divergence check of world.step, on the largest speed of each slice (NaN if any
    # number was not finite; max() may skip a NaN, the sum keeps it).
    check_speed(max(worst) + 0.0 * sum(worst), params)
    return State(*out)


def _inputs(state: State, action: Tensor | None, params: Params) -> list[Tensor | None]:
    """The tensors step_worlds reads, in its order, checked and made contiguous."""
    tensors = {"state.pos": state.pos, "state.vel": state.vel, "state.hand": state.hand,
               "action": action, "params.mass": params.mass, "params.radius": params.radius,
               "params.restitution": params.restitution, "params.friction": params.friction,
               "params.gravity": params.gravity}
    for name, tensor in tensors.items():
        if tensor is None:
            continue
        if tensor.device.type != "cpu":
            raise ValueError(f"{name} must be on the CPU for native.step, got {tensor.device}")
        if tensor.requires_grad and torch.is_grad_enabled():
            raise ValueError(f"{name} requires grad, but native.step computes no gradients: "
                             "use world.step to differentiate")
    return [None if t is None else t.contiguous() for t in tensors.values()]


def _settings(params: Params) -> Settings:
    # The very boxes the PyTorch step collides with, so the two cannot disagree on the world.
    boxes = static_boxes(float(params.world_size), params.table, bool(params.walls))
    return Settings(params.dt, params.world_size, params.hand_radius, params.hand_max_speed,
                    Boxes(*boxes), len(boxes), params.substeps)


def _slices(batch_size: int) -> list[tuple[int, int]]:
    """Split worlds 0..B-1 into one slice per thread, each of MIN_WORLDS_PER_THREAD or more."""
    threads = max(1, min(torch.get_num_threads(), batch_size // MIN_WORLDS_PER_THREAD))
    edges = [batch_size * k // threads for k in range(threads + 1)]
    return list(zip(edges[:-1], edges[1:]))


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=os.cpu_count() or 1,
                              thread_name_prefix="worldmodels-native")


@lru_cache(maxsize=None)
def _library(dtype: torch.dtype) -> ctypes.CDLL:
    """Compile native_step.c for this dtype (once per source version) and load it."""
    c_name = C_TYPES[dtype]   # check_step_inputs has admitted float32 and float64 only
    source = SOURCE.read_bytes()
    compiler = os.environ.get("CC", "cc")
    folder = Path(os.environ.get("WORLDMODELS_CACHE", Path.home() / ".cache" / "worldmodels"))
    error = None
    for flags in ((*FLAGS, *CPU_FLAGS), FLAGS) if CPU_FLAGS else (FLAGS,):
        flags = (*flags, f"-DREAL={c_name}")
        key = hashlib.sha256(source + " ".join((compiler, *flags)).encode()).hexdigest()[:16]
        path = folder / f"native_step_{c_name}_{key}.so"
        if path.exists():
            break
        try:
            _compile(compiler, flags, path)
            break
        except subprocess.CalledProcessError as e:
            error = e
    else:
        raise OSError(f"compiling {SOURCE.name} failed:\n{error.stderr}")
    library = ctypes.CDLL(str(path))
    library.step_worlds.restype = ctypes.c_int
    # first, last, N, settings, 12 arrays (addresses; NULL for no action), the worst speed
    library.step_worlds.argtypes = ([ctypes.c_int] * 3 + [ctypes.POINTER(Settings)]
                                    + [ctypes.c_void_p] * 12 + [ctypes.POINTER(ctypes.c_double)])
    return library


def _compile(compiler: str, flags: tuple, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Compile to a temporary name, then rename: two processes never load half a file.
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        built = Path(tmp) / path.name
        try:
            subprocess.run([compiler, *flags, "-o", str(built), str(SOURCE), "-lm"],
                           check=True, capture_output=True, text=True)
        except FileNotFoundError:
            raise OSError(f"native.step needs a C compiler and found none (tried {compiler!r}; "
                          "set $CC to choose one); world.step does the same without one")
        os.replace(built, path)
