# SPDX-License-Identifier: BSD-2-Clause
# Sourced by the tools that read the shared photos (masks_gallery.sh,
# painters.sh). needs_photos NAME PHOTOS: without the folder PHOTOS, or
# without Python 3 with Pillow and NumPy (Debian: python3-pil,
# python3-numpy), says so and ends the script (exit 0: skipped). Sets py.
needs_photos() {
    py=${PYTHON:-/usr/bin/python3}
    if [ ! -d "$2" ]; then
        echo "$1: $2 is absent; skipped"
        exit 0
    fi
    if ! "$py" -c 'import PIL, numpy' 2>/dev/null; then
        echo "$1: $py lacks Pillow or NumPy (Debian: python3-pil python3-numpy); skipped"
        exit 0
    fi
}
