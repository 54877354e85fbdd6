"""An interaction network that learns the dynamics of bouncing disks from trajectories.

Shapes: B scenes, N disks, T time steps, F features, E the size of one message (an "effect").

An interaction network (Battaglia et al. 2016) splits a step of physics in two learned
functions shared by every body and every pair of bodies:

    e_ij = phi_R(relation features of receiver i and sender j)    # what j does to i
    E_i  = sum over neighbours j of e_ij                           # forces add up
    dv_i = phi_O(features of i, E_i)                               # i's change of velocity

Because phi_R and phi_O are shared, the same weights run on any number of disks and give the
same answer whatever order the disks are listed in: the *relational inductive bias*. The plain
`MLPDynamics` baseline reads every disk's features concatenated into one vector, so it only
accepts the number of disks it was built for.

A learned step mirrors the engine's semi-implicit Euler: v' = v + dv, x' = x + v' dt.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from .. import checkpoints
from ..measure.baselines import constant_velocity
from ..measure.metrics import position_error
from ..nn import mlp
from ..world.datasets import make_dataset
from ..world.state import Params, State

SPEED_SCALE = 1.5     # m/s; velocities are divided by this before entering a network
LENGTH_SCALE = 0.1    # m; gaps and radii are divided by this
DV_SCALE = 0.1        # m/s; networks predict dv / DV_SCALE (gravity alone is ~1 per step)
WALL_HORIZON = 0.2    # m; gaps to walls beyond this look the same ("far")
OBJECT_FEATURES = 9   # vx, vy, radius, gaps to left wall, right wall, floor: now and after dt
RELATION_FEATURES = 9  # normal (2), gap now and after dt, relative velocity (2), closing, radii
EVENT_DV = 0.05       # m/s; a step whose dv differs from free fall by more than this is an "event"
ARCHITECTURES = ("interaction", "mlp")


@dataclass(frozen=True)
class Config:
    architecture: str = "interaction"  # "interaction" (message passing) or "mlp" (concatenated)
    num_balls: int = 3          # disks per training scene
    num_rollouts: int = 1024    # training scenes
    steps: int = 100            # engine steps per training scene (0.01 s each)
    hidden: int = 128           # width of every hidden layer
    effect_size: int = 64       # size of one message e_ij
    neighbour_gap: float = 0.1  # m; only disks whose surfaces are this close exchange messages
    batch_size: int = 512       # transitions per gradient step
    event_fraction: float = 0.25  # share of each batch drawn from steps with a bounce
    train_steps: int = 3000     # gradient steps
    lr: float = 3e-3            # Adam learning rate, decayed to lr/20 with a cosine
    seed: int = 0               # fixes the training scenes and the initial weights

    def __post_init__(self):
        if self.architecture not in ARCHITECTURES:
            raise ValueError(f"architecture must be one of {ARCHITECTURES}, "
                             f"got {self.architecture!r}")
        for name in ("num_balls", "num_rollouts", "steps", "hidden", "effect_size",
                     "batch_size", "train_steps"):
            if not (isinstance(getattr(self, name), int) and getattr(self, name) >= 1):
                raise ValueError(f"{name} must be an int >= 1, got {getattr(self, name)!r}")
        if not 0 <= self.event_fraction < 1:
            raise ValueError(f"event_fraction must lie in [0, 1), got {self.event_fraction}")
        if not self.neighbour_gap > 0:
            raise ValueError(f"neighbour_gap must be > 0 m, got {self.neighbour_gap}")

    @classmethod
    def tiny(cls) -> "Config":
        """A preset that trains in about a second, for tests."""
        return cls(num_rollouts=8, steps=20, hidden=16, effect_size=8, batch_size=32, train_steps=5)


def object_features(pos: Tensor, vel: Tensor, radius: Tensor, world_size: float,
                    dt: float) -> Tensor:
    """What one disk knows about itself: (B, N, 2) each and (B, N) -> (B, N, OBJECT_FEATURES).

    No absolute position: only the gaps to the walls and floor, clipped at WALL_HORIZON, so a
    disk in the middle of the box looks the same wherever it is. The gaps that would remain
    after one step of free flight tell the network that a bounce is due (it is when one of
    them turns negative), a threshold a small network finds easily.
    """
    gaps = torch.stack([pos[..., 0] - radius, world_size - pos[..., 0] - radius,
                        pos[..., 1] - radius], dim=-1)                        # (B, N, 3)
    approach = torch.stack([-vel[..., 0], vel[..., 0], -vel[..., 1]], dim=-1)  # towards each
    gaps_next = gaps - approach * dt
    gaps = torch.cat([gaps, gaps_next], dim=-1).clamp(max=WALL_HORIZON) / LENGTH_SCALE
    return torch.cat([vel / SPEED_SCALE, radius[..., None] / LENGTH_SCALE, gaps], dim=-1)


def relation_features(pos: Tensor, vel: Tensor, radius: Tensor,
                      dt: float) -> tuple[Tensor, Tensor]:
    """Features of every ordered pair (receiver i, sender j) and the gap between their surfaces.

    Returns (B, N, N, RELATION_FEATURES) and gaps (B, N, N) in metres. Only differences of
    positions and velocities enter, so the pair looks the same anywhere in the box.
    """
    offset = pos[:, None, :, :] - pos[:, :, None, :]          # (B, N, N, 2): x_j - x_i
    dist = offset.norm(dim=-1).clamp(min=1e-6)                # (B, N, N)
    normal = offset / dist[..., None]                         # from i towards j
    rel_vel = (vel[:, None, :, :] - vel[:, :, None, :]) / SPEED_SCALE
    closing = (rel_vel * normal).sum(-1, keepdim=True)        # < 0 when they approach
    r_i = radius[:, :, None].expand_as(dist)
    r_j = radius[:, None, :].expand_as(dist)
    gap = dist - r_i - r_j                                    # (B, N, N)
    gap_next = gap[..., None] + closing * SPEED_SCALE * dt    # after one step of free flight
    features = torch.cat([normal, gap[..., None] / LENGTH_SCALE, gap_next / LENGTH_SCALE,
                          rel_vel, closing,
                          r_i[..., None] / LENGTH_SCALE, r_j[..., None] / LENGTH_SCALE], -1)
    return features, gap


def aggregate(messages: Tensor, receivers: Tensor, num_bodies: int) -> Tensor:
    """Sum the messages each body receives: (M, E) and (M,) -> (num_bodies, E).

    messages[m] travels along edge m to body receivers[m]; a body with no incoming edge gets
    zeros. A sum (not a mean) because forces from several bodies add up.
    """
    effects = messages.new_zeros(num_bodies, messages.shape[-1])
    return effects.index_add(0, receivers, messages)


class InteractionNetwork(nn.Module):
    """One learned step for any number of disks: (pos, vel, radius) -> dv, (B, N, 2)."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.neighbour_gap = cfg.neighbour_gap
        self.relation = mlp(RELATION_FEATURES, cfg.effect_size, cfg.hidden, layers=2)  # phi_R
        self.object = mlp(OBJECT_FEATURES + cfg.effect_size, 2, cfg.hidden, layers=2)  # phi_O

    def forward(self, pos: Tensor, vel: Tensor, radius: Tensor, world_size: float,
                dt: float) -> Tensor:
        N = pos.shape[1]
        pairs, gap = relation_features(pos, vel, radius, dt)      # (B, N, N, F), (B, N, N)
        not_self = ~torch.eye(N, dtype=torch.bool, device=pos.device)
        # Only near pairs exchange messages: far apart, disks do not act on each other, and
        # the edge list stays short (most steps have none), which makes the network cheap.
        b, i, j = ((gap < self.neighbour_gap) & not_self).nonzero(as_tuple=True)  # (M,) each
        messages = self.relation(pairs[b, i, j])                  # (M, E): e_ij
        effects = aggregate(messages, b * N + i, len(pos) * N)    # (B*N, E): sum over j
        effects = effects.view(len(pos), N, -1)                   # (B, N, E)
        objects = object_features(pos, vel, radius, world_size, dt)   # (B, N, F)
        return DV_SCALE * self.object(torch.cat([objects, effects], dim=-1))   # (B, N, 2)


class MLPDynamics(nn.Module):
    """The baseline: every disk's features concatenated, one MLP, a fixed number of disks."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.num_balls = cfg.num_balls
        self.net = mlp(cfg.num_balls * OBJECT_FEATURES, cfg.num_balls * 2, 2 * cfg.hidden,
                       layers=3)

    def forward(self, pos: Tensor, vel: Tensor, radius: Tensor, world_size: float,
                dt: float) -> Tensor:
        B, N = radius.shape
        if N != self.num_balls:
            raise ValueError(f"this MLP reads exactly {self.num_balls} disks (its input layer "
                             f"has {self.num_balls * OBJECT_FEATURES} numbers); got {N} disks")
        objects = object_features(pos, vel, radius, world_size, dt)   # (B, N, F)
        return DV_SCALE * self.net(objects.flatten(1)).view(B, N, 2)


def build(cfg: Config) -> nn.Module:
    return InteractionNetwork(cfg) if cfg.architecture == "interaction" else MLPDynamics(cfg)


def make_data(num_balls: int, num_rollouts: int, steps: int, seed: int) -> tuple[State, Params]:
    """Trajectories of elastic bouncing disks in an empty box: pos, vel (B, T+1, N, 2)."""
    data = make_dataset("balls", num_rollouts=num_rollouts, steps=steps, frame_size=None,
                        seed=seed, num_balls=num_balls)
    return data.states, data.params


def train(cfg: Config, data: tuple[State, Params] | None = None,
          progress: bool = True) -> tuple[nn.Module, dict]:
    """Fit dv of one engine step by mean squared error; returns (model, history).

    data: (trajectory State (B, T+1, N, 2), Params) from `make_data`; made from cfg when None.
    """
    torch.manual_seed(cfg.seed)
    states, params = data if data is not None else make_data(
        cfg.num_balls, cfg.num_rollouts, cfg.steps, cfg.seed)
    _check_world(states, params)
    B, T1, N, _ = states.pos.shape
    pos, vel = states.pos[:, :-1].flatten(0, 1), states.vel[:, :-1].flatten(0, 1)  # (B*T, N, 2)
    target = (states.vel[:, 1:] - states.vel[:, :-1]).flatten(0, 1)               # (B*T, N, 2)
    radius = params.radius[:, None].expand(B, T1 - 1, N).flatten(0, 1)             # (B*T, N)
    model = build(cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, cfg.train_steps,
                                                          eta_min=cfg.lr / 20)
    generator = torch.Generator().manual_seed(cfg.seed)
    # Bounces are a few percent of all steps but decide where a rollout ends up: a share of
    # every batch (cfg.event_fraction) is drawn from the steps where some dv is not free fall.
    free_fall = torch.tensor([0.0, -1.0]) * params.gravity[:, None, None, None] * params.dt
    surprise = (states.vel[:, 1:] - states.vel[:, :-1] - free_fall).norm(dim=-1)  # (B, T, N)
    events = (surprise.amax(-1).flatten() > EVENT_DV).nonzero()[:, 0]
    history = {"loss": []}
    for _ in tqdm(range(cfg.train_steps), disable=not progress, desc=cfg.architecture):
        idx = torch.randint(len(pos), (cfg.batch_size,), generator=generator)
        num_events = int(cfg.event_fraction * cfg.batch_size) if len(events) else 0
        pick = torch.randint(max(len(events), 1), (num_events,), generator=generator)
        idx[:num_events] = events[pick]
        pred = model(pos[idx], vel[idx], radius[idx], params.world_size, params.dt)  # (b, N, 2)
        loss = ((pred - target[idx]) / DV_SCALE).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        history["loss"].append(loss.item())
    return model.eval(), history


@torch.no_grad()
def rollout(model: nn.Module, state: State, params: Params, steps: int) -> State:
    """Roll a learned step forward from `state` (B, N, 2): returns pos, vel (B, steps+1, N, 2)."""
    if not (isinstance(steps, int) and steps >= 0):
        raise ValueError(f"steps must be an int >= 0, got {steps!r}")
    _check_world(state, params)
    trajectory = [state]
    for _ in range(steps):
        dv = model(state.pos, state.vel, params.radius, params.world_size, params.dt)
        vel = state.vel + dv
        state = State(pos=state.pos + vel * params.dt, vel=vel, hand=state.hand)
        trajectory.append(state)
    return State.stack(trajectory)


def _check_world(state: State, params: Params) -> None:
    if not isinstance(state, State) or not isinstance(params, Params):
        raise TypeError("state must be a State and params a Params (see world.bouncing_balls)")
    if params.table is not None or params.hand_radius > 0:
        raise ValueError("the learned models know an empty box only: params.table must be None "
                         "and params.hand_radius 0 (world.bouncing_balls' defaults)")


# ------------------------------------------------------------------------------ checkpoint

CHECKPOINTS = ("interaction_network",)


def recipe(name: str = CHECKPOINTS[0]) -> tuple[dict, dict]:
    """`python -m worldmodels.train interaction_network`: the IN and its MLP baseline."""
    checkpoints.check_name(name, CHECKPOINTS)
    cfg = Config()
    data = make_data(cfg.num_balls, cfg.num_rollouts, cfg.steps, cfg.seed)
    net, _ = train(cfg, data)
    baseline_cfg = Config(architecture="mlp")
    baseline, _ = train(baseline_cfg, data)
    metrics = evaluate(net, baseline)
    return {"config": asdict(cfg), "interaction_network": net.state_dict(),
            "mlp": baseline.state_dict()}, metrics


def load_pretrained(device: str | torch.device = "cpu") -> tuple[InteractionNetwork, MLPDynamics]:
    """The shipped interaction network and MLP baseline (see `recipe`)."""
    payload = checkpoints.load(CHECKPOINTS[0], device=device)
    net, baseline = InteractionNetwork(Config(**payload["config"])), MLPDynamics(
        Config(**{**payload["config"], "architecture": "mlp"}))
    net.load_state_dict(payload["interaction_network"])
    baseline.load_state_dict(payload["mlp"])
    return net.eval(), baseline.eval()


def evaluate(net: nn.Module, baseline: nn.Module, num_balls: int = 3, horizon: int = 50,
             num_scenes: int = 256, seed: int = 10_000) -> dict:
    """Position error (m) at step `horizon` on held-out scenes, and on twice the disks."""
    result = {}
    for n in (num_balls, 2 * num_balls):
        truth, params = make_data(n, num_scenes, horizon, seed)
        start = truth.at(0)
        result[f"in_{n}"] = position_error(rollout(net, start, params, horizon), truth)[-1].item()
        result[f"cv_{n}"] = position_error(constant_velocity(start, params, horizon),
                                           truth)[-1].item()
        if n == num_balls:
            result[f"mlp_{n}"] = position_error(rollout(baseline, start, params, horizon),
                                                truth)[-1].item()
    return {k: round(v, 4) for k, v in result.items()}
