"""The shared benchmark: its scores on hand-computed cases, its clips, its board's honesty."""
import json

import pytest
import torch

from worldmodels.bench import board, scores
from worldmodels.bench.adapters import ConstantVelocity, CopyLast, Engine, RandomActions
from worldmodels.bench.protocol import BenchError, Prediction, describe
from worldmodels.bench.suite import CONTEXT, HORIZON, make_suite
from worldmodels.bench.tracks import intuitive_physics, prediction
from worldmodels.measure import metrics


@pytest.fixture(scope="module")
def suite():
    torch.set_num_threads(1)
    return make_suite(clips=8)


# ------------------------------------------------------------------------------- the scores

def test_a_perfect_detector_scores_one_and_a_constant_one_a_half():
    possible, impossible = torch.tensor([0.1, 0.2, 0.3]), torch.tensor([0.5, 0.6, 0.7])
    assert scores.relative_accuracy(possible, impossible) == 1.0
    assert scores.auroc(possible, impossible) == 1.0
    constant = torch.ones(3)
    assert scores.relative_accuracy(constant, constant) == 0.5
    assert scores.auroc(constant, constant) == 0.5


def test_scores_match_hand_computed_cases():
    # Twins (0, 1) and (1, 0): one pair right, one wrong.
    assert scores.relative_accuracy(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.0])) == 0.5
    # 1.5 beats 0 and 1 but not 2; 3 beats all three: 5 of 6 comparisons.
    auc = scores.auroc(torch.tensor([0.0, 1.0, 2.0]), torch.tensor([1.5, 3.0]))
    assert auc == pytest.approx(5 / 6)
    # 95th percentile of 0..99 is 94.05: 95 is flagged, 10 is not.
    assert scores.flag_rate(torch.arange(100.0), torch.tensor([95.0, 10.0])) == 0.5


def test_scores_refuse_nan_and_unmatched_pairs():
    with pytest.raises(ValueError, match="impossible must be finite"):
        scores.relative_accuracy(torch.zeros(2), torch.tensor([0.0, float("nan")]))
    with pytest.raises(ValueError, match="matched pairs"):
        scores.relative_accuracy(torch.zeros(2), torch.zeros(3))
    with pytest.raises(ValueError, match="possible must be a non-empty"):
        scores.auroc(torch.zeros(0), torch.zeros(2))


# -------------------------------------------------------------------------------- the clips

def test_an_impossible_clip_differs_from_its_twin_only_from_the_violation_on(suite):
    for kind, pairs in suite.pairs.items():
        assert len(pairs) > 0, kind
        possible, impossible = suite.twins(kind)
        for p, q, onset in zip(possible, impossible, pairs.onset.tolist()):
            assert onset > CONTEXT, kind                   # every model sees a clean context
            assert torch.equal(p[:onset], q[:onset]), kind
            assert not torch.equal(p[onset], q[onset]), kind


def test_the_suite_is_the_same_for_the_same_seed_and_another_for_another():
    a, b, c = make_suite(clips=3), make_suite(clips=3), make_suite(clips=3, seed=1)
    assert torch.equal(a.ordinary.frames, b.ordinary.frames)
    assert torch.equal(a.pairs["teleport"].impossible, b.pairs["teleport"].impossible)
    assert a.plan_seeds == b.plan_seeds != c.plan_seeds
    assert not torch.equal(a.ordinary.frames, c.ordinary.frames)


def test_unusual_worlds_replay_the_same_cups_and_buttons(suite):
    slippery, fast = suite.unusual["slippery"], suite.unusual["fast"]
    assert torch.equal(slippery.states.pos[:, 0], suite.ordinary.states.pos[:, 0])
    assert torch.equal(slippery.actions, suite.ordinary.actions)
    assert torch.equal(fast.actions.sign(), suite.ordinary.actions.sign())
    assert fast.actions.abs().max() > suite.ordinary.actions.abs().max()
    assert (slippery.params.friction < suite.ordinary.params.friction).all()


# ----------------------------------------------------------------------- the reference models

def test_the_engine_predicts_the_suite_exactly_and_catches_every_violation(suite):
    engine = Engine()
    scored = prediction.run(engine, suite)
    assert scored["cup_error"] < 1e-6 and scored["psnr"] == pytest.approx(100.0)
    physics = intuitive_physics.run(engine, suite)
    for kind, result in physics["kinds"].items():
        assert result["relative_accuracy"] == 1.0 and result["auroc"] == 1.0, kind
    assert physics["flagged_unusual"] == 0.0       # it knows the unusual worlds' laws too


def test_copy_last_surprise_is_the_trivial_frame_difference(suite):
    frames, actions = suite.long.frames[:2], suite.long.actions[:2]
    surprise = intuitive_physics.one_step_surprise(CopyLast(), frames, actions)
    difference = metrics.mse(frames[:, CONTEXT:], frames[:, CONTEXT - 1:-1])
    assert torch.allclose(surprise[:, CONTEXT:], difference)
    assert (surprise[:, :CONTEXT] == 0).all()


# -------------------------------------------------------------------------------- the board

class WrongShape(CopyLast):
    name = "wrong shape"

    def predict(self, context):
        return Prediction(frames=context.frames[:, -1:])


class ReturnsNaN(CopyLast):
    name = "returns NaN"

    def predict(self, context):
        frames = super().predict(context).frames
        return Prediction(frames=torch.full_like(frames, float("nan")))


class BadSurprise(CopyLast):
    name = "bad surprise"

    def surprise(self, frames, actions, start, params):
        return torch.zeros(3)


def test_the_board_shows_absent_tracks_as_dashes_and_errors_by_model_and_track(suite):
    entrants = [CopyLast(), ConstantVelocity(), RandomActions(), WrongShape(), ReturnsNaN(),
                BadSurprise()]
    result = board.run(entrants, suite, tracks=("prediction", "intuitive_physics",
                                                "controllability"))
    rows = {row["name"]: row for row in result["entrants"]}
    assert rows["copy last frame"]["errors"] == {}
    assert rows["copy last frame"]["tracks"]["prediction"]["psnr"] > 20
    assert rows["constant velocity"]["tracks"]["intuitive_physics"] is None   # needs the truth
    assert rows["random actions"]["tracks"]["prediction"] is None            # cannot predict
    assert "shape" in rows["wrong shape"]["errors"]["prediction"]
    assert "NaN" in rows["returns NaN"]["errors"]["prediction"]
    assert "surprise must have shape" in rows["bad surprise"]["errors"]["intuitive_physics"]
    assert rows["bad surprise"]["tracks"]["prediction"] is not None          # the rest runs
    table = board.format_board(result)
    assert "| random actions | none | — |" in table
    assert "- wrong shape, track prediction:" in table
    with pytest.raises(BenchError, match="returns NaN, track prediction"):
        prediction.forecast(ReturnsNaN(), suite.ordinary)


def test_the_same_seed_gives_the_same_board(suite):
    def record():
        result = board.run([CopyLast(), ConstantVelocity()], make_suite(clips=4),
                           tracks=("prediction", "intuitive_physics", "generalisation"))
        result.pop("timings")
        return json.dumps(result)

    assert record() == record()


def test_adapters_are_checked_and_tracks_named():
    class NoKind:
        name, road = "anonymous", "none"

    with pytest.raises(TypeError, match="must have a str `kind`"):
        describe(NoKind())
    with pytest.raises(ValueError, match="tracks must be among"):
        board.run([CopyLast()], make_suite(clips=1), tracks=("beauty",))


def test_a_board_of_predictions_has_every_horizon(suite):
    scored = prediction.run(CopyLast(), suite)
    assert len(scored["psnr_by_horizon"]) == len(scored["cup_error_by_horizon"]) == HORIZON


def test_shipped_models_take_part_through_their_adapters(suite):
    from worldmodels.bench.adapters import RSSM, ActionVideo, VideoPredictorAdapter

    copy = prediction.run(CopyLast(), suite)["psnr"]
    action = ActionVideo()
    assert prediction.run(action, suite)["psnr"] > copy + 1        # it has learned motion
    from worldmodels.bench.tracks import controllability
    assert controllability.run(action, suite)["delta_psnr"] > 1    # and it follows its actions
    assert controllability.run(VideoPredictorAdapter(), suite)["delta_psnr"] == 0.0  # no actions
    dreamt = prediction.forecast(RSSM(), suite.ordinary)[0].frames
    assert dreamt.shape == suite.ordinary.frames[:, CONTEXT:].shape


def test_the_command_prints_the_board_and_writes_its_json(tmp_path, capsys):
    from worldmodels.bench.__main__ import main

    path = tmp_path / "board.json"
    main(["--quick", "--tracks", "prediction", "--json", str(path)])
    printed = capsys.readouterr().out
    written = json.loads(path.read_text())
    assert "| engine (oracle) | the world | 100.0 |" in printed
    assert {row["name"] for row in written["entrants"]} >= {"PETS ensemble", "RSSM (Dreamer)"}
    assert written["tracks"] == ["prediction"]


def test_the_sweep_reads_back_from_its_record():
    from worldmodels.bench.sweep import sweep_from_record

    figures = [{"name": f"sweep, {n} sequences: {metric}, {world} world", "value": v}
               for n, v in ((8, 1.0), (32, 2.0))
               for metric in ("PSNR", "cup error") for world in ("seen", "fast")]
    sweep = sweep_from_record({"benchmark": "shared_benchmark",
                               "figures": figures + [{"name": "other", "value": 0}]})
    assert sweep["sequences"] == [8, 32]
    assert sweep["psnr"]["fast"] == [1.0, 2.0] and sweep["cup_error"]["seen"] == [1.0, 2.0]
    from worldmodels import viz
    assert viz.bench.data_sweep(sweep, "sweep").axes[0].get_xscale() == "log"
    with pytest.raises(ValueError, match="holds no data-size sweep"):
        sweep_from_record({"benchmark": "x", "figures": []})


def test_a_record_is_found_from_any_folder_of_the_checkout(tmp_path):
    from worldmodels.measure.report import find_record

    (tmp_path / "benchmarks" / "results").mkdir(parents=True)
    (tmp_path / "benchmarks" / "results" / "demo.json").write_text('{"benchmark": "demo"}')
    (tmp_path / "notebooks" / "part").mkdir(parents=True)
    assert find_record("demo", tmp_path / "notebooks" / "part") == {"benchmark": "demo"}
    assert find_record("absent", tmp_path) is None


def test_the_game_and_the_figures_take_the_board_as_it_is(suite):
    import matplotlib.pyplot as plt

    from worldmodels import viz

    result = board.run([CopyLast(), ConstantVelocity(), RandomActions()], suite,
                       tracks=("prediction", "controllability"))
    heads, rows = board.table_rows(result, compute=False)
    assert heads[:2] == ["model", "road"] and rows[2][2] == "—"
    assert isinstance(viz.bench.leaderboard(result, "board"), plt.Figure)
    possible, impossible = suite.twins("teleport")
    pair = [{"left": possible[0], "right": impossible[0], "impossible": "right",
             "kind": "teleport"}]
    page = viz.bench.violation_game(pair, {"copy last frame": ["right"]}).data
    assert "teleport" in page and "copy last frame" in page and "<script>" in page
    with pytest.raises(ValueError, match="must pick 'left' or 'right'"):
        viz.bench.violation_game(pair, {"copy last frame": ["up"]})
    plt.close("all")


def test_the_jepa_enters_by_its_own_surprise_and_is_absent_where_it_cannot_go(suite):
    from worldmodels.bench.adapters import JEPAPredictor

    jepa = JEPAPredictor()
    long = suite.long
    scored = intuitive_physics.surprise(jepa, long.frames, long.actions, long.states.at(0),
                                        long.params)
    assert scored.shape == long.frames.shape[:2] and (scored[:, :2] == 0).all()
    index = suite.pairs["teleport"].index
    jumped = intuitive_physics.surprise(jepa, suite.pairs["teleport"].impossible,
                                        long.actions[index], long.states.at(0).select(index),
                                        long.params.select(index))
    assert jumped.amax(1).mean() > scored[index].amax(1).mean()   # a teleport surprises it
    assert describe(jepa)["parameters"] > 0
    result = board.run([jepa], suite, tracks=("prediction", "intuitive_physics", "planning"))
    heads, rows = board.table_rows(result, compute=False)
    assert "—" in rows[0]                                  # no frames, no ArmPush policy
