"""A learned model of ArmPush-v0 as PETS builds one (Chua et al. 2018): an ensemble of
probabilistic networks predicting the change of state an action causes, planned through by
trajectory sampling, and trained from random play and then from the planner's own experience.

    model, history = train(Config())          # real steps -> success, in `history`
    controller = EnsembleMPC(model, seed=0)   # plans through the model, never the engine
    action = controller.act(obs)

The state is the observation without its target, s = (q1, q2, hand, cup, cup velocity), 8
numbers. The robot knows its own body: the joints and the hand move by the arm's kinematics
(notebook 1), exactly. What it cannot know is how the cup responds, and that is what is
learned: each of E members maps the cup's position and velocity, the hand's position relative
to the cup before and after the step and the hand's velocity (the inputs PETS would call its
preprocessed observation) to a Gaussian over the normalised change of the cup's position and
velocity, with a bounded log-variance. A candidate action sequence is rolled out under every
member, each sampling its own next states (the "TS-inf" propagation of PETS), and its cost is
the mean over members: a plan must work in every model, so where they disagree it is distrusted.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace

import gymnasium
import numpy as np
import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from .. import checkpoints, planning
from ..measure.model_free import SACConfig, train_sac
from ..nn import EnsembleLinear
from ..world.actions import smooth_random_actions
from ..world.scenes import CUP_RADIUS, HAND_RADIUS
from ..world.state import Table
from .arm import Arm, forward
from .envs import ENV_ID, JOINT_LIMIT, MAX_JOINT_SPEED
from .mpc import Rollout, push_cost

FRAME_SKIP, DT = 2, 0.01      # the environment's engine steps per action, and their length (s)
REST_SPEED = 1e-3             # m/s; a cup slower than this is at rest
REACH_MARGIN = 0.03           # m beyond touching within which the hand may start to push
TABLE = Table()               # the task's table
WALL_ZONE = CUP_RADIUS + 2 * HAND_RADIUS   # m from the wall within which the wall matters

STATE = 8                     # features of the state: q (2), hand (2), cup (2), cup velocity (2)
ACTION = 2
FEATURES = 15                 # what a member reads (see Ensemble.features)
MIRRORED = [3, 5, 7, 9, 12]   # its x components, whose sign a mirror image flips
CHANGE_MIRRORED = [0, 2]      # ... and those of the change (x, vx)
CHANGE = 4                    # what it predicts: the change of the cup's position and velocity


@dataclass(frozen=True)
class Config:
    members: int = 5              # networks in the ensemble (1: a single model)
    hidden: int = 128             # width of each member's hidden layers
    layers: int = 2               # hidden layers per member
    lr: float = 1e-3              # Adam learning rate
    weight_decay: float = 1e-5    # L2 on the weights, as PETS uses
    beta: float = 0.5             # beta-NLL: each point's NLL weighted by its variance ** beta
    batch_size: int = 256         # transitions per gradient step, per member
    fit_steps: int = 800          # gradient steps after each round of new data
    random_episodes: int = 10     # episodes of random play first (100 steps each)
    real_steps: int = 5_000       # real environment steps in all, random play included
    episodes_per_round: int = 5   # episodes the planner plays between refits
    horizon: int = 15             # planner look-ahead (env steps of 0.02 s)
    samples: int = 64             # CEM candidates per iteration
    elites: int = 8               # CEM elites
    iterations: int = 3           # CEM iterations per action (6 for an episode's first)
    seed: int = 0                 # seeds the networks, the data and the planner

    @classmethod
    def tiny(cls) -> "Config":
        """The whole loop in about a second, for tests."""
        return cls(members=2, hidden=16, layers=1, fit_steps=5, random_episodes=1,
                   real_steps=150, episodes_per_round=1, horizon=3, samples=8, elites=2,
                   iterations=1)


class GaussianEnsemble(nn.Module):
    """E probabilistic networks evaluated at once: inputs (E, N, I) -> the mean and
    log-variance (E, N, O) of a Gaussian over a normalised target. Any PETS model is one of
    these with its own inputs; `fit_gaussian` trains it."""

    def __init__(self, members: int, inputs: int, outputs: int, hidden: int, layers: int):
        super().__init__()
        sizes = [inputs] + [hidden] * layers
        self.hidden = nn.ModuleList(EnsembleLinear(members, a, b)
                                    for a, b in zip(sizes, sizes[1:]))
        self.head = EnsembleLinear(members, sizes[-1], 2 * outputs)
        # Normalisers, fitted to the data (buffers: they travel with the weights).
        # The target is only scaled, not centred: a network that outputs 0 predicts "no
        # change", which is what a body at rest does, instead of the data's average change.
        for name, size in (("in_mean", inputs), ("in_std", inputs), ("out_std", outputs)):
            self.register_buffer(name, torch.zeros(size) if "mean" in name else torch.ones(size))
        # PETS bounds the log-variance softly between learned limits.
        self.max_logvar = nn.Parameter(torch.full((outputs,), 0.5))
        self.min_logvar = nn.Parameter(torch.full((outputs,), -10.0))

    def forward(self, features: Tensor) -> tuple[Tensor, Tensor]:
        """inputs (E, N, I) -> mean, log-variance (E, N, O) of the normalised target."""
        x = (features - self.in_mean) / self.in_std
        for layer in self.hidden:
            x = nn.functional.silu(layer(x))
        mean, logvar = self.head(x).chunk(2, dim=-1)
        logvar = self.max_logvar - nn.functional.softplus(self.max_logvar - logvar)
        logvar = self.min_logvar + nn.functional.softplus(logvar - self.min_logvar)
        return mean, logvar


class Ensemble(GaussianEnsemble):
    """ArmPush's model: (s, a) -> the arm by kinematics, and E Gaussians over the change of
    the cup's position and velocity, in real units."""

    def __init__(self, cfg: Config):
        if not (isinstance(cfg.members, int) and cfg.members >= 1):
            raise ValueError(f"cfg.members must be an int >= 1, got {cfg.members!r}")
        if not 0 <= cfg.beta <= 1:
            raise ValueError(f"cfg.beta must lie in [0, 1], got {cfg.beta!r}")
        super().__init__(cfg.members, FEATURES, CHANGE, cfg.hidden, cfg.layers)
        self.cfg = cfg
        self.arm = Arm()

    def member(self, index: int) -> "Ensemble":
        """Member `index` alone, as an ensemble of one: a single model trained on the same
        data, to compare with the whole."""
        if not (isinstance(index, int) and 0 <= index < self.cfg.members):
            raise ValueError(f"index must be an int in [0, {self.cfg.members}), got {index!r}")
        single = Ensemble(replace(self.cfg, members=1))
        own = ("hidden.", "head.")                 # per-member weights; the rest is shared
        single.load_state_dict({name: value[index:index + 1] if name.startswith(own) else value
                                for name, value in self.state_dict().items()})
        return single

    def move_arm(self, state: Tensor, action: Tensor) -> Tensor:
        """The known part: joint angles and hand after one env step, (..., 4)."""
        q = state[..., :2].double()
        for _ in range(FRAME_SKIP):
            q = (q + action.double() * MAX_JOINT_SPEED * DT).clamp(-JOINT_LIMIT, JOINT_LIMIT)
        return torch.cat([q, forward(self.arm, q)], -1).to(state.dtype)

    def features(self, state: Tensor, arm_next: Tensor) -> Tensor:
        """(..., 15): where the cup is only as far as it matters (how far its rim is past the
        table's edge, how close it is to the wall, its height), its velocity, the hand
        relative to the cup before and after the arm's move, the hand's velocity over the step,
        and the contact those imply."""
        cup = state[..., 4:6]
        over_edge = (cup[..., :1] - (TABLE.right - CUP_RADIUS)).clamp_min(0)
        near_wall = (WALL_ZONE - cup[..., :1]).clamp_min(0)
        hand_velocity = (arm_next[..., 2:4] - state[..., 2:4]) / (FRAME_SKIP * DT)
        ahead = arm_next[..., 2:4] - cup
        # The contact, as the sizes of hand and cup say it will be: how deep the hand would
        # press in, along which direction, and how fast it comes in along it.
        distance = ahead.norm(dim=-1, keepdim=True).clamp_min(1e-6)
        normal = -ahead / distance
        depth = (CUP_RADIUS + HAND_RADIUS - distance).clamp_min(0)
        approach = (hand_velocity * normal).sum(-1, keepdim=True).clamp_min(0)
        return torch.cat([over_edge, near_wall, cup[..., 1:], state[..., 6:8],
                          state[..., 2:4] - cup, ahead, hand_velocity, depth, normal,
                          approach], -1)

    def step(self, state: Tensor, action: Tensor, generator: torch.Generator | None = None,
             sample: bool = True) -> Tensor:
        """The next state (E, N, 8): the arm by kinematics, the cup as each member predicts
        (a sample of its Gaussian, or, sample=False, its mean)."""
        arm_next = self.move_arm(state, action)
        features = self.features(state, arm_next)
        mean, logvar = self(features)
        if sample:
            mean = mean + (0.5 * logvar).exp() * torch.randn(mean.shape, generator=generator)
        change = mean * self.out_std * free(features)[..., None]
        return torch.cat([arm_next, state[..., 4:8] + change], -1)


def free(features: Tensor) -> Tensor:
    """1 where the cup may move in this step, 0 where it rests untouched and so stays put:
    it is already moving, or the hand comes within reach of it. That much the robot is told
    (a resting body stays at rest unless pushed); how it moves is learned."""
    moving = features[..., 3:5].norm(dim=-1) > REST_SPEED
    touching = features[..., 7:9].norm(dim=-1) < CUP_RADIUS + HAND_RADIUS + REACH_MARGIN
    return (moving | touching).to(features.dtype)


def mirrored(inputs: Tensor, changes: Tensor) -> tuple[Tensor, Tensor]:
    """The data and its mirror image, left for right, where the mirror is also the world: on
    the table top, away from its edge and the wall, a push to the left is a push to the right
    reflected. (The robot is told this symmetry, as it is told its kinematics.)"""
    inside = (inputs[:, 0] == 0) & (inputs[:, 1] == 0)
    flipped_in, flipped_out = inputs[inside].clone(), changes[inside].clone()
    flipped_in[:, MIRRORED] *= -1
    flipped_out[:, CHANGE_MIRRORED] *= -1
    return torch.cat([inputs, flipped_in]), torch.cat([changes, flipped_out])


def fit_gaussian(net: GaussianEnsemble, optimiser: torch.optim.Optimizer, inputs: Tensor,
                 targets: Tensor, steps: int, generator: torch.Generator, batch_size: int,
                 beta: float) -> list[float]:
    """Fit the normalisers to (inputs (N, I), targets (N, O)), then take `steps` gradient steps
    of beta-NLL, each member drawing its own bootstrap batches. Returns each step's loss.

    Plain NLL lets a member give up on the points it finds hard: a large variance makes their
    error cheap, so the mean there is barely fitted, and for a pushed cup those are the
    strikes a planner most needs to foresee. beta-NLL (Seitzer et al. 2022) weights each
    point's NLL by its predicted variance ** beta (held constant), which restores the mean's
    gradient there; beta = 0 is plain NLL, beta = 1 fits the mean as least squares would."""
    if len(inputs) == 0:
        raise ValueError("inputs must hold at least one transition to fit, got none")
    # An input that never varied in the data keeps the scale 1: dividing by its (zero)
    # spread would blow up the first plan that moves it, and NaN would follow.
    spread = inputs.std(0).nan_to_num(0.0)
    net.in_mean.copy_(inputs.mean(0))
    net.in_std.copy_(torch.where(spread > 1e-6, spread, torch.ones_like(spread)))
    net.out_std.copy_(targets.pow(2).mean(0).sqrt().clamp_min(1e-6))
    target = targets / net.out_std
    members, n, losses = net.head.weight.shape[0], len(inputs), []
    for _ in range(steps):
        index = torch.randint(n, (members, min(batch_size, n)), generator=generator)
        mean, logvar = net(inputs[index])
        nll = beta_nll(mean, logvar, target[index], beta)
        loss = nll + 0.01 * (net.max_logvar.sum() - net.min_logvar.sum())
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(float(nll.detach()))
    return losses


def beta_nll(mean: Tensor, logvar: Tensor, target: Tensor, beta: float) -> Tensor:
    """Gaussian negative log-likelihood (twice it, without the constant), each point weighted
    by its variance ** beta, the weight held constant: the mean's gradient is then
    2 (mean - target) var ** (beta - 1), which beta = 1 makes the squared error's."""
    weight = (beta * logvar.detach()).exp()
    return (weight * ((mean - target) ** 2 * (-logvar).exp() + logvar)).mean()


def fit(model: Ensemble, optimiser: torch.optim.Optimizer, data: dict, steps: int,
        generator: torch.Generator) -> list[float]:
    """Fit the cup's part of the model to transitions {"state", "action", "change"}: only
    where the cup may move (see `free`), with their mirror images. Returns each step's loss."""
    states, changes = data["state"], data["change"][:, 4:8]            # the cup's change
    with torch.no_grad():
        inputs = model.features(states, model.move_arm(states, data["action"]))
    keep = free(inputs) > 0                 # elsewhere the cup stays put, and no net is asked
    inputs, changes = mirrored(inputs[keep], changes[keep])
    return fit_gaussian(model, optimiser, inputs, changes, steps, generator,
                        model.cfg.batch_size, model.cfg.beta)


class EnsembleModel:
    """The ensemble as a planner's model: K candidates under every member (E K rollouts)."""

    def __init__(self, model: Ensemble, generator: torch.Generator | None = None,
                 sample: bool = True):
        self.model, self.generator, self.sample = model, generator, sample

    def __call__(self, start, actions: Tensor) -> Rollout:
        state, target_x = start                                    # (8,), float
        E, (K, H, _) = self.model.cfg.members, actions.shape
        s = torch.as_tensor(state, dtype=torch.float32).expand(E, K, STATE)
        path = [s]
        with torch.no_grad():
            for t in range(H):
                s = self.model.step(s, actions[:, t].expand(E, K, ACTION), self.generator,
                                    self.sample)
                path.append(s)
        path = torch.stack(path, 2).reshape(E * K, H + 1, STATE)   # member-major
        return Rollout(hand=path[..., 2:4], cup=path[..., 4:6], cup_vel=path[..., 6:8],
                       target_x=target_x, members=E)


class EnsembleMPC:
    """Receding-horizon CEM through the ensemble; act(obs) from ArmPush-v0's observation."""

    def __init__(self, model: Ensemble, *, seed: int = 0, sample: bool = True,
                 horizon: int | None = None, samples: int | None = None,
                 iterations: int | None = None):
        cfg = model.cfg
        self.generator = torch.Generator().manual_seed(seed)
        self.controller = planning.RecedingHorizon(
            "cem", EnsembleModel(model, self.generator, sample), push_cost,
            horizon or cfg.horizon, ACTION, seed=seed, samples=samples or cfg.samples,
            elites=cfg.elites, iterations=iterations or cfg.iterations,
            first_iterations=2 * (iterations or cfg.iterations))

    def reset(self) -> None:
        self.controller.reset()

    def act(self, obs: np.ndarray) -> np.ndarray:
        obs = np.asarray(obs, dtype=np.float32)
        return self.controller.act((torch.from_numpy(obs[:STATE]), float(obs[STATE]))).numpy()


def play(env: gymnasium.Env, act, seed: int, reset=None,
         max_steps: int = 100) -> tuple[dict, bool]:
    """One episode (at most `max_steps` steps); returns its transitions (state, action,
    change) and whether it succeeded."""
    obs, info = env.reset(seed=seed)
    if reset is not None:
        reset()
    rows = {"state": [], "action": [], "change": []}
    for t in range(min(100, max_steps)):
        action = np.asarray(act(obs, t), dtype=np.float32)
        next_obs, _, terminated, truncated, info = env.step(action)
        rows["state"].append(obs[:STATE])
        rows["action"].append(action)
        rows["change"].append(next_obs[:STATE] - obs[:STATE])
        obs = next_obs
        if terminated or truncated:
            break
    return {k: torch.from_numpy(np.stack(v)) for k, v in rows.items()}, bool(info["is_success"])


def train(cfg: Config, progress: bool = True, evaluate_every: int = 0,
          evaluate_targets: int = 20) -> tuple[Ensemble, dict]:
    """Random play, then rounds of (fit, plan `episodes_per_round` episodes, add them) until
    `real_steps` real environment steps have been used (the last episode may be cut short).

    history: "episode_step" (real steps used when each planner episode ended) and
    "episode_success" for every planner episode; "loss" of every gradient step; timing; and,
    if `evaluate_every` > 0, "eval_step" and "eval_success_rate": the model, as fitted after
    about every `evaluate_every` real steps and at the end, scored on `evaluate_targets`
    held-out targets (those real steps are not counted: they only measure).
    """
    if not (isinstance(evaluate_every, int) and evaluate_every >= 0):
        raise ValueError(f"evaluate_every must be an int >= 0 steps, got {evaluate_every!r}")
    torch.manual_seed(cfg.seed)
    generator = torch.Generator().manual_seed(cfg.seed)
    env = gymnasium.make(ENV_ID)
    model = Ensemble(cfg)
    optimiser = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    # Random play: smooth random joint velocities, held for a while, so that the hand
    # travels and meets the cup from either side.
    strokes = smooth_random_actions(cfg.random_episodes, 100, 1.0, generator)  # (n, 100, 2)
    episodes = [play(env, lambda obs, t, a=a: a[t].numpy(), cfg.seed * 1000 + i)[0]
                for i, a in enumerate(strokes)]
    history = {"episode_step": [], "episode_success": [], "loss": [], "eval_step": [],
               "eval_success_rate": []}
    start = time.perf_counter()
    steps_used = sum(len(e["state"]) for e in episodes)

    measuring = [0.0]                       # seconds spent measuring, left out of the timing

    def measure() -> None:
        began = time.perf_counter()
        score = evaluate(model, targets=evaluate_targets, seed=cfg.seed)["success_rate"]
        history["eval_step"].append(steps_used)
        history["eval_success_rate"].append(score)
        measuring[0] += time.perf_counter() - began

    bar = tqdm(total=cfg.real_steps, initial=steps_used, desc="PETS, real steps",
               disable=not progress)
    round_ = 0
    while steps_used < cfg.real_steps:
        data = {k: torch.cat([e[k] for e in episodes]) for k in episodes[0]}
        history["loss"] += fit(model, optimiser, data, cfg.fit_steps, generator)
        if evaluate_every and steps_used >= evaluate_every * (len(history["eval_step"]) + 1):
            measure()
        controller = EnsembleMPC(model, seed=cfg.seed * 1000 + round_)
        for i in range(cfg.episodes_per_round):
            if steps_used >= cfg.real_steps:
                break
            seed = cfg.seed * 1000 + 100 + round_ * cfg.episodes_per_round + i
            episode, success = play(env, lambda obs, t: controller.act(obs), seed,
                                    controller.reset, max_steps=cfg.real_steps - steps_used)
            episodes.append(episode)
            steps_used += len(episode["state"])
            bar.update(len(episode["state"]))
            history["episode_step"].append(steps_used)
            history["episode_success"].append(success)
        recent = np.mean(history["episode_success"][-cfg.episodes_per_round:])
        bar.set_postfix(success=f"{recent:.0%}")
        round_ += 1
    bar.close()
    data = {k: torch.cat([e[k] for e in episodes]) for k in episodes[0]}
    history["loss"] += fit(model, optimiser, data, cfg.fit_steps, generator)
    if evaluate_every:
        measure()
    history["real_steps"] = [steps_used]
    history["wall_seconds"] = [time.perf_counter() - start - measuring[0]]
    return model, history


def evaluate(model: Ensemble, targets: int = 50, first_seed: int = 20_000, seed: int = 0,
             sample: bool = True) -> dict:
    """Success of planning through the model on held-out targets (seeds never trained on)."""
    env = gymnasium.make(ENV_ID)
    controller = EnsembleMPC(model, seed=seed, sample=sample)
    wins = sum(play(env, lambda obs, t: controller.act(obs), s, controller.reset)[1]
               for s in range(first_seed, first_seed + targets))
    return {"success_rate": wins / targets, "targets": targets}


CHECKPOINTS = ("robot_ensemble",)
HELD_OUT_TARGETS = 50


def recipe(name: str = CHECKPOINTS[0]) -> tuple[dict, dict]:
    """The shipped ensemble (Config(), seed 0, 5,000 real steps), and SAC given the same
    5,000 steps, for the notebook's comparison: both scored on the same held-out targets."""
    checkpoints.check_name(name, CHECKPOINTS)
    cfg = Config()
    model, history = train(cfg)
    scores = evaluate(model, targets=HELD_OUT_TARGETS)
    sac_cfg = SACConfig(env_steps=cfg.real_steps, eval_episodes=HELD_OUT_TARGETS,
                        eval_seed=20_000, seed=cfg.seed)
    _, sac_history = train_sac(sac_cfg, ENV_ID)
    curves = ("episode_step", "episode_success")
    payload = {"config": asdict(cfg), "state_dict": model.state_dict(),
               "pets": {k: history[k] for k in curves},
               "sac": {k: sac_history[k] for k in curves}}
    metrics = {"real_steps": history["real_steps"][0],
               "held_out_success_rate": scores["success_rate"],
               "sac_held_out_success_rate": float(np.mean(sac_history["eval_success"])),
               "held_out_targets": HELD_OUT_TARGETS}
    return payload, metrics


def load_pretrained(device: str | torch.device = "cpu") -> tuple[Ensemble, dict]:
    """The shipped ensemble and what its recipe recorded: (model, {"pets": its learning
    curve, "sac": SAC's on the same steps, "metrics": the checkpoint's record})."""
    payload = checkpoints.load(CHECKPOINTS[0], device=device)
    model = Ensemble(Config(**payload["config"]))
    model.load_state_dict(payload["state_dict"])
    return model.eval(), {"pets": payload["pets"], "sac": payload["sac"],
                          "metrics": checkpoints.info(CHECKPOINTS[0])["metrics"]}
