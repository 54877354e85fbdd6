"""How good are Part 1's frame world models? Held-out errors against trivial baselines.

    python benchmarks/dreamer_world_model.py              # the shipped checkpoints, ~half a minute
    python benchmarks/dreamer_world_model.py --retrain    # also reproduce both from scratch (minutes)

Two models, both trained on random-push rollouts of the cup world at 32x32 (a frame every
0.02 s), both tested on 64 rollouts from a seed they never saw:

- the RSSM world model (`dreamer.frames_world_model`, checkpoint `rssm_frames`): it observes 5
  frames, then imagines 10 from the hand's actions alone;
- World Models' V + M (`dreamer.world_models`, checkpoint `world_models_vae_rnn`): it sees one
  frame and dreams 10.

Baselines: the mean of the held-out frames (a model that ignores its input), and copying the
last seen frame (a model that knows nothing of motion). Quality bar of the book (issue, Part 1):
the RSSM reconstructs held-out frames better than the mean frame, and its 10-step open-loop
predictions beat copy-last-frame. The report judges them: --strict exits 1 on a miss,
--json PATH keeps a record of every figure.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time

import torch

from worldmodels import checkpoints, train
from worldmodels.dreamer import frames_world_model as fwm
from worldmodels.dreamer import world_models
from worldmodels.dreamer.frame_data import frame_sequences
from worldmodels.measure import metrics
from worldmodels.measure.report import Report

SEED, ROLLOUTS, CONTEXT, HORIZON = 1000, 64, 5, 10


def rssm_report(report: Report, model) -> None:
    result = fwm.evaluate(model, num_rollouts=ROLLOUTS, context=CONTEXT, horizon=HORIZON,
                          seed=SEED)
    print(f"  reconstruction of seen frames   pixel MSE {result['recon']:.5f}   "
          f"mean frame {result['mean_frame']:.5f}")
    print("  steps ahead   open loop   copy last   ratio")
    for h, (mine, copy) in enumerate(zip(result["open_loop"], result["copy_last"]), start=1):
        print(f"  {h:11d}   {mine:9.5f}   {copy:9.5f}   {mine / copy:5.2f}")
        report.figure(f"RSSM open loop, {h} steps ahead: pixel MSE", mine)
        report.figure(f"copy last, {h} steps ahead: pixel MSE", copy)
    report.figure("mean frame: pixel MSE", result["mean_frame"])
    report.target("RSSM reconstruction / mean frame's pixel MSE",
                  result["recon"] / result["mean_frame"], below=1.0)
    report.target(f"RSSM {HORIZON}-step open loop / copy last's pixel MSE",
                  result["open_loop"][-1] / result["copy_last"][-1], below=1.0)


def vae_rnn_report(report: Report, vae, rnn) -> None:
    frames, actions = frame_sequences(ROLLOUTS, HORIZON, seed=SEED)
    with torch.no_grad():
        flat = frames.flatten(0, 1)
        recon = vae.decode(vae.encode(flat)[0])
    dreams = world_models.dream_frames(vae, rnn, frames[:, 0], actions)
    dream = metrics.error_by_horizon(dreams, frames)
    copy = metrics.error_by_horizon(frames[:, :1].expand_as(frames), frames)
    print(f"  reconstruction                  pixel MSE {(recon - flat).pow(2).mean():.5f}   "
          f"mean frame {(flat.mean(0) - flat).pow(2).mean():.5f}")
    print("  steps ahead   dream       copy first")
    for h in range(1, HORIZON + 1):
        print(f"  {h:11d}   {dream[h]:9.5f}   {copy[h]:9.5f}")
        report.figure(f"V + M dream, {h} steps ahead: pixel MSE", dream[h])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--retrain", action="store_true",
                        help="reproduce both checkpoints from scratch and report those")
    report, args = Report.from_command_line("dreamer_world_model", parser)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"load average {os.getloadavg()[0]:.1f}")
    folder = None
    if args.retrain:
        folder = tempfile.mkdtemp()
        for name in ("rssm_frames", "world_models_vae_rnn"):
            start = time.perf_counter()
            train.reproduce(name, folder=folder)
            print(f"{name}: reproduced in {time.perf_counter() - start:.0f} s")
    for name in ("rssm_frames", "world_models_vae_rnn"):
        seconds = checkpoints.info(name)["metrics"].get("train_seconds")
        print(f"{name}: shipped checkpoint trained in {seconds} s (its record)")
    payload = (torch.load(os.path.join(folder, "rssm_frames.pt"), weights_only=True)
               if folder else checkpoints.load("rssm_frames"))
    print(f"\nRSSM world model, {ROLLOUTS} held-out rollouts (seed {SEED})")
    rssm_report(report, fwm.from_payload(payload))
    if folder:
        payload = torch.load(os.path.join(folder, "world_models_vae_rnn.pt"), weights_only=True)
        vae, rnn = (world_models.vae_module.from_payload(payload["vae"]),
                    world_models.sequence_model.from_payload(payload["rnn"]))
    else:
        vae, rnn = world_models.load_pretrained()
    print(f"\nWorld Models V + M, {ROLLOUTS} held-out rollouts (seed {SEED})")
    vae_rnn_report(report, vae, rnn)
    report.finish()


if __name__ == "__main__":
    main()
