#!/usr/bin/env python3
"""numpy reads what xgrad writes: runs write_arrays (argv[1]) into a temporary directory, then
opens its .npy files with np.load and its .npz archive with np.load (which checks each entry's
CRC), and compares the values with those the program printed."""
import subprocess
import sys
import tempfile

import numpy as np

with tempfile.TemporaryDirectory() as tmp:
    printed = subprocess.run([sys.argv[1], tmp], check=True, capture_output=True, text=True).stdout
    grid = np.load(f"{tmp}/grid.npy")
    assert grid.dtype == np.float32 and grid.shape == (2, 3), (grid.dtype, grid.shape)
    assert (grid == np.arange(6, dtype=np.float32).reshape(2, 3) / 4).all(), grid
    mask = np.load(f"{tmp}/mask.npy")
    assert mask.dtype == np.bool_ and mask.tolist() == [True, False], mask
    with np.load(f"{tmp}/linear.npz") as archive:
        assert sorted(archive.files) == ["bias", "weight"], archive.files
        expected = {line.split()[0]: [float(v) for v in line.split()[1:]] for line in printed.splitlines()}
        assert archive["weight"].shape == (3, 4) and archive["bias"].shape == (3,)
        for name, values in expected.items():
            got = archive[name].astype(np.float64).reshape(-1)
            assert np.allclose(got, values, rtol=1e-7, atol=0), (name, got, values)
print("numpy read xgrad's .npy and .npz files")
