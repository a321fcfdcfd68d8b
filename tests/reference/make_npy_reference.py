#!/usr/bin/env python3
"""Writes the numpy files tests/nn/test_serialize.cpp reads: what np.save, np.savez and
np.savez_compressed write (Debian 12's python3-numpy). Run by hand:

    /usr/bin/python3 tests/reference/make_npy_reference.py
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "npy")
os.makedirs(OUT, exist_ok=True)


def path(name):
    return os.path.join(OUT, name)


grid = np.arange(6, dtype=np.float32).reshape(2, 3) / 4
np.save(path("f4_2x3.npy"), grid)
np.save(path("f8_scalar.npy"), np.float64(-2.5))
np.save(path("i8_4.npy"), np.array([3, -1, 0, 1 << 40], dtype=np.int64))
np.save(path("b1_3.npy"), np.array([True, False, True]))
np.save(path("f4_empty.npy"), np.zeros((0, 3), dtype=np.float32))
np.save(path("f4_fortran.npy"), np.asfortranarray(grid))   # fortran_order: True
np.save(path("f4_big_endian.npy"), grid.astype(">f4"))     # not read by xgrad
np.save(path("i4_2.npy"), np.array([1, 2], dtype=np.int32))
np.save(path("u1_3.npy"), np.array([0, 200, 255], dtype=np.uint8))
np.save(path("i1_3.npy"), np.array([-128, 5, 127], dtype=np.int8))
np.save(path("i2_2.npy"), np.array([-32768, 300], dtype=np.int16))
np.save(path("f2_3.npy"), np.array([1.5, -0.0999755859375, 65504], dtype=np.float16))
np.save(path("u4_2.npy"), np.array([1, 2], dtype=np.uint32))  # not read by xgrad
np.savez(path("savez.npz"), weight=grid, bias=np.array([0.5, -0.5], dtype=np.float32),
         steps=np.array(7, dtype=np.int64))
np.savez_compressed(path("savez_compressed.npz"), weight=grid, bias=np.array([0.5, -0.5], dtype=np.float32),
                    steps=np.array(7, dtype=np.int64))
