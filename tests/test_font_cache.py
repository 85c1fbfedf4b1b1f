"""The explorer's font subset is computed once and kept (issue 20: it took 28% of a
page), and a damaged cache is never trusted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rolegraph.explorer import assets


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assets.font_face_css.cache_clear()
    yield tmp_path / "rolegraph"
    assets.font_face_css.cache_clear()


def test_the_subset_is_kept_and_read_back(cache_home: Path) -> None:
    first = assets.font_face_css()
    kept = list(cache_home.glob("font-*.css"))
    assert len(kept) == 1
    assert first == assets._font_subset_css(assets.font_file())  # the same bytes
    assets.font_face_css.cache_clear()
    mtime = kept[0].stat().st_mtime_ns
    assert assets.font_face_css() == first
    assert kept[0].stat().st_mtime_ns == mtime  # read, not written again


def test_a_damaged_cache_is_computed_again(cache_home: Path) -> None:
    good = assets.font_face_css()
    (kept,) = cache_home.glob("font-*.css")
    head, _, text = kept.read_text(encoding="utf-8").partition("\n")
    kept.write_text(f"{head}\n{text.replace('truetype', 'opentype')}", encoding="utf-8")
    assets.font_face_css.cache_clear()
    assert assets.font_face_css() == good
    assert kept.read_text(encoding="utf-8").partition("\n")[2] == good  # repaired


def test_an_unwritable_cache_still_gives_the_font(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assets.font_face_css.cache_clear()
    try:
        assert "@font-face" in assets.font_face_css()
    finally:
        assets.font_face_css.cache_clear()
