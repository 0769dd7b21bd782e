# SPDX-License-Identifier: BSD-2-Clause
"""smpsim: scalp micropigmentation previews from Python.

A thin layer over the C library (libsmpsim.so, loaded with ctypes): images
are numpy arrays (height x width x channels, uint8), dots a structured array
in millimetres, metrics a dict (the smpsim-metrics/1 JSON). Every setting of
the C params is a keyword argument; errors raise SmpError with the library's
message.

    import smpsim
    res = smpsim.simulate("photo.jpg", "photo.mask.png", px_per_mm=8, density=100)
    print(len(res.dots), res.metrics["delta_e2000"])
    smpsim.write_image(res.preview(layout="side"), "preview.jpg")
"""
import concurrent.futures
import ctypes
import itertools
import json
import os
import tempfile
import time

import numpy as np

from . import _lib
from ._lib import lib

__all__ = ["SmpError", "Result", "simulate", "points", "sweep", "analyze", "read_image", "write_image",
           "version", "license", "libraries", "DOT_DTYPE"]

#: One dot, as the library's struct smp_dot (positions from the photo's top-left corner, mm).
DOT_DTYPE = np.dtype([("x_mm", "f8"), ("y_mm", "f8"), ("diameter_mm", "f8"), ("opacity", "f4"),
                      ("layer", "u1"), ("aspect", "f4"), ("angle", "f4"), ("blur_mm", "f4")], align=True)
assert DOT_DTYPE.itemsize == ctypes.sizeof(_lib.Dot), "DOT_DTYPE does not match struct smp_dot"


class SmpError(Exception):
    """A library call failed: status is the smp_status name, message the library's detail."""

    def __init__(self, status, message):
        self.status = _lib.STATUS_NAMES[status] if 0 <= status < len(_lib.STATUS_NAMES) else str(status)
        self.code = status
        self.message = message
        super().__init__(message)


def _check(status, message_fn, handle):
    if status != 0:
        msg = message_fn(handle)
        msg = msg.decode("utf-8", "replace") if msg else ""
        raise SmpError(status, msg or lib.smp_strerror(status).decode())


def version():
    """The library's version, e.g. '0.1.0'."""
    return lib.smp_version().decode()


def license():  # noqa: A001 - the library's name for it
    """The library's licence as an SPDX identifier."""
    return lib.smp_license().decode()


def libraries():
    """The libraries libsmpsim links, with their versions."""
    n = lib.smp_libraries(None, 0)
    buf = ctypes.create_string_buffer(n + 1)
    lib.smp_libraries(buf, n + 1)
    return buf.value.decode()


# ---------------------------------------------------------------- images

class _Image:
    """An owned smp_image handle."""

    def __init__(self):
        self.h = lib.smp_image_new()
        if not self.h:
            raise MemoryError("smpsim: out of memory")

    def __del__(self):
        if getattr(self, "h", None):
            lib.smp_image_free(self.h)
            self.h = None

    def check(self, status):
        _check(status, lib.smp_image_message, self.h)

    @classmethod
    def load(cls, src, max_pixels=0):
        """From a path, bytes (an encoded PNG/JPEG), a numpy array, or an _Image (kept)."""
        if isinstance(src, cls):
            return src
        img = cls()
        if isinstance(src, (str, os.PathLike)):
            st = lib.smp_image_read_file(img.h, os.fsencode(src), max_pixels)
            if st != 0:  # the message names the file, as the CLI's do
                raise SmpError(st, "%s: %s" % (os.fspath(src), lib.smp_image_message(img.h).decode("utf-8", "replace")))
        elif isinstance(src, (bytes, bytearray, memoryview)):
            data = bytes(src)
            img.check(lib.smp_image_read_memory(img.h, data, len(data), max_pixels))
        else:
            a = np.asarray(src)
            if a.dtype == bool:
                a = a.astype(np.uint8) * 255
            elif a.dtype.kind == "f":
                a = np.clip(np.rint(a * 255), 0, 255).astype(np.uint8)  # floats are 0..1
            if a.dtype != np.uint8:
                raise TypeError("smpsim: an image array must be uint8 (or bool, or float 0..1), not %s" % a.dtype)
            if a.ndim == 2:
                a = a[:, :, None]
            if a.ndim != 3 or a.shape[2] not in (1, 2, 3, 4):
                raise ValueError("smpsim: an image array is H x W or H x W x 1..4, not %s" % (a.shape,))
            h, w, c = a.shape
            img.check(lib.smp_image_alloc(img.h, w, h, c))
            ctypes.memmove(lib.smp_image_data(img.h), np.ascontiguousarray(a).ctypes.data, a.size)
        return img

    def array(self):
        return _to_array(self.h)


def _to_array(h):
    """A copy of an smp_image's pixels: H x W x C uint8."""
    w, ht, c = lib.smp_image_width(h), lib.smp_image_height(h), lib.smp_image_channels(h)
    if not w or not ht:
        return np.zeros((0, 0, 3), np.uint8)
    buf = ctypes.cast(lib.smp_image_data(h), ctypes.POINTER(ctypes.c_uint8 * (w * ht * c))).contents
    return np.frombuffer(buf, np.uint8).reshape(ht, w, c).copy()


def read_image(path, max_pixels=0):
    """Decodes a PNG or JPEG (EXIF orientation applied) to an H x W x C uint8 array."""
    return _Image.load(path, max_pixels).array()


def write_image(array, path, quality=92, force=False):
    """Writes an array as PNG or JPEG (by the path's extension), atomically."""
    img = _Image.load(array)
    p = _Params(jpeg_quality=quality, force=force)
    img.check(lib.smp_image_write_file(img.h, os.fsencode(path), p.h))


# ---------------------------------------------------------------- params

_EDGES = {"broken": 0, "soft": 1, "sharp": 2}
_CASTS = {"none": 0, "blue": 1}
_LAYOUTS = {"auto": 0, "side": 1, "stack": 2, "split": 3, "sessions": 4}
_SESSIONS = {1: [100], 2: [60, 100], 3: [30, 70, 100], 4: [25, 50, 75, 100]}


class _Params:
    """An smp_params handle built from keyword arguments (the CLI's options)."""

    def __init__(self, **kw):
        self.h = lib.smp_params_new()
        if not self.h:
            raise MemoryError("smpsim: out of memory")
        self.keep = []  # images the params borrow
        for key, value in kw.items():
            if value is not None:
                self.set(key, value)

    def __del__(self):
        if getattr(self, "h", None):
            lib.smp_params_free(self.h)
            self.h = None

    def check(self, status, what):
        if status != 0:
            msg = lib.smp_params_message(self.h)
            raise SmpError(status, "%s: %s" % (what, msg.decode() if msg else lib.smp_strerror(status).decode()))

    def image(self, value):
        img = value if isinstance(value, _Image) else _Image.load(value)
        self.keep.append(img)
        return img.h

    def set(self, key, v):  # noqa: C901 - one branch per option
        h, c = self.h, self.check
        num = {"px_per_mm": lib.smp_params_set_px_per_mm, "feather": lib.smp_params_set_feather,
               "opacity": lib.smp_params_set_opacity, "regularity": lib.smp_params_set_regularity,
               "split_at": lib.smp_params_set_split_at, "loupe_zoom": lib.smp_params_set_loupe_zoom}
        if key in num:
            c(num[key](h, float(v)), key)
        elif key == "seed":
            c(lib.smp_params_set_seed(h, int(v)), key)
        elif key == "density":
            if v == "auto":
                c(lib.smp_params_set_density_auto(h, 1), key)
            else:
                c(lib.smp_params_set_density(h, float(v)), key)
                c(lib.smp_params_set_density_auto(h, 0), key)
        elif key == "dot":
            if v == "auto":
                c(lib.smp_params_set_dot_auto(h, 1), key)
            else:
                c(lib.smp_params_set_dot_diameter(h, float(v)), key)
        elif key == "dilution":
            c(lib.smp_params_set_dilution(h, -1.0 if v == "auto" else float(v)), key)
        elif key == "pigment":
            rgb = v
            if isinstance(v, str):
                s = v.lstrip("#")
                if len(s) != 6:
                    raise SmpError(1, "pigment: '%s' is not a colour like '#2b2b2b'" % v)
                rgb = (int(s[0:2], 16), int(s[2:4], 16), int(s[4:6], 16))
            c(lib.smp_params_set_pigment(h, *[int(x) for x in rgb]), key)
        elif key == "edge":
            c(lib.smp_params_set_edge(h, _EDGES.get(v, -1)), key)
        elif key == "cast":
            c(lib.smp_params_set_cast(h, _CASTS.get(v, -1)), key)
        elif key == "age":
            years = {"fresh": -1.0, "healed": 0.0}.get(v)
            if years is None:
                years = float(str(v).rstrip("yY"))
            c(lib.smp_params_set_age(h, years), key)
        elif key in ("sessions", "layers", "session_split"):
            pct = _SESSIONS.get(v) if key == "sessions" else list(v)
            if pct is None:
                raise SmpError(1, "sessions: %r is not 1 to 4" % (v,))
            arr = (ctypes.c_double * len(pct))(*pct)
            c(lib.smp_params_set_layers(h, arr, len(pct)), key)
        elif key == "session":
            c(lib.smp_params_set_show_session(h, int(v)), key)
        elif key == "max_pixels":
            c(lib.smp_params_set_max_pixels(h, int(v)), key)
        elif key in ("jpeg_quality", "quality"):
            c(lib.smp_params_set_jpeg_quality(h, int(v)), key)
        elif key in ("force", "overwrite"):
            c(lib.smp_params_set_overwrite(h, int(bool(v))), key)
        elif key == "threads":
            c(lib.smp_params_set_threads(h, int(v)), key)
        elif key == "layout":
            c(lib.smp_params_set_layout(h, _LAYOUTS.get(v, -1)), key)
        elif key == "max_size":
            c(lib.smp_params_set_max_size(h, int(v)), key)
        elif key == "caption":
            c(lib.smp_params_set_caption(h, str(v).encode()), key)
        elif key == "date":
            c(lib.smp_params_set_date(h, str(v).encode()), key)
        elif key == "loupe":
            if v in ("auto", "off"):
                c(lib.smp_params_set_loupe(h, 0 if v == "auto" else 1, 0.0, 0.0), key)
            else:
                c(lib.smp_params_set_loupe(h, 2, float(v[0]), float(v[1])), key)
        elif key == "reference":
            c(lib.smp_params_set_reference(h, self.image(v)), key)
        elif key == "scar_mask":
            c(lib.smp_params_set_scars(h, self.image(v)), key)
        elif key == "density_map":
            lo, hi = 0.0, 0.0
            if isinstance(v, tuple) and len(v) == 3:  # (map, min, max)
                v, lo, hi = v
            c(lib.smp_params_set_density_map(h, self.image(v), float(lo), float(hi)), key)
        else:
            raise TypeError("smpsim: unknown setting %r" % key)


# ---------------------------------------------------------------- results

class Result:
    """A finished simulation: the after image, the dots, the metrics; previews of it."""

    def __init__(self, handle, photo, params):
        self._h = handle
        self._photo = photo      # the _Image the result refers to (previews draw it)
        self._params = params

    def __del__(self):
        if getattr(self, "_h", None):
            lib.smp_result_free(self._h)
            self._h = None

    def _check(self, status):
        _check(status, lib.smp_result_message, self._h)

    @property
    def after(self):
        """The after image, H x W x C uint8 (a copy)."""
        return _to_array(lib.smp_result_after(self._h))

    @property
    def dots(self):
        """The dots, a structured array of DOT_DTYPE (a copy)."""
        n = ctypes.c_size_t(0)
        ptr = lib.smp_result_dots(self._h, ctypes.byref(n))
        if not n.value:
            return np.zeros(0, DOT_DTYPE)
        raw = ctypes.string_at(ptr, n.value * DOT_DTYPE.itemsize)
        return np.frombuffer(raw, DOT_DTYPE).copy()

    @property
    def px_per_mm(self):
        return lib.smp_result_px_per_mm(self._h)

    @property
    def notes(self):
        """Informational notes of the run ('mask resampled from ...')."""
        return [lib.smp_result_note(self._h, i).decode() for i in range(lib.smp_result_note_count(self._h))]

    @property
    def metrics(self):
        """The measurements as a dict: the smpsim-metrics/1 JSON that `--metrics` writes."""
        if not hasattr(self, "_metrics"):
            with tempfile.TemporaryDirectory(prefix="smpsim-") as d:
                path = os.path.join(d, "metrics.json")
                self._check(lib.smp_result_write_metrics(self._h, os.fsencode(path), self._params.h))
                with open(path, encoding="utf-8") as f:
                    self._metrics = json.load(f)
        return self._metrics

    def preview(self, **settings):
        """The before/after preview as an array; settings override the run's (layout, caption, ...)."""
        p = self._params
        if settings:
            for k, v in settings.items():
                p.set(k, v)
        out = _Image()
        _check(lib.smp_preview(out.h, self._h, self._photo.h, p.h, None), lib.smp_image_message, out.h)
        return out.array()

    def write_html(self, path, force=False):
        """The self-contained before/after slider page."""
        self._params.set("force", force)
        self._check(lib.smp_preview_write_html(self._h, self._photo.h, os.fsencode(path), self._params.h))

    def write_dots(self, path, force=False):
        """The dots as .csv or .svg, as `smpsim points` writes them."""
        self._params.set("force", force)
        self._check(lib.smp_result_write_dots(self._h, os.fsencode(path), self._params.h))


def _new_result():
    h = lib.smp_result_new()
    if not h:
        raise MemoryError("smpsim: out of memory")
    return h


def simulate(photo, mask, **settings):
    """Runs the pipeline on a photo and its mask (paths, encoded bytes or arrays).

    settings are the CLI's render options in Python form: density (number or
    'auto'), dot, px_per_mm, feather, pigment ('#rrggbb' or (r, g, b)),
    dilution, reference, edge, opacity, regularity, seed, sessions, layers,
    session, age ('fresh', 'healed', years), cast, scar_mask, density_map
    (an image, or (image, min, max)), quality, max_pixels, threads, and the
    preview's layout, split_at, max_size, caption, date, loupe, loupe_zoom.
    """
    params = _Params(**settings)
    limit = settings.get("max_pixels", 0) or 0
    ph, mk = _Image.load(photo, limit), _Image.load(mask, limit)
    res = Result(_new_result(), ph, params)
    res._mask = mk
    res._check(lib.smp_simulate(res._h, params.h, ph.h, mk.h))
    return res


def points(width_mm, height_mm, density=90, density_map=None, px_per_mm=0.0, **settings):
    """Dots alone over a width x height mm rectangle: a structured array of DOT_DTYPE.

    With density_map (an image; or (image, min, max) for a range) at px_per_mm,
    the density follows it."""
    params = _Params(density=density, **settings)
    m = None
    if density_map is not None:
        lo = hi = 0.0
        if isinstance(density_map, tuple):
            density_map, lo, hi = density_map
        m = _Image.load(density_map)
        params.check(lib.smp_params_set_density_map(params.h, m.h, float(lo), float(hi)), "density_map")
    res = Result(_new_result(), None, params)
    res._check(lib.smp_points(res._h, params.h, float(width_mm), float(height_mm), m.h if m else None,
                              float(px_per_mm)))
    return res.dots


def analyze(xy, width_mm=None, height_mm=None):
    """Statistics of a point set (an N x 2 array of mm, or a DOT_DTYPE array):
    count, density (dots/cm²), nearest-neighbour min and mean (mm), rho min and mean."""
    if getattr(xy, "dtype", None) is not None and xy.dtype.names:
        xy = np.column_stack([xy["x_mm"], xy["y_mm"]])
    a = np.ascontiguousarray(xy, dtype=np.float64).reshape(-1, 2)
    w = float(width_mm if width_mm is not None else a[:, 0].max() if len(a) else 0)
    h = float(height_mm if height_mm is not None else a[:, 1].max() if len(a) else 0)
    an = lib.smp_analysis_new()
    if not an:
        raise MemoryError("smpsim: out of memory")
    try:
        _check(lib.smp_analyze_points(an, a.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), len(a), w, h),
               lib.smp_analysis_message, an)
        v = [ctypes.c_double() for _ in range(4)]
        lib.smp_analysis_nearest(an, *[ctypes.byref(x) for x in v])
        return {"count": lib.smp_analysis_count(an), "density_cm2": lib.smp_analysis_density(an),
                "nn_min_mm": v[0].value, "nn_mean_mm": v[1].value, "rho_min": v[2].value, "rho_mean": v[3].value}
    finally:
        lib.smp_analysis_free(an)


def sweep(photo, mask, seeds=(1,), jobs=None, keep_images=False, **settings):
    """Runs every combination of the listed values; returns one dict per run.

    Any setting given as a list or range is varied (e.g. density=[60, 90, 120],
    dot=np.arange(0.1, 0.21, 0.05)); the others are fixed. Each row has the
    varied values, the seed, and dots, density_used_cm2, achieved_core_cm2,
    min_spacing_mm, rho, delta_e_before, delta_e_after, seconds (and 'after',
    the image, with keep_images). Runs go in parallel threads (jobs, default
    the cores), each with its share of the cores; the numbers do not depend on
    jobs. pandas.DataFrame(rows) makes a table of it.
    """
    photo_img = _Image.load(photo, settings.get("max_pixels", 0) or 0)
    mask_img = _Image.load(mask, settings.get("max_pixels", 0) or 0)
    varied = {k: list(v) for k, v in settings.items()
              if isinstance(v, (list, tuple, range, np.ndarray)) and k not in ("pigment", "layers", "loupe")}
    fixed = {k: v for k, v in settings.items() if k not in varied}
    names = list(varied)
    combos = [dict(zip(names, vals), seed=s) for vals in itertools.product(*varied.values()) for s in seeds]
    cores = os.cpu_count() or 1
    jobs = max(1, min(jobs or cores, len(combos) or 1))
    threads = max(1, cores // jobs)

    def run(combo):
        t0 = time.perf_counter()
        values = {k: (v.item() if hasattr(v, "item") else v) for k, v in combo.items()}
        res = simulate(photo_img, mask_img, threads=threads, **fixed, **values)
        m = res.metrics
        row = dict(values)
        row.update(dots=m["dots"]["total"], density_used_cm2=m["density"]["used_cm2"],
                   achieved_core_cm2=m["density"].get("achieved_core_cm2"),
                   min_spacing_mm=m["spacing"]["min_mm"], rho=m["spacing"]["rho"],
                   delta_e_before=(m.get("delta_e2000") or {}).get("before"),
                   delta_e_after=(m.get("delta_e2000") or {}).get("after"),
                   seconds=time.perf_counter() - t0)
        if keep_images:
            row["after"] = res.after
        return row

    if jobs == 1:
        return [run(c) for c in combos]
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:  # ctypes releases the GIL in each call
        return list(pool.map(run, combos))

