# SPDX-License-Identifier: BSD-2-Clause
"""The Python module (python/smpsim) against the built library: run by
tests/python.sh with Debian's python3-pytest and python3-numpy."""
import os
import re
import shutil
import subprocess

import numpy as np
import pytest

import smpsim

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PHOTO = os.path.join(TOP, "samples", "scalp.jpg")
MASK = os.path.join(TOP, "samples", "scalp.mask.png")
BIN = os.environ.get("SMPSIM_BIN", os.path.join(TOP, "build", "smpsim"))


@pytest.fixture(scope="module")
def crop():
    """A 40 x 30 mm piece of the sample (8 px/mm) with its mask, as arrays."""
    photo, mask = smpsim.read_image(PHOTO), smpsim.read_image(MASK)
    return photo[60:300, 120:440].copy(), mask[60:300, 120:440].copy()


def test_version_licence_libraries():
    assert re.fullmatch(r"\d+\.\d+\.\d+", smpsim.version())
    assert smpsim.license() == "BSD-2-Clause"
    assert "libpng" in smpsim.libraries() and "FreeType" in smpsim.libraries()


def test_dot_dtype_matches_the_header():
    header = open(os.path.join(TOP, "include", "smpsim.h"), encoding="utf-8").read()
    body = re.search(r"typedef struct smp_dot \{(.*?)\} smp_dot;", header, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    ctype = {"double": "f8", "float": "f4", "uint8_t": "u1"}
    fields = []
    for decl in body.split(";"):
        words = decl.split()
        if words:
            for name in " ".join(words[1:]).split(","):
                fields.append((name.strip(), ctype[words[0]]))
    assert fields == [(n, smpsim.DOT_DTYPE[n].str[1:]) for n in smpsim.DOT_DTYPE.names]


def test_simulate_arrays_in_and_out(crop):
    photo, mask = crop
    res = smpsim.simulate(photo, mask, px_per_mm=8, density=100, dot=0.15, seed=3)
    after = res.after
    assert after.shape == photo.shape and after.dtype == np.uint8
    assert (after != photo).any() and (after[mask[:, :, 0] == 0] == photo[mask[:, :, 0] == 0]).mean() > 0.9
    d = res.dots
    assert d.dtype == smpsim.DOT_DTYPE and len(d) > 200
    assert (d["x_mm"] >= 0).all() and (d["x_mm"] <= 40).all() and (d["y_mm"] <= 30).all()
    assert set(np.unique(d["layer"])) == {1}
    m = res.metrics
    assert m["schema"] == "smpsim-metrics/1" and m["seed"] == 3 and m["dots"]["total"] == len(d)
    assert res.px_per_mm == 8


def test_paths_bytes_and_arrays_give_the_same_run(crop):
    a = smpsim.simulate(PHOTO, MASK, px_per_mm=8, density=90, seed=5)
    b = smpsim.simulate(open(PHOTO, "rb").read(), smpsim.read_image(MASK), px_per_mm=8, density=90, seed=5)
    assert np.array_equal(a.after, b.after) and np.array_equal(a.dots, b.dots)


@pytest.mark.skipif(not os.access(BIN, os.X_OK), reason="no built smpsim")
def test_same_bytes_as_the_cli(tmp_path):
    out = tmp_path / "after.png"
    subprocess.run([BIN, "render", PHOTO, MASK, "--px-per-mm", "8", "--density", "120", "--dot", "0.2",
                    "--seed", "9", "--sessions", "3", "--edge", "soft", "-o", str(out)], check=True)
    res = smpsim.simulate(PHOTO, MASK, px_per_mm=8, density=120, dot=0.2, seed=9, sessions=3, edge="soft")
    assert np.array_equal(smpsim.read_image(out), res.after)
    assert set(np.unique(res.dots["layer"])) == {1, 2, 3}


def test_preview_html_dots_files(crop, tmp_path):
    photo, mask = crop
    res = smpsim.simulate(photo, mask, px_per_mm=8, density=100, seed=1, date="none")
    side = res.preview(layout="side", max_size=400)
    assert side.ndim == 3 and max(side.shape[:2]) <= 400 and side.shape[1] > side.shape[0]
    res.write_html(tmp_path / "p.html")
    assert (tmp_path / "p.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    res.write_dots(tmp_path / "d.csv")
    assert (tmp_path / "d.csv").read_text().count("\n") == len(res.dots) + 1
    smpsim.write_image(side, tmp_path / "s.png")
    assert np.array_equal(smpsim.read_image(tmp_path / "s.png"), side)
    with pytest.raises(smpsim.SmpError) as e:
        smpsim.write_image(side, tmp_path / "s.png")
    assert e.value.status == "SMP_ERR_EXISTS"
    smpsim.write_image(side, tmp_path / "s.png", force=True)


def test_points_and_analyze():
    d = smpsim.points(60, 60, density=100, layers=[30, 70, 100], seed=2)
    assert list(np.unique(d["layer"])) == [1, 2, 3]
    st = smpsim.analyze(d, 60, 60)
    assert st["count"] == len(d) and 90 < st["density_cm2"] < 110 and st["nn_min_mm"] > 0
    ramp = np.tile(np.linspace(0, 255, 120).astype(np.uint8), (120, 1))  # 60 x 60 mm at 2 px/mm
    r = smpsim.points(60, 60, density=100, density_map=ramp, px_per_mm=2, seed=2)
    assert (r["x_mm"] > 30).sum() > 2 * (r["x_mm"] < 30).sum()


def test_errors_carry_the_library_message(crop, tmp_path):
    photo, mask = crop
    with pytest.raises(smpsim.SmpError) as e:
        smpsim.simulate(PHOTO, str(tmp_path / "missing.png"))
    assert e.value.status == "SMP_ERR_READ" and "missing.png" in str(e.value)
    with pytest.raises(smpsim.SmpError) as e:
        smpsim.simulate(photo, mask, density=1000)
    assert e.value.status == "SMP_ERR_ARG" and "1..400" in str(e.value)
    with pytest.raises(smpsim.SmpError) as e:
        smpsim.simulate(photo, mask[:100, :300])
    assert e.value.status == "SMP_ERR_MISMATCH" and "100" in e.value.message
    (tmp_path / "bad.jpg").write_bytes(b"\xff\xd8\xff garbage")
    with pytest.raises(smpsim.SmpError) as e:
        smpsim.read_image(tmp_path / "bad.jpg")
    assert e.value.status in ("SMP_ERR_FORMAT", "SMP_ERR_READ") and "bad.jpg" in str(e.value)
    with pytest.raises(TypeError):
        smpsim.simulate(photo.astype(np.int32), mask)
    with pytest.raises(TypeError):
        smpsim.simulate(photo, mask, no_such_setting=1)


def test_sweep_rows_do_not_depend_on_jobs(crop):
    photo, mask = crop
    kw = dict(px_per_mm=8, density=[60, 120], dot=[0.1, 0.2], seeds=[1, 2])
    one = smpsim.sweep(photo, mask, jobs=1, **kw)
    two = smpsim.sweep(photo, mask, jobs=3, **kw)
    assert len(one) == 8
    strip = lambda rows: [{k: v for k, v in r.items() if k != "seconds"} for r in rows]  # noqa: E731
    assert strip(one) == strip(two)
    by = {(r["density"], r["dot"], r["seed"]): r for r in one}
    assert by[(120, 0.1, 1)]["dots"] > 1.5 * by[(60, 0.1, 1)]["dots"]
    assert set(one[0]) >= {"density", "dot", "seed", "dots", "achieved_core_cm2", "rho", "delta_e_after"}


def test_readme_example(tmp_path):
    """The README's Python example, verbatim, on the sample."""
    code = subprocess.run([os.path.join(TOP, "tests", "readme_block.sh"), "### Python", "python"], cwd=TOP,
                          check=True, capture_output=True, text=True).stdout
    assert 3 <= len(code.strip().splitlines()) <= 5
    shutil.copy(PHOTO, tmp_path / "photo.jpg")
    shutil.copy(MASK, tmp_path / "photo.mask.png")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        scope = {}
        exec(compile(code, "README.md", "exec"), scope)  # noqa: S102 - the README's own example
    finally:
        os.chdir(cwd)
    assert (tmp_path / "preview.jpg").stat().st_size > 0 and len(scope["rows"]) == 4
