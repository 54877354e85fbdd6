"""Part 3, "Looks right, behaves wrong": do the plausibility checks work, how plausible are the
video models' clips, and does the playable model follow its buttons?

    python benchmarks/video_plausibility.py [--clips 256]

Prints
- the fraction of real (engine) clips scored plausible (target: all, >= 95%);
- the detection rate of each injected violation (target for vanish and teleport: >= 95%);
- the checks' pass rates for real clips and for the deterministic and generative models'
  futures of the same contexts, as one table;
- the action-conditioned model's action-following rate (target: >= 90%).

Every target is judged by the report: --strict exits 1 on a miss, --json PATH keeps a record
of every figure.
"""
from __future__ import annotations

import argparse
import time

import torch

from worldmodels.measure import plausibility, violations
from worldmodels.measure.report import Report
from worldmodels.video import action_conditioned, simulate_clips


def real_and_injected(report: Report, num_clips: int) -> None:
    # Long clips (4 + 28 frames of 0.04 s), so that most pushes carry the cup off the table.
    clips = simulate_clips(num_clips, context=4, horizon=28, scene="random_push", seed=20_000)
    scene = plausibility.Scene(frame_dt=clips.frame_dt)
    real = plausibility.plausible(plausibility.run_checks(clips.frames, scene))
    rate = real.float().mean()
    report.target("real clips scored plausible", rate, at_least=0.95)
    print(f"real clips scored plausible: {rate:.1%} of {num_clips}")
    print("injected violation   clips   detected (any check)   by its own check")
    own = {"vanish": "permanence", "teleport": "continuity", "wrong_gravity": "gravity",
           "sink": "solidity"}
    for kind in violations.VIOLATIONS:
        pos, applied = violations.inject(kind, clips.cup[:, :, None], scene, seed=1)
        results = plausibility.run_checks(scene.render(pos, clips.hand), scene)
        if kind == "wrong_gravity":   # only falls long enough to fit a parabola can be judged
            applied &= results["gravity"].applicable
        caught = ~plausibility.plausible(results)[applied]
        by_own = ~results[own[kind]].passed[applied]
        if kind in ("vanish", "teleport"):
            report.target(f"{kind} detected (any check)", caught.float().mean(), at_least=0.95)
        else:
            report.figure(f"{kind} detected (any check)", caught.float().mean())
        report.figure(f"{kind} detected by its own check", by_own.float().mean())
        print(f"{kind:<20} {int(applied.sum()):>6}   {caught.float().mean():>19.1%}"
              f"   {by_own.float().mean():>15.1%}")


def model_table(report: Report, num_clips: int) -> None:
    from worldmodels import checkpoints
    clips = simulate_clips(num_clips, context=4, horizon=10, scene="determined_push",
                           seed=30_000)
    scene = plausibility.Scene(frame_dt=clips.frame_dt)
    context = clips.frames[:, :4]
    sources = {"real": clips.frames}
    shipped = checkpoints.available()
    if "video_predictor" in shipped:
        from worldmodels.video import predictor
        future = predictor.predict(predictor.load_pretrained(), context)
        sources["deterministic"] = torch.cat([context, future], dim=1)
    if "video_generative" in shipped:
        from worldmodels.video import generative
        future = generative.sample(generative.load_pretrained(), context, num_samples=1)[:, 0]
        sources["generative"] = torch.cat([context, future], dim=1)
    print(f"\nchecks on {num_clips} held-out clips (4 context + 10 predicted frames; a model's "
          "clip is its own future after the real context):")
    table = plausibility.compare(sources, scene)
    print(plausibility.format_table(table))
    for source, row in table.items():
        for check, rate in row.items():
            report.figure(f"{source} clips: {check} pass rate", rate)
    missing = {"video_predictor", "video_generative"} - set(shipped)
    if missing:
        print(f"(not shipped yet, left out: {sorted(missing)})")


def following(report: Report, num: int) -> None:
    model = action_conditioned.load_pretrained()
    rates = action_conditioned.evaluate(model, num=num)
    report.target("action-conditioned model: cup follows the push", rates["cup_following_rate"],
                  at_least=0.9)
    report.figure("action-conditioned model: hand follows the buttons",
                  rates["hand_following_rate"])
    print(f"\naction-conditioned model: cup follows the push in {rates['cup_following_rate']:.1%}"
          f" of {rates['cup_scenes']} scenes; the hand in {rates['hand_following_rate']:.1%}"
          f" of {rates['hand_scenes']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=256)
    report, args = Report.from_command_line("video_plausibility", parser)
    start = time.perf_counter()
    real_and_injected(report, args.clips)
    model_table(report, args.clips)
    following(report, args.clips)
    print(f"\n({time.perf_counter() - start:.0f} s)")
    report.finish()


if __name__ == "__main__":
    main()
