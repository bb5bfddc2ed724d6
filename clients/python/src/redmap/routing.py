"""Which server a key's commands go to: the client's own (a plain or Sentinel-managed
``redis.Redis``), or in a ``RedisCluster`` the node that serves the key's slot, found in
redis-py's slot table and following ``-MOVED`` and ``-ASK`` as RedisCluster itself does.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, TypeVar

from redis.cluster import RedisCluster
from redis.exceptions import AskError, MovedError

from .wire import Exchange

T = TypeVar("T")
KeyT = Any  # str or bytes, as redis-py takes keys

# Redirections followed before giving up (RedisCluster allows 16; a move is one or two).
_MAX_REDIRECTIONS = 5


def on_key(r: Any, key: KeyT, operation: Callable[[Exchange], T], readonly: bool = False) -> T:
    """Runs ``operation`` on a connection to the server of ``key``.

    In a cluster, an operation that meets a redirection is run again from its start on the node
    named (so it must be safe to repeat: the commands before a redirection changed nothing).
    ``readonly`` operations go to a replica when the cluster client reads from replicas.
    """
    if not isinstance(r, RedisCluster):
        with Exchange(r) as exchange:
            return operation(exchange)
    asked: Optional[Any] = None
    for attempt in range(_MAX_REDIRECTIONS + 1):
        if asked is not None:
            node = asked
        else:
            node = r.nodes_manager.get_node_from_slot(r.keyslot(key), readonly and r.read_from_replicas)
        try:
            with Exchange(r.get_redis_connection(node), asking=asked is not None) as exchange:
                return operation(exchange)
        except MovedError as moved:
            if attempt == _MAX_REDIRECTIONS:
                raise
            # The slot table learns the new owner, as after RedisCluster's own MOVED.
            r.nodes_manager.update_moved_exception(moved)
            asked = None
        except AskError as ask:
            if attempt == _MAX_REDIRECTIONS:
                raise
            asked = _node(r, ask)
    raise AssertionError("unreachable")


def _node(r: RedisCluster, ask: AskError) -> Any:
    """The node an ``-ASK`` names; the slot table is read again if it does not know it yet."""
    name = f"{ask.host}:{ask.port}"
    node = r.get_node(node_name=name)
    if node is None:
        r.nodes_manager.initialize()
        node = r.get_node(node_name=name)
    if node is None:
        raise ask
    return node
