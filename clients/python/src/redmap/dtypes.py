"""redmap's element types (the names VTYPE replies) and the numpy dtypes they are.

Every numeric type is little-endian on the wire (VREAD, VMREAD, VWRITE move the file's bytes),
so the dtypes here are all explicitly little-endian; ``string`` keys are numpy byte strings
(``S<value size>``), zero-padded as numpy pads them.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import numpy as np

from .errors import DtypeError

# VTYPE name -> numpy dtype string, for the types whose size is fixed.
_NUMPY_OF: Dict[str, str] = {
    "int8": "i1",
    "uint8": "u1",
    "int16": "<i2",
    "uint16": "<u2",
    "int32": "<i4",
    "uint32": "<u4",
    "int64": "<i8",
    "uint64": "<u8",
    "float16": "<f2",
    "float": "<f4",
    "double": "<f8",
}
# (numpy kind, item size) -> the name MMAP takes.
_TYPE_OF = {(np.dtype(d).kind, np.dtype(d).itemsize): name for name, d in _NUMPY_OF.items()}


def _long_double() -> "Optional[np.dtype[Any]]":
    """numpy's longdouble when it is the server's: the x87 80-bit format in 16 bytes (x86-64)."""
    dtype = np.dtype(np.longdouble)
    if dtype.itemsize == 16 and np.finfo(dtype).nmant == 63:
        return dtype.newbyteorder("<")
    return None


def numpy_dtype(type_name: str, value_size: int) -> "np.dtype[Any]":
    """The dtype of a key from its VTYPE and VSIZE replies."""
    if type_name in _NUMPY_OF:
        return np.dtype(_NUMPY_OF[type_name])
    if type_name == "string":
        return np.dtype(f"S{value_size}")
    if type_name == "long_double":
        dtype = _long_double()
        if dtype is not None:
            return dtype
        raise DtypeError("long_double keys hold x87 80-bit values; this platform's numpy longdouble is "
                         f"{np.dtype(np.longdouble).itemsize * 8}-bit")
    if type_name == "bfloat16":
        raise DtypeError("numpy has no bfloat16 dtype: read bfloat16 keys with VREAD as uint16 bit patterns")
    raise DtypeError(f"unknown redmap type {type_name!r}")


def redmap_type(dtype: Any) -> Tuple[str, Optional[int]]:
    """The MMAP type name (and value size, for strings) of a numpy dtype; DtypeError if none."""
    try:
        dt = np.dtype(dtype)
    except TypeError as e:
        raise DtypeError(f"not a numpy dtype: {dtype!r} ({e})") from None
    if dt.byteorder == ">" or (dt.byteorder == "=" and not np.little_endian):
        raise DtypeError(f"redmap's raw files are little-endian: use {dt.newbyteorder('<').str!r}, not {dt.str!r}")
    if dt.kind == "S":
        if dt.itemsize == 0:
            raise DtypeError("a string dtype needs a size: 'S16', not 'S'")
        return "string", dt.itemsize
    if (dt.kind, dt.itemsize) in _TYPE_OF:
        return _TYPE_OF[(dt.kind, dt.itemsize)], None
    long_double = _long_double()
    if long_double is not None and dt.kind == "f" and dt.itemsize == 16:
        return "long_double", None
    raise DtypeError(f"redmap has no type for dtype {dt.str!r} ({dt.name}): bool, complex, object, unicode "
                     "and datetime arrays cannot be mapped")

