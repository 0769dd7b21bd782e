# SPDX-License-Identifier: BSD-2-Clause
"""A minimal PEP 517 backend for the pure-Python smpsim package: it zips
smpsim/ into a py3-none-any wheel with its metadata, needing nothing beyond
the standard library (so pip builds it offline, without setuptools)."""
import base64
import hashlib
import os
import re
import tarfile
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _meta():
    text = open(os.path.join(HERE, "pyproject.toml"), encoding="utf-8").read()
    get = lambda key: re.search(r'^%s = "([^"]*)"' % key, text, re.M).group(1)  # noqa: E731
    return get("name"), get("version"), get("description")


def _metadata():
    name, version, desc = _meta()
    return ("Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: %s\nLicense: BSD-2-Clause\n"
            "Requires-Python: >=3.8\nRequires-Dist: numpy\n" % (name, version, desc))


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    name, version, _ = _meta()
    di = "%s-%s.dist-info" % (name, version)
    os.makedirs(os.path.join(metadata_directory, di), exist_ok=True)
    with open(os.path.join(metadata_directory, di, "METADATA"), "w", encoding="utf-8") as f:
        f.write(_metadata())
    return di


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (path, digest, len(data))


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name, version, _ = _meta()
    di = "%s-%s.dist-info" % (name, version)
    wheel = "%s-%s-py3-none-any.whl" % (name, version)
    files = []
    pkg = os.path.join(HERE, "smpsim")
    for fn in sorted(os.listdir(pkg)):
        if fn.endswith(".py"):
            with open(os.path.join(pkg, fn), "rb") as f:
                files.append(("smpsim/" + fn, f.read()))
    licence = os.path.join(HERE, "..", "LICENSE")
    if os.path.exists(licence):
        with open(licence, "rb") as f:
            files.append((di + "/LICENSE", f.read()))
    files.append((di + "/METADATA", _metadata().encode()))
    files.append((di + "/WHEEL", b"Wheel-Version: 1.0\nGenerator: smpsim_build\nRoot-Is-Purelib: true\n"
                                 b"Tag: py3-none-any\n"))
    record = [_record_line(p, d) for p, d in files] + [di + "/RECORD,,"]
    files.append((di + "/RECORD", ("\n".join(record) + "\n").encode()))
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel), "w", zipfile.ZIP_DEFLATED) as z:
        for p, d in files:
            info = zipfile.ZipInfo(p, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            z.writestr(info, d, zipfile.ZIP_DEFLATED)
    return wheel


def build_sdist(sdist_directory, config_settings=None):
    name, version, _ = _meta()
    base = "%s-%s" % (name, version)
    out = os.path.join(sdist_directory, base + ".tar.gz")
    with tarfile.open(out, "w:gz") as t:
        for rel in ("pyproject.toml", "_backend/smpsim_build.py", "smpsim/__init__.py", "smpsim/_lib.py"):
            t.add(os.path.join(HERE, rel), arcname=base + "/" + rel)
        with open(os.path.join(HERE, "PKG-INFO"), "w", encoding="utf-8") as f:
            f.write(_metadata())
        t.add(os.path.join(HERE, "PKG-INFO"), arcname=base + "/PKG-INFO")
        os.unlink(os.path.join(HERE, "PKG-INFO"))
    return os.path.basename(out)
