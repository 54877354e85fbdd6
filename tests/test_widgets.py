"""Explorables work with a kernel (live sliders) and without one (browser-linked scrubber)."""
import ipywidgets
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from worldmodels import widgets  # noqa: E402


def _picture(a, b=0):
    return np.full((4, 4, 3), (a + b) / 10)


def test_scrubber_links_slider_play_and_pictures_in_the_browser():
    box = widgets.scrubber([_picture(1), _picture(2), _picture(3)], [1, 2, 3], "speed")
    play, slider = box.children[0].children
    stack = box.children[1]
    assert len(stack.children) == 3 and all(bytes(c.value).startswith(b"\x89PNG") for c in stack.children)
    linked = {(link.source, link.target) for link in box.links}
    assert linked == {((slider, "index"), (stack, "selected_index")), ((play, "value"), (slider, "index"))}
    assert play.max == 2 and slider.options == ("1", "2", "3")


def test_scrubber_rejects_mismatched_inputs():
    with pytest.raises(ValueError, match="equal length"):
        widgets.scrubber([_picture(1)], [1, 2])
    with pytest.raises(ValueError, match="distinct"):
        widgets.scrubber([_picture(1), _picture(2)], [1, 1])
    with pytest.raises(ValueError, match="picture"):
        widgets.scrubber([np.zeros((4, 4))], [1])


def test_explore_is_live_in_a_kernel(monkeypatch):
    monkeypatch.delenv("WORLDMODELS_BOOK", raising=False)
    calls = []

    def draw(a, b):
        calls.append((a, b))
        fig, ax = plt.subplots()
        ax.plot([a, b])
        return fig

    box = widgets.explore(draw, {"a": [1, 2, 3], "b": [5, 6]}, scrub="a", defaults={"b": 6})
    assert calls == [(1, 6)]
    box.children[0].value = 3          # moving a slider recomputes the picture
    assert calls[-1] == (3, 6)
    assert bytes(box.children[-1].value).startswith(b"\x89PNG")


def test_explore_becomes_a_scrubber_when_the_book_is_built(monkeypatch):
    monkeypatch.setenv("WORLDMODELS_BOOK", "1")
    calls = []
    box = widgets.explore(lambda a, b: calls.append((a, b)) or _picture(a, b),
                          {"a": [1, 2, 3], "b": [5, 6]}, scrub="a")
    assert calls == [(1, 5), (2, 5), (3, 5)]
    assert isinstance(box.children[1], ipywidgets.Stack)


def test_scrubber_starts_at_the_default(monkeypatch):
    monkeypatch.setenv("WORLDMODELS_BOOK", "1")
    box = widgets.explore(_picture, {"a": [1, 2, 3], "b": [5, 6]}, scrub="a", defaults={"a": 2})
    play, slider = box.children[0].children
    assert box.children[1].selected_index == 1 and slider.value == "2" and play.value == 1
    with pytest.raises(ValueError, match="start"):
        widgets.scrubber([_picture(1)], [1], start=3)


def test_explore_rejects_unknown_names():
    with pytest.raises(ValueError, match="scrub"):
        widgets.explore(_picture, {"a": [1]}, scrub="z")
    with pytest.raises(ValueError, match="defaults"):
        widgets.explore(_picture, {"a": [1]}, scrub="a", defaults={"z": 1})
    with pytest.raises(ValueError, match="labels"):
        widgets.explore(_picture, {"a": [1]}, scrub="a", labels={"z": "zed"})


@pytest.mark.parametrize("book", ["1", ""])
def test_sliders_say_their_labels_in_words(monkeypatch, book):
    monkeypatch.setenv("WORLDMODELS_BOOK", book)
    box = widgets.explore(_picture, {"a": [1, 2], "b": [5, 6]}, scrub="a",
                          labels={"a": "push speed (m/s)"})
    sliders = [w for w in box.children[0].children if isinstance(w, ipywidgets.SelectionSlider)] \
        if book else list(box.children[:2])
    assert sliders[0].description == "push speed (m/s)"
    if not book:
        assert sliders[1].description == "b"               # unlabelled: its name
