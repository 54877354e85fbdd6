"""Part 6's figures: the leaderboard, surprise against time, and the violation-of-expectation
game a reader plays against the models in the page, with no kernel."""
from __future__ import annotations

import base64
import io
import json
import uuid

import matplotlib.pyplot as plt
import numpy as np

from .style import ROAD_COLORS, color_for, to_numpy_frames

# The board's columns drawn as panels: (track, key, title, higher is better, scale, unit).
PANELS = (
    ("prediction", "psnr", "Realism: PSNR", True, 1, "dB"),
    ("prediction", "cup_error", "Physics: cup error", False, 100, "cm"),
    ("intuitive_physics", "relative_accuracy", "Understanding: VoE accuracy", True, 100, "%"),
    ("planning", "success", "Task success: planning", True, 100, "%"),
    ("generalisation", "ratio", "Consistency: unseen / seen error", False, 1, "×"),
    ("controllability", "delta_psnr", "Responsiveness: Δ-PSNR", True, 1, "dB"),
)


def _value(row: dict, track: str, key: str):
    result = row["tracks"].get(track)
    return None if result is None else result.get(key)


def road_color(row: dict) -> str:
    """An entrant's colour: its road's, grey for the baselines, black for the engine."""
    if row["kind"] == "oracle":
        return ROAD_COLORS["truth"]
    if row["kind"] == "baseline":
        return ROAD_COLORS["baseline"]
    road = row["road"].lower()
    return next((color for name, color in ROAD_COLORS.items() if name in road),
                ROAD_COLORS["jepa"])


def leaderboard(board: dict, title: str, cap_psnr: float = 40.0) -> plt.Figure:
    """One panel per yardstick, a bar per entrant of the cup world, coloured by road; an
    entrant that cannot do a track gets "—". Bars of PSNR are cut at `cap_psnr` dB (the
    engine's is 100 dB, a perfect prediction) and labelled with the true value."""
    rows = [r for r in board["entrants"] if r["world"] == "the cup world"]
    names = [r["name"] for r in rows]
    fig, axes = plt.subplots(3, 2, figsize=(10, 3 * (0.28 * len(rows) + 1.1)), sharey=True)
    for ax, (track, key, name, higher, scale, unit) in zip(axes.flat, PANELS):
        values = [_value(row, track, key) for row in rows]
        top = max((scale * v for v in values if v is not None), default=1.0)
        cap = min(top, cap_psnr) if key in ("psnr", "delta_psnr") else top
        for i, (row, value) in enumerate(zip(rows, values)):
            if value is None:
                ax.text(0, i, " —", va="center", fontsize=10, color="#555555")
                continue
            shown = scale * value
            ax.barh(i, min(shown, cap), color=road_color(row), height=0.7)
            label = f"{shown:.0f}" if unit == "%" else f"{shown:.1f}"
            ax.text(min(shown, cap), i, f" {label}", va="center", fontsize=9.5)
        better = "higher" if higher else "lower"
        ax.set_title(f"{name}\n({unit}, {better} is better)", fontsize=11)
        ax.set_yticks(range(len(rows)), names, fontsize=10)
        ax.set_xlim(0, 1.25 * cap)
        ax.tick_params(axis="x", labelsize=9)
    axes[0, 0].invert_yaxis()
    fig.suptitle(title, fontsize=13)
    fig.tight_layout()
    return fig


def surprise_at(possible, impossible, curves: dict, t: int, onset: int,
                title: str) -> plt.Figure:
    """Frame t of a matched pair and each model's surprise on both clips up to frame t.

    curves: {model: (surprise on the possible clip (T,), on the impossible clip (T,))}.
    """
    possible, impossible = to_numpy_frames(possible), to_numpy_frames(impossible)
    T = len(possible)
    fig = plt.figure(figsize=(8, 6.4))
    grid = fig.add_gridspec(2, 4, height_ratios=[1, 1.1])
    for k, (clip, name) in enumerate(((possible, "possible"), (impossible, "impossible"))):
        ax = fig.add_subplot(grid[0, 2 * k:2 * k + 2])
        ax.imshow(clip[t], interpolation="nearest")
        ax.set_title(f"{name}, frame {t}", fontsize=12)
        ax.axis("off")
    for k, (name, (on_possible, on_impossible)) in enumerate(curves.items()):
        ax = fig.add_subplot(grid[1, 2 * k:2 * k + 2])
        peak = max(np.max(on_possible), np.max(on_impossible)) * 1.1 or 1.0
        ax.plot(range(t + 1), on_possible[:t + 1], color="#555555", label="possible")
        ax.plot(range(t + 1), on_impossible[:t + 1], color=color_for(name, k), lw=2,
                ls="--", label="impossible")
        ax.axvline(onset, color="#999999", ls=":", lw=1.5)
        ax.set_xlim(0, T - 1)
        ax.set_ylim(0, peak)
        ax.set_title(f"{name}:\nsurprise (squared error)", fontsize=11)
        ax.set_xlabel("frame", fontsize=11)
        ax.tick_params(labelsize=9)
        ax.legend(fontsize=10, loc="upper left")
    fig.suptitle(title, fontsize=13)
    fig.tight_layout()
    return fig


def data_sweep(sweep: dict, title: str) -> plt.Figure:
    """PSNR and cup error against the number of training sequences, one line per world."""
    fig, axes = plt.subplots(1, 2, figsize=(9.5, 3.8))
    names = {"seen": "the world it was trained on", "slippery": "slippery table (unseen)",
             "fast": "faster hand (unseen)"}
    for k, world in enumerate(sweep["psnr"]):
        style = dict(color="#000000" if world == "seen" else color_for(world, k + 1),
                     ls="-" if world == "seen" else ("--" if k == 1 else ":"),
                     marker="o", label=names.get(world, world))
        axes[0].plot(sweep["sequences"], sweep["psnr"][world], **style)
        axes[1].plot(sweep["sequences"], 100 * np.array(sweep["cup_error"][world]), **style)
    for ax, label in zip(axes, ("PSNR (dB), higher is better",
                                "cup error (cm), lower is better")):
        ax.set_xscale("log")
        ax.set_xlabel("played sequences in the training set")
        ax.set_ylabel(label)
    axes[0].legend(fontsize=9)
    fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    return fig


def _sprite(frames, scale: int) -> str:
    """A clip (T, 3, H, W) as one PNG strip of its frames side by side, pixel for pixel,
    base64."""
    clip = to_numpy_frames(frames)                                   # (T, H, W, 3)
    strip = np.concatenate(list(clip), axis=1).repeat(scale, 0).repeat(scale, 1)
    buffer = io.BytesIO()
    plt.imsave(buffer, np.clip(strip, 0, 1), format="png")
    return base64.b64encode(buffer.getvalue()).decode()


def violation_game(pairs: list[dict], models: dict[str, list[str]], scale: int = 4,
                   fps: int = 12):
    """A violation-of-expectation test for the reader, played in the browser.

    pairs:  [{"left": clip, "right": clip, "impossible": "left" | "right", "kind": str}], each
            clip (T, 3, H, W) in [0, 1]
    models: {model name: its pick per pair, "left" or "right"}: the side it found more surprising
    Returns an IPython HTML object: the clips loop, the reader picks the impossible one, and the
    page keeps the reader's score beside the models'.
    """
    from IPython.display import HTML
    if not pairs:
        raise ValueError("pairs must hold at least one matched pair")
    for name, picks in models.items():
        if len(picks) != len(pairs) or not set(picks) <= {"left", "right"}:
            raise ValueError(f"models[{name!r}] must pick 'left' or 'right' for each of the "
                             f"{len(pairs)} pairs")
    uid = "vg" + uuid.uuid4().hex[:8]
    frames = len(to_numpy_frames(pairs[0]["left"]))
    size = to_numpy_frames(pairs[0]["left"]).shape[1] * scale
    data = [{"left": _sprite(p["left"], scale), "right": _sprite(p["right"], scale),
             "answer": p["impossible"], "kind": p["kind"]} for p in pairs]
    payload = json.dumps({"pairs": data, "models": models, "frames": frames, "size": size})
    page = f"""
<div id="{uid}" style="font-family: sans-serif; max-width: 640px">
  <p id="{uid}-step" style="font-weight: bold"></p>
  <div style="display: flex; gap: 24px">
    <div><div id="{uid}-left" style="width:{size}px;height:{size}px;
      image-rendering:pixelated;border:1px solid #ccc"></div>
      <button id="{uid}-pick-left" style="margin-top:6px">the left one is impossible</button></div>
    <div><div id="{uid}-right" style="width:{size}px;height:{size}px;
      image-rendering:pixelated;border:1px solid #ccc"></div>
      <button id="{uid}-pick-right" style="margin-top:6px">the right one is impossible</button></div>
  </div>
  <p id="{uid}-verdict" style="min-height: 3em"></p>
  <button id="{uid}-next" style="display:none">next pair</button>
  <table id="{uid}-score" style="margin-top: 8px; border-collapse: collapse"></table>
</div>
<script>
(function() {{
  const game = {payload};
  const root = "{uid}", el = id => document.getElementById(root + "-" + id);
  let index = 0, frame = 0, mine = 0, answered = 0, picked = false;
  const models = Object.keys(game.models), theirs = {{}};
  models.forEach(m => theirs[m] = 0);
  function show() {{
    const pair = game.pairs[index];
    ["left", "right"].forEach(side => {{
      const box = el(side);
      box.style.backgroundImage = "url(data:image/png;base64," + pair[side] + ")";
    }});
    el("step").textContent = "Pair " + (index + 1) + " of " + game.pairs.length +
      ": one clip breaks a law of physics. Which?";
    el("verdict").textContent = ""; el("next").style.display = "none"; picked = false;
  }}
  function tick() {{
    frame = (frame + 1) % game.frames;
    ["left", "right"].forEach(side =>
      el(side).style.backgroundPosition = (-frame * game.size) + "px 0px");
  }}
  function score() {{
    const rows = [["you", mine]].concat(models.map(m => [m, theirs[m]]));
    el("score").innerHTML = "<tr><th style='text-align:left;padding-right:12px'>who</th>" +
      "<th>right so far</th></tr>" + rows.map(r => "<tr><td style='padding-right:12px'>" +
      r[0] + "</td><td>" + r[1] + " of " + answered + "</td></tr>").join("");
  }}
  function pick(side) {{
    if (picked) return;
    picked = true; answered += 1;
    const pair = game.pairs[index], right = side === pair.answer;
    mine += right ? 1 : 0;
    const said = models.map(m => {{
      const ok = game.models[m][index] === pair.answer;
      theirs[m] += ok ? 1 : 0;
      return m + (ok ? " was right" : " was fooled");
    }});
    el("verdict").textContent = (right ? "Right: " : "Not quite: ") + "the " + pair.answer +
      " clip is impossible (" + pair.kind.replace("_", " ") + "). " + said.join("; ") + ".";
    if (index + 1 < game.pairs.length) el("next").style.display = "inline";
    score();
  }}
  el("pick-left").onclick = () => pick("left");
  el("pick-right").onclick = () => pick("right");
  el("next").onclick = () => {{ index += 1; show(); }};
  show(); score(); setInterval(tick, {int(1000 / fps)});
}})();
</script>"""
    return HTML(page)
