#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The Python module's tests with Debian's python3, python3-numpy and
# python3-pytest (tools/deps.sh installs them as root); one SKIP line without.
set -u
build=${1:-build}
py=/usr/bin/python3
if ! [ -x "$py" ] || ! "$py" -c 'import numpy, pytest' 2>/dev/null; then
    echo "SKIP: python: needs Debian's python3-numpy and python3-pytest"
    exit 0
fi
lib=$(cd "$build" && pwd)/libsmpsim.so.0
SMPSIM_LIBRARY=$lib SMPSIM_BIN=$build/smpsim PYTHONPATH=python PYTHONDONTWRITEBYTECODE=1 \
    "$py" -m pytest -q -p no:cacheprovider tests/python
