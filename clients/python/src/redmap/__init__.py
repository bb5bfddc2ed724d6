"""numpy arrays in and out of redmap with redis-py.

``r`` is a redis-py client: ``redis.Redis``, a Sentinel-managed one
(``Sentinel(...).master_for(name)``) or ``redis.cluster.RedisCluster``; in a cluster each call goes
to the node that serves its key. Reads return arrays of the key's dtype and shape ``(n, *row)``;
writes take such arrays and refuse others before sending anything (:class:`DtypeError`,
:class:`ShapeError`, :class:`RangeError`); the server's own errors are ``redis.ResponseError``.
"""

from .errors import DtypeError, RangeError, RedmapError, ShapeError
from .reading import CHUNK_BYTES, gather, read
from .writing import append, mmap, write

__all__ = ["CHUNK_BYTES", "DtypeError", "RangeError", "RedmapError", "ShapeError", "append", "gather", "mmap",
           "read", "write"]
__version__ = "0.1.0"
