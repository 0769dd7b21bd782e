# SPDX-License-Identifier: BSD-2-Clause
"""ctypes bindings to libsmpsim.so: the C API of include/smpsim.h, one to one."""
import ctypes
import ctypes.util
import os
import shutil
import subprocess

SOVERSION = 0  # the soname this module is written against: libsmpsim.so.0


def _candidates():
    env = os.environ.get("SMPSIM_LIBRARY")
    if env:
        yield env
        return
    yield "libsmpsim.so.%d" % SOVERSION  # LD_LIBRARY_PATH, the loader's cache
    if shutil.which("pkg-config"):  # an install under any PREFIX on PKG_CONFIG_PATH
        try:
            libdir = subprocess.run(["pkg-config", "--variable=libdir", "smpsim"], capture_output=True,
                                    text=True, check=True).stdout.strip()
            if libdir:
                yield os.path.join(libdir, "libsmpsim.so.%d" % SOVERSION)
        except (OSError, subprocess.CalledProcessError):
            pass
    for prefix in ("/usr/local/lib", "/usr/lib"):
        yield os.path.join(prefix, "libsmpsim.so.%d" % SOVERSION)
    found = ctypes.util.find_library("smpsim")
    if found:
        yield found


def _load():
    tried = []
    for name in _candidates():
        try:
            return ctypes.CDLL(name)
        except OSError as e:
            tried.append("%s (%s)" % (name, e))
    raise ImportError("smpsim: cannot load libsmpsim.so.%d; install the library (make install) or set "
                      "SMPSIM_LIBRARY to its path. Tried: %s" % (SOVERSION, "; ".join(tried)))


lib = _load()

c_double, c_int, c_size_t, c_char_p, c_void_p = ctypes.c_double, ctypes.c_int, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_void_p
c_uint8, c_uint32, c_uint64, c_float = ctypes.c_uint8, ctypes.c_uint32, ctypes.c_uint64, ctypes.c_float
P = c_void_p  # every handle is opaque


class Dot(ctypes.Structure):
    """struct smp_dot (include/smpsim.h); tests/python check the two agree."""
    _fields_ = [("x_mm", c_double), ("y_mm", c_double), ("diameter_mm", c_double), ("opacity", c_float),
                ("layer", c_uint8), ("aspect", c_float), ("angle", c_float), ("blur_mm", c_float)]


PROGRESS = ctypes.CFUNCTYPE(c_int, c_void_p, c_double)

_SIGNATURES = {
    # name: (restype, argtypes)
    "smp_version": (c_char_p, []),
    "smp_license": (c_char_p, []),
    "smp_has_openmp": (c_int, []),
    "smp_libraries": (c_size_t, [c_char_p, c_size_t]),
    "smp_strerror": (c_char_p, [c_int]),
    "smp_params_new": (P, []),
    "smp_params_free": (None, [P]),
    "smp_params_message": (c_char_p, [P]),
    "smp_params_set_seed": (c_int, [P, c_uint64]),
    "smp_params_set_density": (c_int, [P, c_double]),
    "smp_params_set_dot_diameter": (c_int, [P, c_double]),
    "smp_params_set_px_per_mm": (c_int, [P, c_double]),
    "smp_params_set_feather": (c_int, [P, c_double]),
    "smp_params_set_pigment": (c_int, [P, c_uint8, c_uint8, c_uint8]),
    "smp_params_set_opacity": (c_int, [P, c_double]),
    "smp_params_set_regularity": (c_int, [P, c_double]),
    "smp_params_set_max_pixels": (c_int, [P, c_uint64]),
    "smp_params_set_jpeg_quality": (c_int, [P, c_int]),
    "smp_params_set_overwrite": (c_int, [P, c_int]),
    "smp_params_set_density_auto": (c_int, [P, c_int]),
    "smp_params_set_dot_auto": (c_int, [P, c_int]),
    "smp_params_set_dilution": (c_int, [P, c_double]),
    "smp_params_set_edge": (c_int, [P, c_int]),
    "smp_params_set_age": (c_int, [P, c_double]),
    "smp_params_set_cast": (c_int, [P, c_int]),
    "smp_params_set_show_session": (c_int, [P, c_int]),
    "smp_params_set_reference": (c_int, [P, P]),
    "smp_params_set_scars": (c_int, [P, P]),
    "smp_params_set_density_map": (c_int, [P, P, c_double, c_double]),
    "smp_params_set_layers": (c_int, [P, ctypes.POINTER(c_double), c_int]),
    "smp_params_set_progress": (c_int, [P, PROGRESS, c_void_p]),
    "smp_params_set_layout": (c_int, [P, c_int]),
    "smp_params_set_split_at": (c_int, [P, c_double]),
    "smp_params_set_max_size": (c_int, [P, c_uint32]),
    "smp_params_set_caption": (c_int, [P, c_char_p]),
    "smp_params_set_date": (c_int, [P, c_char_p]),
    "smp_params_set_loupe": (c_int, [P, c_int, c_double, c_double]),
    "smp_params_set_loupe_zoom": (c_int, [P, c_double]),
    "smp_params_set_threads": (c_int, [P, c_int]),
    "smp_image_new": (P, []),
    "smp_image_free": (None, [P]),
    "smp_image_message": (c_char_p, [P]),
    "smp_image_alloc": (c_int, [P, c_uint32, c_uint32, c_int]),
    "smp_image_read_file": (c_int, [P, c_char_p, c_uint64]),
    "smp_image_read_memory": (c_int, [P, c_void_p, c_size_t, c_uint64]),
    "smp_image_write_file": (c_int, [P, c_char_p, P]),
    "smp_image_width": (c_uint32, [P]),
    "smp_image_height": (c_uint32, [P]),
    "smp_image_channels": (c_int, [P]),
    "smp_image_data": (ctypes.POINTER(c_uint8), [P]),
    "smp_result_new": (P, []),
    "smp_result_free": (None, [P]),
    "smp_result_message": (c_char_p, [P]),
    "smp_simulate": (c_int, [P, P, P, P]),
    "smp_result_after": (P, [P]),
    "smp_result_dots": (ctypes.POINTER(Dot), [P, ctypes.POINTER(c_size_t)]),
    "smp_result_px_per_mm": (c_double, [P]),
    "smp_result_note_count": (c_size_t, [P]),
    "smp_result_note": (c_char_p, [P, c_size_t]),
    "smp_points": (c_int, [P, P, c_double, c_double, P, c_double]),
    "smp_result_write_dots": (c_int, [P, c_char_p, P]),
    "smp_result_write_metrics": (c_int, [P, c_char_p, P]),
    "smp_preview": (c_int, [P, P, P, P, c_void_p]),
    "smp_preview_write_html": (c_int, [P, P, c_char_p, P]),
    "smp_analysis_new": (P, []),
    "smp_analysis_free": (None, [P]),
    "smp_analysis_message": (c_char_p, [P]),
    "smp_analyze_points": (c_int, [P, ctypes.POINTER(c_double), c_size_t, c_double, c_double]),
    "smp_analysis_count": (c_size_t, [P]),
    "smp_analysis_density": (c_double, [P]),
    "smp_analysis_nearest": (None, [P, ctypes.POINTER(c_double), ctypes.POINTER(c_double),
                                    ctypes.POINTER(c_double), ctypes.POINTER(c_double)]),
}

for _name, (_res, _args) in _SIGNATURES.items():
    _f = getattr(lib, _name)
    _f.restype, _f.argtypes = _res, _args

STATUS_NAMES = ["SMP_OK", "SMP_ERR_ARG", "SMP_ERR_NOMEM", "SMP_ERR_READ", "SMP_ERR_FORMAT", "SMP_ERR_LIMIT",
                "SMP_ERR_MISMATCH", "SMP_ERR_WRITE", "SMP_ERR_EXISTS", "SMP_ERR_CANCELLED"]
