"""Every model module that ships weights keeps the road contract (ARCHITECTURE.md, "The road
contract"): a frozen Config with one tiny preset, train, evaluate, recipe and load_pretrained."""
import dataclasses
import inspect

import pytest

from worldmodels import checkpoints, train

MODULES = sorted(set(train.recipes().values()), key=lambda module: module.__name__)


def test_every_shipped_checkpoint_is_trained_by_exactly_one_model_module():
    assert sorted(train.recipes()) == checkpoints.available()


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_the_module_keeps_the_contract(module):
    cfg = module.Config()
    assert dataclasses.is_dataclass(cfg) and type(cfg).__dataclass_params__.frozen
    tiny = module.Config.tiny()
    assert isinstance(tiny, module.Config) and tiny != cfg
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(tiny, dataclasses.fields(tiny)[0].name, None)
    for name in ("train", "evaluate", "recipe", "load_pretrained"):
        assert callable(getattr(module, name, None)), f"{module.__name__} has no {name}"
    train_parameters = inspect.signature(module.train).parameters
    assert list(train_parameters)[0] == "cfg" and "progress" in train_parameters
    assert list(inspect.signature(module.load_pretrained).parameters)[0] == "device"
    assert list(inspect.signature(module.recipe).parameters) == ["name"]
    with pytest.raises(ValueError, match="name must be one of"):
        module.recipe("no-such-checkpoint")   # checked before anything is trained


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_the_shipped_weights_load_on_the_cpu(module):
    for name in module.CHECKPOINTS:
        extra = {"name": name} if len(module.CHECKPOINTS) > 1 else {}
        assert module.load_pretrained("cpu", **extra) is not None
