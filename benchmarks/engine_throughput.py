"""How fast is the world? Our batched engine against pymunk, and the renderer's frames per second.

    python benchmarks/engine_throughput.py                # the full run, about half a minute
    python benchmarks/engine_throughput.py --quick        # a smoke run of a few seconds
    python benchmarks/engine_throughput.py --json out.json --strict

The scene is the benchmark scene of `world.bouncing_balls`: 8 elastic, frictionless balls of
random size in a box with walls and the toddler's table. Both engines start from the same
states and take the same steps of the same dt:

- our engine steps B worlds at once (B = 1, 64, 1024, 4096), on every core torch uses, in its
  two forms: `world.step`, the differentiable PyTorch step, and `world.native.step`, the
  same step compiled to C for simulation without gradients (equal to rounding, see
  tests/test_native.py);
- pymunk (Chipmunk2D) has no batch: it steps one space of 8 balls at a time, so we build one
  space per world and step them one after another. Its body-steps per second hardly depend
  on how many spaces there are, so one number is compared with every batch size. We also run
  it in one process per core, the fairest match for an engine that uses every core.

Body-steps per second = worlds x disks x steps / seconds. Timings are the best of a few
repeats after a warm-up, with time.perf_counter: other work on the machine only ever adds
time, so the fastest repeat is the closest to the code's own speed (as `timeit` advises).
Targets: engine >= 10x single-process pymunk at batch 4096, judged on the compiled step (the
PyTorch step's ratio is printed beside it); renderer >= 50,000 frames/s at 32x32. The report
judges them: --strict exits 1 on a miss, --json PATH keeps a record of every figure.
"""
from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import platform
import time

import pymunk
import torch

from worldmodels.measure.report import Report
from worldmodels.world import native, render
from worldmodels.world.engine import step
from worldmodels.world.scenes import bouncing_balls
from worldmodels.world.state import SimulationDiverged

NUM_BALLS = 8
BATCH_SIZES = (1, 64, 1024, 4096)
ENGINE_TARGET = 10.0        # x pymunk (one process) at batch 4096
RENDER_TARGET = 50_000.0    # frames per second at 32x32
RENDER_BATCH = 4096


def scene(batch_size: int, hand: bool = False):
    return bouncing_balls(batch_size, num_balls=NUM_BALLS, seed=0, table=True, hand=hand)


def best_time(fn, repeats: int) -> float:
    """Fewest wall-clock seconds of fn() over `repeats` calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


# ------------------------------------------------------------------------------ our engine

ENGINES = {"pytorch": step, "compiled": native.step}


def engine_rate(engine: str, batch_size: int, steps: int, repeats: int) -> dict:
    """Body-steps per second of ENGINES[engine] on batch_size worlds, `steps` steps from the start.

    A run that raises SimulationDiverged is reported as such (a speed of a broken
    simulation means nothing): the row then has "diverged_at_step" and no rate.
    """
    state, params = scene(batch_size)
    step_fn = ENGINES[engine]

    @torch.no_grad()  # simulation only: no graph for gradients
    def run():
        s = state
        for t in range(steps):
            try:
                s = step_fn(s, None, params)
            except SimulationDiverged:
                raise _Diverged(t)

    row = {"engine": engine, "batch_size": batch_size}
    try:
        seconds = best_time(run, repeats)
    except _Diverged as e:
        return {**row, "diverged_at_step": e.args[0]}
    return {**row, "ms_per_step": 1e3 * seconds / steps,
            "body_steps_per_s": batch_size * NUM_BALLS * steps / seconds}


class _Diverged(Exception):
    """Carries the step at which a benchmark run diverged."""


# ------------------------------------------------------------------------------ pymunk

def world_description(batch_size: int) -> list[dict]:
    """The benchmark scene's worlds as plain numbers, so other processes can rebuild them."""
    state, params = scene(batch_size)
    table = params.table
    return [{"world_size": params.world_size, "walls": params.walls, "dt": params.dt,
             "iterations": params.substeps, "gravity": params.gravity[b].item(),
             "table": None if table is None else (table.left, table.right, table.height),
             "hand": state.hand[b].tolist(), "hand_radius": params.hand_radius,
             "pos": state.pos[b].tolist(), "vel": state.vel[b].tolist(),
             "mass": params.mass[b].tolist(), "radius": params.radius[b].tolist(),
             "restitution": params.restitution[b].tolist(),
             "friction": params.friction[b].tolist()} for b in range(batch_size)]


def pymunk_space(world: dict) -> pymunk.Space:
    """One world in pymunk: the same solid floor, walls and table, the same disks."""
    space = pymunk.Space()
    space.gravity = (0.0, -world["gravity"])
    space.iterations = world["iterations"]   # as many velocity passes as our solver makes
    space.collision_slop = 1e-3              # m; pymunk's default of 0.1 assumes pixels
    size, far = world["world_size"], 10.0 * world["world_size"]
    boxes = [(-far, -far, far, 0.0)]                                    # floor: y <= 0
    if world["walls"]:
        boxes += [(-far, -far, 0.0, far), (size, -far, far, far)]      # x <= 0, x >= size
    if world["table"] is not None:
        left, right, height = world["table"]
        boxes.append((left, 0.0, right, height))
    for x0, y0, x1, y1 in boxes:
        shape = pymunk.Poly(space.static_body, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
        # pymunk multiplies the two shapes' coefficients: 1 here leaves the disk's own, which
        # is also our engine's rule against static geometry.
        shape.elasticity, shape.friction = 1.0, 1.0
        space.add(shape)
    for i, (x, y) in enumerate(world["pos"]):
        body = pymunk.Body(world["mass"][i], math.inf)  # infinite inertia: disks slide, never spin
        body.position, body.velocity = (x, y), tuple(world["vel"][i])
        shape = pymunk.Circle(body, world["radius"][i])
        shape.elasticity, shape.friction = world["restitution"][i], world["friction"][i]
        space.add(body, shape)
    if world["hand_radius"] > 0:  # a kinematic pusher that stands still, like action=None
        hand = pymunk.Body(body_type=pymunk.Body.KINEMATIC)
        hand.position = tuple(world["hand"])
        space.add(hand, pymunk.Circle(hand, world["hand_radius"]))
    return space


def pymunk_steps(worlds: list[dict], steps: int, repeats: int) -> tuple[int, float]:
    """(body-steps, best seconds) for stepping every world `steps` times, one after another."""
    def run():
        spaces = [pymunk_space(w) for w in worlds]  # fresh spaces: every repeat starts alike
        start = time.perf_counter()
        for space, world in zip(spaces, worlds):
            for _ in range(steps):
                space.step(world["dt"])
        return time.perf_counter() - start

    run()  # warm-up
    seconds = min(run() for _ in range(repeats))
    return len(worlds) * NUM_BALLS * steps, seconds


def _pymunk_worker(job: tuple[list[dict], int, int]) -> tuple[int, float]:
    return pymunk_steps(*job)


def pymunk_rate(num_worlds: int, steps: int, repeats: int, processes: int) -> float:
    """Body-steps per second of pymunk over num_worlds worlds split among `processes`."""
    worlds = world_description(num_worlds)
    # Fresh processes even for one: this one's torch threads may still be spinning on the
    # cores after the last tensor operation, and pymunk would pay for it.
    jobs = [(worlds[p::processes], steps, repeats) for p in range(processes)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        results = pool.map(_pymunk_worker, jobs)
    # The processes run side by side: all the work took as long as the slowest one.
    return sum(n for n, _ in results) / max(s for _, s in results)


# ------------------------------------------------------------------------------ renderer

def render_rate(size: int, repeats: int) -> dict:
    """Frames per second of `render` on RENDER_BATCH worlds of 8 balls and a hand."""
    state, params = scene(RENDER_BATCH, hand=True)
    with torch.no_grad():
        seconds = best_time(lambda: render(state, params, size), repeats)
    return {"size": size, "batch_size": RENDER_BATCH, "ms_per_call": 1e3 * seconds,
            "frames_per_s": RENDER_BATCH / seconds}


# ------------------------------------------------------------------------------ report

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run")
    report, args = Report.from_command_line("engine_throughput", parser)
    steps, repeats, worlds = (20, 1, 8) if args.quick else (200, 3, 64)
    cores = os.cpu_count() or 1

    print(f"torch {torch.__version__} ({torch.get_num_threads()} threads), pymunk "
          f"{pymunk.version}, {cores} CPU cores, {platform.processor() or platform.machine()}")
    print(f"scene: bouncing_balls(num_balls={NUM_BALLS}, table=True), dt = 0.01 s, "
          f"{steps} steps from the same start, best of {repeats} after a warm-up")
    if args.quick:
        print("--quick: a smoke run, too short for numbers to quote")
    print()

    one = pymunk_rate(worlds, steps, repeats, processes=1)
    many = pymunk_rate(worlds, steps, repeats, processes=cores) if cores > 1 else one
    print(f"pymunk: {worlds} independent spaces, one per world, stepped one after another "
          f"(solver iterations = our substeps, disks that do not spin)")
    print(f"  in 1 process:       {one:12,.0f} body-steps/s")
    print(f"  in {cores} processes:     {many:12,.0f} body-steps/s (one per core)\n")

    engine = []
    print(f"{'engine':>9} {'batch':>6} {'ms/step':>9} {'body-steps/s':>14} "
          f"{'x pymunk (1 proc)':>18} {f'x pymunk ({cores} procs)':>19}")
    for name in ENGINES:
        for batch_size in BATCH_SIZES:
            row = engine_rate(name, batch_size, steps, repeats)
            engine.append(row)
            if "diverged_at_step" in row:
                print(f"{name:>9} {batch_size:>6}   the simulation diverged at step "
                      f"{row['diverged_at_step']}")
                continue
            row["ratio_pymunk_1_process"] = row["body_steps_per_s"] / one
            row["ratio_pymunk_all_cores"] = row["body_steps_per_s"] / many
            print(f"{name:>9} {batch_size:>6} {row['ms_per_step']:>9.2f} "
                  f"{row['body_steps_per_s']:>14,.0f} {row['ratio_pymunk_1_process']:>18.3g} "
                  f"{row['ratio_pymunk_all_cores']:>19.3g}")

    renders = [render_rate(size, 5 if args.quick else 30) for size in (32, 64)]
    print(f"\nrenderer: {RENDER_BATCH} frames per call, 8 balls, table and hand")
    print(f"{'size':>6} {'ms per call':>12} {'frames/s':>12}")
    for row in renders:
        print(f"{row['size']:>6} {row['ms_per_call']:>12.1f} {row['frames_per_s']:>12,.0f}")

    largest = {row["engine"]: row.get("ratio_pymunk_1_process", 0.0)  # 0 when it diverged
               for row in engine if row["batch_size"] == BATCH_SIZES[-1]}
    ratio = largest["compiled"]
    fps = renders[0]["frames_per_s"]
    report.figure("pymunk, 1 process", one, unit="body-steps/s")
    report.figure(f"pymunk, {cores} processes", many, unit="body-steps/s")
    for row in engine:
        if "body_steps_per_s" in row:
            report.figure(f"{row['engine']} step, batch {row['batch_size']}",
                          row["body_steps_per_s"], unit="body-steps/s")
    for row in renders:
        report.figure(f"renderer at {row['size']}x{row['size']}", row["frames_per_s"],
                      unit="frames/s")
    report.figure(f"PyTorch step / pymunk (1 process) at batch {BATCH_SIZES[-1]}",
                  largest["pytorch"])
    report.target(f"compiled step / pymunk (1 process) at batch {BATCH_SIZES[-1]}", ratio,
                  at_least=ENGINE_TARGET)
    report.target("renderer at 32x32", fps, unit="frames/s", at_least=RENDER_TARGET)
    report.finish()


if __name__ == "__main__":
    main()
