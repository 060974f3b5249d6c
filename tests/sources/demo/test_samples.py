"""The bundled demo posts load, are well formed and only name pictures that exist."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest

from sotong.sources.demo.images import image_names
from sotong.sources.demo.samples import DemoSample, load_samples, parse_samples


def _raw() -> list[dict[str, Any]]:
    text = resources.files("sotong.sources.demo").joinpath("samples.json").read_text("utf-8")
    data = json.loads(text)
    assert isinstance(data, list)
    return data


def test_every_sample_loads() -> None:
    samples = load_samples()
    assert len(samples) == len(_raw())
    assert 25 <= len(samples) <= 40
    assert all(isinstance(s, DemoSample) for s in samples)
    assert all(s.text.strip() and s.author_name.strip() for s in samples)


def test_keys_are_unique() -> None:
    keys = [s.key for s in load_samples()]
    assert len(keys) == len(set(keys))


def test_images_named_by_samples_exist() -> None:
    names = set(image_names())
    used = {s.image for s in load_samples() if s.image is not None}
    assert used <= names
    assert used == names, f"pictures no sample uses: {sorted(names - used)}"


def test_images_have_alt_text_and_text_only_posts_have_none() -> None:
    for s in load_samples():
        if s.image is None:
            assert s.alt is None, s.key
        else:
            assert s.alt, s.key


def test_mix_of_shown_and_ignored() -> None:
    samples = load_samples()
    ignored = [s for s in samples if s.expect == "ignored"]
    shown = [s for s in samples if s.expect == "shown"]
    assert 2 <= len(ignored) <= 3
    assert len(shown) + len(ignored) == len(samples)
    with_image = sum(1 for s in samples if s.image is not None)
    assert 0.45 <= with_image / len(samples) <= 0.75


def test_handles_look_like_handles() -> None:
    for s in load_samples():
        assert s.author_handle is None or s.author_handle.startswith("@"), s.key


def test_load_is_cached_and_immutable() -> None:
    assert load_samples() is load_samples()
    with pytest.raises(AttributeError):
        load_samples()[0].text = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda e: e.pop("text"), "missing field"),
        (lambda e: e.update(text="  "), "'text'"),
        (lambda e: e.update(image="no-such-picture"), "'image'"),
        (lambda e: e.update(image="bus", alt=None), "'alt'"),
        (lambda e: e.update(image=None, alt="stray"), "'alt'"),
        (lambda e: e.update(expect="maybe"), "'expect'"),
        (lambda e: e.update(source="twitter"), "'source'"),
        (lambda e: e.update(colour="red"), "unknown field"),
        (lambda e: e["author"].update(handle="no-at-sign"), "'author.handle'"),
        (lambda e: e.update(author="someone"), "'author'"),
    ],
)
def test_malformed_entry_names_its_key(mutate: Any, message: str) -> None:
    data = copy.deepcopy(_raw())
    data[3]["key"] = "broken-one"
    mutate(data[3])
    with pytest.raises(ValueError, match=message) as info:
        parse_samples(data)
    assert "broken-one" in str(info.value)


def test_duplicate_key_is_rejected() -> None:
    data = copy.deepcopy(_raw())
    data[5]["key"] = data[1]["key"]
    with pytest.raises(ValueError, match="duplicate") as info:
        parse_samples(data)
    assert data[1]["key"] in str(info.value)


def test_entry_without_key_names_its_position() -> None:
    data = copy.deepcopy(_raw())
    del data[2]["key"]
    with pytest.raises(ValueError, match="#2"):
        parse_samples(data)


def test_not_a_list_is_rejected() -> None:
    with pytest.raises(ValueError, match="array"):
        parse_samples({"samples": []})
