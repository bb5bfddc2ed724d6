"""mmap and dtypes: numpy dtypes to redmap's types and back, shapes of any rank, .npy files."""

from __future__ import annotations

import numpy as np
import pytest
import redis

import redmap
from conftest import calls

# Every type numpy and redmap share, at its limits.
ROUND_TRIPS = [
    ("<i1", [-128, 0, 127]),
    ("<u1", [0, 255]),
    ("<i2", [-32768, 32767]),
    ("<u2", [0, 65535]),
    ("<i4", [-2 ** 31, 2 ** 31 - 1]),
    ("<u4", [0, 2 ** 32 - 1]),
    ("<i8", [-2 ** 63, 2 ** 63 - 1]),
    ("<u8", [0, 2 ** 64 - 1]),
    ("<f2", [-65504.0, 6e-08, np.inf]),
    ("<f4", [np.float32(3.4028235e38), -0.0, np.nan]),
    ("<f8", [np.finfo("<f8").max, 5e-324, -np.inf]),
    ("S6", [b"", b"abc", b"abcdef"]),
]


@pytest.mark.parametrize("dtype, values", ROUND_TRIPS)
def test_every_type_round_trips_through_write_and_read(r, server, key, dtype, values):
    assert redmap.mmap(r, key, f"{key}.bin", dtype, writable=True) == 0
    array = np.array(values, dtype=dtype)
    assert redmap.append(r, key, array) == len(values)
    got = redmap.read(r, key)
    assert got.dtype == np.dtype(dtype)
    assert got.tobytes() == array.tobytes()  # bit for bit: -0.0 and NaN included
    assert np.fromfile(server.dir / f"{key}.bin", dtype=dtype).tobytes() == array.tobytes()
    assert redmap.gather(r, key, [-1])[0].tobytes() == array[-1:].tobytes()


def test_long_double_keys_are_numpys_longdouble(r, server, key):
    if np.dtype(np.longdouble).itemsize != 16:
        pytest.skip("numpy's longdouble is not the x87 80-bit format here")
    redmap.mmap(r, key, f"{key}.f16", np.longdouble, writable=True)
    array = np.array([1.0, np.longdouble(1) / 3], dtype=np.longdouble)
    redmap.append(r, key, array)
    got = redmap.read(r, key)
    assert got.dtype == np.dtype(np.longdouble) and got[1] == array[1]
    assert r.execute_command("VGET", key, 0) == b"1"


def test_rows_of_any_rank(r, server, key):
    assert redmap.mmap(r, key, f"{key}.f4", "<f4", shape=(2, 3, 4), writable=True) == 0
    assert r.execute_command("VSHAPE", key) == [0, 2, 3, 4]
    cubes = np.arange(5 * 24, dtype="<f4").reshape(5, 2, 3, 4)
    redmap.append(r, key, cubes)
    assert r.execute_command("VSHAPE", key) == [5, 2, 3, 4]
    assert np.array_equal(redmap.read(r, key, 1, 3), cubes[1:3])
    assert np.array_equal(redmap.gather(r, key, [4, 0]), cubes[[4, 0]])
    with pytest.raises(redmap.ShapeError):
        redmap.write(r, key, 0, cubes.reshape(5, 6, 4))


def test_a_npy_file_maps_with_its_own_dtype_and_shape(r, server, key):
    path = server.dir / f"{key}.npy"
    images = np.arange(4 * 3 * 5, dtype="<i2").reshape(4, 3, 5)
    np.save(path, images)
    assert redmap.mmap(r, key, path, None, writable=True) == 4
    got = redmap.read(r, key)
    assert got.shape == (4, 3, 5) and got.dtype == np.dtype("<i2")
    assert np.array_equal(got, images)
    redmap.append(r, key, images[:1] + 100)
    assert np.load(path).shape == (5, 3, 5)  # the header follows the appends


def test_mmap_again_with_the_same_dtype_and_shape_is_idempotent_and_another_is_refused(r, key):
    assert redmap.mmap(r, key, f"{key}.f8", "<f8", shape=2, writable=True) == 0
    redmap.append(r, key, np.ones((3, 2)))
    assert redmap.mmap(r, key, f"{key}.f8", "float64", shape=(2,), writable=True) == 3
    for dtype, shape in [(np.float32, 2), ("<f8", 4), ("<f8", None)]:
        with pytest.raises(redis.ResponseError, match="^It is already mapped with another type or mode$"):
            redmap.mmap(r, key, f"{key}.f8", dtype, shape=shape, writable=True)


@pytest.mark.parametrize("dtype, message", [
    (np.complex64, "redmap has no type for dtype '<c8'"),
    (np.bool_, "no type for dtype '|b1'"),
    ("U4", "no type for dtype '<U4'"),
    (">f8", "little-endian: use '<f8'"),
    ("S", "a string dtype needs a size"),
    ("bfloat16", "not a numpy dtype"),
])
def test_a_dtype_without_a_redmap_type_is_refused_before_mmap_is_sent(r, key, dtype, message):
    before = calls(r, "mmap")
    with pytest.raises(redmap.DtypeError, match=message):
        redmap.mmap(r, key, f"{key}.bin", dtype, writable=True)
    assert calls(r, "mmap") == before


@pytest.mark.parametrize("shape", [0, (3, 0), (-1,), (2.5,), True])
def test_a_shape_of_other_than_positive_integers_is_refused(r, key, shape):
    with pytest.raises(redmap.ShapeError):
        redmap.mmap(r, key, f"{key}.bin", "<f4", shape=shape, writable=True)


def test_the_servers_mmap_errors_pass_through(r, key):
    with pytest.raises(redis.ResponseError, match="^a new .npy file needs a type"):
        redmap.mmap(r, key, f"{key}.npy", None, writable=True)
    redmap.mmap(r, key, f"{key}.f4", "<f4", writable=True)
    with pytest.raises(redis.ResponseError, match="^It is already mapped on another file$"):
        redmap.mmap(r, key, f"{key}-other.f4", "<f4", writable=True)


def test_bfloat16_keys_have_no_numpy_dtype(r, key):
    r.execute_command("MMAP", key, f"{key}.bf16", "bfloat16", "WRITABLE")
    with pytest.raises(redmap.DtypeError, match="numpy has no bfloat16"):
        redmap.read(r, key)
