"""A video model you can play: the last frames and the hand's action in, the next frame out.

Genie learned to turn video into a playable world by conditioning each predicted frame on an
action (Bruce et al. 2024, Genie). This is the same idea in miniature: a small convolutional
network sees the last two frames (two, so that it can see velocities) and the hand's push,
and paints the next frame; fed its own frames, it plays on for as long as you press buttons.

    model, history = train(Config())
    frames = rollout(model, context, actions)   # (B, 2, 3, H, W), (B, T) -> (B, T, 3, H, W)

Shapes: B clips, T model steps, C channels, H = W = frame_size pixels. An action is the hand's
horizontal velocity in m/s, held for one model step of `frame_steps` engine steps; the game's
three buttons are LEFT, WAIT and RIGHT.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from tqdm.auto import tqdm

from .. import checkpoints
from ..world.actions import random_buttons, repeat
from ..world.datasets import thin
from ..world.engine import rollout as engine_rollout
from ..world.render import render
from ..world.scenes import cup_on_table
from ..world.state import Params, State

HAND_SPEED = 1.5                       # m/s; how fast a button moves the hand
BUTTONS = {"left": -HAND_SPEED, "wait": 0.0, "right": HAND_SPEED}
LEFT, WAIT, RIGHT = BUTTONS["left"], BUTTONS["wait"], BUTTONS["right"]
CONTEXT = 2                            # frames the model sees: two frames show a velocity


@dataclass(frozen=True)
class Config:
    frame_size: int = 32          # pixels per side of a frame (a multiple of 2)
    frame_steps: int = 4          # engine steps (0.01 s each) per model step: 25 frames/s
    channels: int = 32            # feature channels of the network, at half resolution
    layers: int = 4               # 3x3 convolutions between input and output (receptive field)
    num_sequences: int = 1536     # played sequences in the training set
    sequence_steps: int = 12      # model steps per training sequence
    mean_hold: float = 4.0        # model steps a random button is held, on average
    unroll: int = 2               # steps the model is trained to predict from its own frames
    motion_weight: float = 20.0   # extra loss weight on pixels that change between true frames
    batch_size: int = 16          # sequences per gradient step
    iterations: int = 1500        # gradient steps
    lr: float = 2e-3              # Adam learning rate, cosine-decayed to 0
    seed: int = 0                 # seeds the scenes, the button presses and the weights

    @classmethod
    def tiny(cls) -> "Config":
        """A preset that trains in about a second, for tests."""
        return cls(channels=4, layers=1, num_sequences=8, sequence_steps=4, unroll=2,
                   batch_size=4, iterations=3)



class ActionVideoModel(nn.Module):
    """Two frames and an action -> the next frame, as a change to the last frame.

    The network works at half resolution without losing a pixel: each 2x2 block of pixels
    becomes 4 channels (pixel unshuffle), and the output is folded back the same way.
    """

    def __init__(self, cfg: Config):
        super().__init__()
        if cfg.frame_size % 2 or cfg.frame_size < 8:
            raise ValueError(f"frame_size must be an even int >= 8, got {cfg.frame_size}")
        self.cfg = cfg
        width = cfg.channels
        layers: list[nn.Module] = [nn.Conv2d(CONTEXT * 3 * 4 + 1, width, 3, padding=1), nn.SiLU()]
        for _ in range(cfg.layers - 1):
            layers += [nn.Conv2d(width, width, 3, padding=1), nn.SiLU()]
        layers.append(nn.Conv2d(width, 3 * 4, 3, padding=1))
        self.net = nn.Sequential(*layers)

    def forward(self, frames: Tensor, action: Tensor) -> Tensor:
        """frames (B, 2, 3, H, W) in [0, 1], action (B,) in m/s -> next frame (B, 3, H, W)."""
        B, _, _, H, W = frames.shape
        x = F.pixel_unshuffle(frames.reshape(B, CONTEXT * 3, H, W) - 0.5, 2)  # (B, 24, H/2, W/2)
        plane = (action / HAND_SPEED).reshape(B, 1, 1, 1).expand(B, 1, H // 2, W // 2)
        change = F.pixel_shuffle(self.net(torch.cat([x, plane], dim=1)), 2)   # (B, 3, H, W)
        return frames[:, -1] + change


def rollout(model: ActionVideoModel, context: Tensor, actions: Tensor) -> Tensor:
    """Play the model forward: context (B, 2, 3, H, W), actions (B, T) m/s -> (B, T, 3, H, W).

    Each new frame is fed back as input, so errors can grow with T, as in any autoregressive
    video model.
    """
    if not isinstance(context, Tensor) or context.ndim != 5 or context.shape[1:3] != (CONTEXT, 3):
        raise ValueError(f"context must be a (B, {CONTEXT}, 3, H, W) tensor, "
                         f"got {getattr(context, 'shape', type(context).__name__)}")
    if context.shape[-1] != model.cfg.frame_size or context.shape[-2] != model.cfg.frame_size:
        raise ValueError(f"context frames must be {model.cfg.frame_size}x{model.cfg.frame_size}, "
                         f"got {tuple(context.shape[-2:])}")
    if not isinstance(actions, Tensor) or actions.ndim != 2 or actions.shape[0] != len(context):
        raise ValueError(f"actions must be a (B, T) tensor with B = {len(context)}, "
                         f"got {getattr(actions, 'shape', type(actions).__name__)}")
    if actions.abs().max() > HAND_SPEED + 1e-6:
        raise ValueError(f"actions must lie in [-{HAND_SPEED}, {HAND_SPEED}] m/s")
    frames, out = context, []
    with torch.no_grad():
        for t in range(actions.shape[1]):
            next_frame = model(frames, actions[:, t].to(context)).clamp(0, 1)  # (B, 3, H, W)
            out.append(next_frame)
            frames = torch.stack([frames[:, -1], next_frame], dim=1)
    return torch.stack(out, dim=1)  # (B, T, 3, H, W)


# ---------------------------------------------------------------------------------- the world

def start_states(num: int, seed: int, max_gap: float = 0.4) -> tuple[State, Params]:
    """Cups on the table with the hand beside them, left or right, 0-`max_gap` m away."""
    state, params = cup_on_table(batch_size=num, seed=seed)
    generator = torch.Generator().manual_seed(seed + 1)
    side = torch.where(torch.rand(num, generator=generator) < 0.5, -1.0, 1.0)  # (B,)
    gap = max_gap * torch.rand(num, generator=generator)                       # (B,) metres
    reach = params.radius[:, 0] + params.hand_radius + gap
    x = (state.pos[:, 0, 0] + side * reach).clamp(params.hand_radius,
                                                   params.world_size - params.hand_radius)
    hand = torch.stack([x, state.hand[:, 1]], dim=-1)                          # (B, 2)
    return State(state.pos, state.vel, hand), params


def simulate(state: State, params: Params, actions: Tensor, frame_steps: int,
             frame_size: int = 32) -> tuple[Tensor, State]:
    """The engine's answer to button presses: frames (B, T+1, 3, H, W) and the final state.

    actions (B, T): the hand's horizontal velocity (m/s), held for frame_steps engine steps.
    """
    velocity = torch.stack([actions, torch.zeros_like(actions)], dim=-1).to(state.pos)  # m/s
    with torch.no_grad():                                                   # (B, T, 2) above
        trajectory = engine_rollout(state, repeat(velocity, frame_steps), params)  # T*steps+1
        frames = render(thin(trajectory, frame_steps), params, frame_size)
    return frames, trajectory.at(-1)


def make_play_data(cfg: Config) -> tuple[Tensor, Tensor]:
    """Frames (N, T+2, 3, H, W) and actions (N, T+1) of randomly played sequences.

    The first action sets the scene in motion before the two context frames are complete.
    """
    generator = torch.Generator().manual_seed(cfg.seed)
    state, params = start_states(cfg.num_sequences, cfg.seed)
    actions = random_buttons(cfg.num_sequences, cfg.sequence_steps + 1, BUTTONS.values(),
                             cfg.mean_hold, generator)
    frames, _ = simulate(state, params, actions, cfg.frame_steps, cfg.frame_size)
    return frames, actions


# ---------------------------------------------------------------------------------- training

def train(cfg: Config, progress: bool = True) -> tuple[ActionVideoModel, dict]:
    """Fit the model to randomly played sequences; returns (model, history of losses).

    Each gradient step starts from two true frames and predicts `unroll` frames, each from
    the model's own previous frames, so that it learns to keep its picture sharp when played.
    """
    if not (1 <= cfg.unroll <= cfg.sequence_steps):
        raise ValueError(f"unroll must be in [1, sequence_steps={cfg.sequence_steps}], "
                         f"got {cfg.unroll}")
    torch.manual_seed(cfg.seed)
    frames, actions = make_play_data(cfg)                 # (N, T+2, 3, H, W), (N, T+1)
    N, length = frames.shape[:2]
    model = ActionVideoModel(cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, cfg.iterations)
    generator = torch.Generator().manual_seed(cfg.seed + 2)
    history: dict[str, list] = {"loss": []}
    for _ in tqdm(range(cfg.iterations), desc="action-conditioned video", disable=not progress):
        rows = torch.randint(N, (cfg.batch_size,), generator=generator)
        start = int(torch.randint(length - CONTEXT - cfg.unroll + 1, (1,), generator=generator))
        window = frames[rows, start:start + CONTEXT]      # (B, 2, 3, H, W)
        loss = 0.0
        for k in range(cfg.unroll):
            t = start + CONTEXT + k                        # the frame predicted now
            pred = model(window, actions[rows, t - 1])     # (B, 3, H, W); a_{t-1} leads to f_t
            target = frames[rows, t]
            # Most pixels never change: weight the few that do (dilated by a pixel), or the
            # cheapest fit is to copy the last frame.
            moving = (target - frames[rows, t - 1]).abs().amax(dim=1, keepdim=True) > 0.02
            weight = 1 + cfg.motion_weight * F.max_pool2d(moving.float(), 3, 1, 1)  # (B, 1, H, W)
            loss = loss + (weight * (pred - target) ** 2).mean() / cfg.unroll
            window = torch.stack([window[:, -1], pred], dim=1)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        history["loss"].append(loss.item())
    return model.eval(), history


# ---------------------------------------------------------------------------------- evaluation

def play_both(model: ActionVideoModel, state: State, params: Params,
              actions: Tensor) -> tuple[Tensor, Tensor]:
    """The model's and the engine's frames (B, T, 3, H, W) for the same presses (B, T).

    Both start from the same two frames: the scene at rest and one WAIT step later.
    """
    cfg = model.cfg
    wait = torch.zeros(len(actions), 1)
    truth, _ = simulate(state, params, torch.cat([wait, actions], dim=1), cfg.frame_steps,
                        cfg.frame_size)                   # (B, T+2, 3, H, W)
    dreamed = rollout(model, truth[:, :CONTEXT], actions)   # (B, T, 3, H, W)
    return dreamed, truth[:, CONTEXT:]


def evaluate(model: ActionVideoModel, num: int = 64, steps: int = 8,
                     seed: int = 1000) -> dict:
    """How often pushing RIGHT rather than LEFT for `steps` steps moves the objects the same way
    in the model's frames as in the engine's.

    For each scene both futures are played; the cup's and the hand's x are read out of the last
    frame of each (`plausibility.track`). Where the engine's object ends more than a pixel
    further right (or left) under RIGHT than under LEFT, the model's must too, by more than a
    pixel, and must still be there (at least half its true area in both futures). Returns the
    rate for the cup and for the hand, and how many scenes counted for each.
    """
    from ..measure.plausibility import Scene, track  # plausibility reads objects out of frames

    state, params = start_states(num, seed, max_gap=0.25)
    presses = torch.stack([torch.full((num, steps), RIGHT), torch.full((num, steps), LEFT)],
                          dim=1).reshape(2 * num, steps)   # scene by scene: right, then left
    dreamed, truth = play_both(model, state.repeat(2), params.repeat(2), presses)
    scene = Scene.from_params(params, frame_dt=model.cfg.frame_steps * params.dt)
    found = {"model": track(dreamed[:, -1:], scene), "engine": track(truth[:, -1:], scene)}
    pixel = found["engine"].pixel
    rates = {}
    for name in ("cup", "hand"):
        x, area = {}, {}
        for source, t in found.items():
            x[source] = (t.centre[:, 0, 0, 0] if name == "cup" else t.hand[:, 0, 0]).reshape(num, 2)
            area[source] = (t.area[:, 0, 0] if name == "cup" else t.hand_area[:, 0]).reshape(num, 2)
        true_gap = x["engine"][:, 0] - x["engine"][:, 1]    # (num,) right minus left, metres
        model_gap = x["model"][:, 0] - x["model"][:, 1]
        there = (area["model"] >= 0.5 * area["engine"]).all(dim=1)
        counted = true_gap.abs() > pixel
        agree = (torch.sign(model_gap) == torch.sign(true_gap)) & (model_gap.abs() > pixel) & there
        rates[f"{name}_following_rate"] = float(agree[counted].float().mean())
        rates[f"{name}_scenes"] = int(counted.sum())
    return rates


class Game:
    """One scene played twice with the same buttons: by the engine and by the model.

    game = Game(model, seed=3); game.press("right")
    game.truth, game.dreamed: lists of (3, H, W) frames, the two context frames first.
    """

    def __init__(self, model: ActionVideoModel, seed: int = 0, steps_per_press: int = 4):
        if steps_per_press < 1:
            raise ValueError(f"steps_per_press must be >= 1, got {steps_per_press}")
        self.model, self.steps_per_press = model, steps_per_press
        state, self.params = start_states(1, seed, max_gap=0.2)
        frames, self.state = simulate(state, self.params, torch.zeros(1, 1),
                                      model.cfg.frame_steps, model.cfg.frame_size)
        self.truth = list(frames[0])                         # [(3, H, W), (3, H, W)]
        self.dreamed = list(frames[0])

    def press(self, button: str) -> None:
        """Hold `button` ("left", "wait" or "right") for steps_per_press model steps."""
        if button not in BUTTONS:
            raise ValueError(f"button must be one of {tuple(BUTTONS)}, got {button!r}")
        actions = torch.full((1, self.steps_per_press), BUTTONS[button])
        frames, self.state = simulate(self.state, self.params, actions,
                                      self.model.cfg.frame_steps, self.model.cfg.frame_size)
        context = torch.stack(self.dreamed[-CONTEXT:])[None]  # (1, 2, 3, H, W)
        self.truth += list(frames[0, 1:])
        self.dreamed += list(rollout(self.model, context, actions)[0])


# ---------------------------------------------------------------------------------- checkpoint

CHECKPOINTS = ("video_action_conditioned",)


def recipe(name: str = CHECKPOINTS[0]) -> tuple[dict, dict]:
    """`python -m worldmodels.train video_action_conditioned`: train from seed 0 and measure."""
    checkpoints.check_name(name, CHECKPOINTS)
    cfg = Config()
    model, history = train(cfg)
    metrics = evaluate(model)
    metrics["final_loss"] = round(sum(history["loss"][-50:]) / 50, 6)
    state_dict = {k: v.half() for k, v in model.state_dict().items()}  # half precision: 2x smaller
    return {"state_dict": state_dict, "config": asdict(cfg)}, metrics


def load_pretrained(device: str | torch.device = "cpu") -> ActionVideoModel:
    """The shipped model (see `recipe`), in float32, ready to play."""
    payload = checkpoints.load(CHECKPOINTS[0], device=device)
    model = ActionVideoModel(Config(**payload["config"])).to(device)
    model.load_state_dict({k: v.float() for k, v in payload["state_dict"].items()})
    return model.eval()
