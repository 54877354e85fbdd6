"""The library as `pip install` delivers it: a wheel built from the checkout carries every
checkpoint and the C source of the compiled step, and works from outside the checkout: every
shipped model loads, the step compiles, and a notebook runs."""
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from worldmodels import checkpoints

pytestmark = pytest.mark.course
ROOT = Path(__file__).resolve().parents[1]

OUTSIDE = textwrap.dedent("""
    import sys
    from pathlib import Path
    import torch
    import worldmodels
    from worldmodels import checkpoints, train
    from worldmodels.world import native, scenes, step

    here = Path(worldmodels.__file__).resolve()
    assert here.is_relative_to(Path(sys.argv[1]).resolve()), here
    for name, module in train.recipes().items():
        extra = {"name": name} if len(module.CHECKPOINTS) > 1 else {}
        assert module.load_pretrained("cpu", **extra) is not None, name
    assert native.available(), "the compiled step needs its C source"
    state, params = scenes.cup_on_table(batch_size=4, seed=0)
    push = torch.zeros(4, 2, dtype=state.pos.dtype)
    fast, slow = native.step(state, push, params), step(state, push, params)
    assert torch.allclose(fast.pos, slow.pos, atol=1e-9)
    import nbformat
    from nbclient import NotebookClient
    notebook = nbformat.read(sys.argv[2], as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    print("ok", len(checkpoints.available()), "checkpoints")
""")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(folder), str(ROOT)], check=True)
    return next(folder.glob("worldmodels-*.whl"))


def test_the_wheel_carries_every_checkpoint_and_the_c_source(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in checkpoints.available():
        assert f"worldmodels/checkpoints/{name}.pt" in names
        assert f"worldmodels/checkpoints/{name}.json" in names
    assert "worldmodels/world/native_step.c" in names


def test_the_installed_wheel_loads_every_model_from_outside_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(site), str(wheel)], check=True)
    notebook = shutil.copy(ROOT / "notebooks" / "00_map" / "what_is_a_world_model.ipynb",
                           tmp_path)
    env = {"PYTHONPATH": str(site), "WORLDMODELS_CACHE": str(tmp_path / "cache"),
           "PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-c", OUTSIDE, str(site), str(notebook)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("ok")
