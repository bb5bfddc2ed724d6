"""A redis-py connection driven by hand for a few commands: the replies are read from its socket
here, so that a bulk payload (VREAD's, VMREAD's) goes from the kernel straight into the caller's
buffer with ``socket.recv_into``, with no copy in between.

redis-py's own reader would copy a bulk reply three times (its buffer, the reply ``bytes``, the
slice without CRLF) before the caller's copy into an array, at a few dozen MB/s for large replies.
The connection comes from the client's pool (so its address, password, TLS and Sentinel lookup are
redis-py's) and goes back to it once every reply was read; a connection left half-read (an error
on the socket, a reply that was not what was expected) is disconnected instead, as redis-py does.
"""

from __future__ import annotations

import socket
from typing import Any, List, Optional, Sequence, Union

import redis
from redis.exceptions import AskError, ConnectionError, MovedError, ResponseError, TimeoutError

from .errors import ShapeError

Arg = Union[bytes, str, int, memoryview]
Command = Sequence[Arg]

_CRLF = b"\r\n"
# Headers and small replies go through this buffer; payloads above this size are received into
# the caller's memory, and arguments above it are sent from the caller's memory.
_SMALL = 1 << 16


class Exchange:
    """Commands sent on one connection of ``client``'s pool, and their replies read in order.

    With ``asking`` (a cluster's ``-ASK`` redirection) every command is preceded by ASKING.
    Use as a context manager: the connection goes back to the pool, or is disconnected when
    replies are left unread.
    """

    def __init__(self, client: redis.Redis, asking: bool = False) -> None:
        self._pool = client.connection_pool
        self._conn = self._pool.get_connection("VREAD")
        self._asking = asking
        self._buf = bytearray(_SMALL)
        self._view = memoryview(self._buf)
        self._pos = 0
        self._end = 0
        self._pending = 0
        self._broken = False

    def __enter__(self) -> "Exchange":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def pool(self) -> Any:
        """The connection pool this exchange's connection came from (one per server)."""
        return self._pool

    def discard(self) -> None:
        """Disconnect at close rather than return the connection: its state changed (a WATCH)."""
        self._broken = True

    def keep(self) -> None:
        """Undoes :meth:`discard` once the state is back (EXEC or UNWATCH ran)."""
        self._broken = False

    def close(self) -> None:
        if self._broken or self._pending or self._pos != self._end:
            self._conn.disconnect()
        self._pool.release(self._conn)

    # ------------------------------------------------------------------------------ sending

    def send(self, *commands: Command) -> None:
        """Sends the commands in one write (large arguments from their own memory)."""
        parts: List[Union[bytes, memoryview]] = []
        small = bytearray()
        for command in commands:
            if self._asking:
                small += b"*1\r\n$6\r\nASKING\r\n"
            small += b"*%d\r\n" % len(command)
            for arg in command:
                if type(arg) is int:  # indices: the common case of a gather, kept short
                    digits = b"%d" % arg
                    small += b"$%d\r\n%b\r\n" % (len(digits), digits)
                    continue
                data = self._encode(arg)
                small += b"$%d\r\n" % len(data)
                if len(data) > _SMALL:
                    parts.append(bytes(small))
                    parts.append(data)
                    small = bytearray(_CRLF)
                else:
                    small += data
                    small += _CRLF
        parts.append(bytes(small))
        # On any failure, even half-way, redis-py disconnects the connection before raising.
        self._conn.send_packed_command(parts)
        self._pending += len(commands)

    def _encode(self, arg: Arg) -> Union[bytes, memoryview]:
        if isinstance(arg, memoryview):
            return arg if arg.format == "B" and arg.ndim == 1 else arg.cast("B")
        if isinstance(arg, (bytes, bytearray)):
            return arg
        if isinstance(arg, int) and not isinstance(arg, bool):
            return b"%d" % arg
        encoded: bytes = self._conn.encoder.encode(arg)
        return encoded

    # ------------------------------------------------------------------------------ replies

    def reply(self) -> Any:
        """The next reply; an error reply is returned (not raised) as redis-py's exception."""
        return self._guarded(self._next_reply)

    def value(self) -> Any:
        """The next reply; an error reply is raised."""
        result = self.reply()
        if isinstance(result, Exception):
            raise result
        return result

    def bulk_into(self, out: memoryview) -> None:
        """Reads the next reply, a bulk string of exactly ``len(out)`` bytes, into ``out``."""
        self._guarded(lambda: self._bulk_into(out))

    def _guarded(self, read: Any) -> Any:
        try:
            return read()
        except socket.timeout:
            self._broken = True
            raise TimeoutError("Timeout reading from socket") from None
        except OSError as e:
            self._broken = True
            raise ConnectionError(f"Error while reading from socket: {e}") from None
        except BaseException:
            self._broken = True
            raise

    def _next_reply(self) -> Any:
        if self._asking:
            asked = self._parse()
            if isinstance(asked, Exception):
                self._parse()  # the command's own reply
                self._pending -= 1
                return asked
        result = self._parse()
        self._pending -= 1
        return result

    def _bulk_into(self, out: memoryview) -> None:
        if self._asking:
            asked = self._parse()
            if isinstance(asked, Exception):
                self._parse()
                self._pending -= 1
                raise asked
        line = self._line()
        if line[:1] == b"-":
            self._pending -= 1
            raise self._error(line[1:].decode("utf-8", "replace"))
        if line[:1] != b"$":
            raise ConnectionError(f"expected a bulk string, got {line[:40]!r}")
        length = int(line[1:])
        if length != out.nbytes:
            # The key changed between its shape was read and this reply (remapped, popped).
            raise ShapeError(f"the reply has {length} bytes where {out.nbytes} were expected "
                             "(the key changed meanwhile)")
        self._read_into(out.cast("B") if out.format != "B" else out)
        self._exact(2)
        self._pending -= 1

    def _parse(self) -> Any:
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest
        if kind == b"-":
            return self._error(rest.decode("utf-8", "replace"))
        if kind in (b":", b"("):
            return int(rest)
        if kind in (b"$", b"="):
            length = int(rest)
            if length < 0:
                return None
            data = self._exact(length + 2)[:-2]
            return data[4:] if kind == b"=" else data  # a verbatim string starts with "txt:"
        if kind in (b"*", b"~", b">"):
            count = int(rest)
            return None if count < 0 else [self._parse() for _ in range(count)]
        if kind == b"%":
            return {self._parse(): self._parse() for _ in range(int(rest))}
        if kind == b"_":
            return None
        if kind == b"#":
            return rest == b"t"
        if kind == b",":
            return float(rest)
        raise ConnectionError(f"unexpected reply {line[:40]!r}")

    def _error(self, text: str) -> Exception:
        # Redirections raised as redis-py's cluster client raises them; the rest as its parser does.
        error: Exception
        if text.startswith("MOVED "):
            error = MovedError(text[len("MOVED "):])
        elif text.startswith("ASK "):
            error = AskError(text[len("ASK "):])
        elif hasattr(getattr(self._conn, "_parser", None), "parse_error"):
            error = self._conn._parser.parse_error(text)
        else:
            error = ResponseError(text)
        return error

    # ------------------------------------------------------------------------- the buffer

    def _fill(self) -> None:
        """Receives more bytes after those buffered (moving them to the front when needed)."""
        if self._pos == self._end:
            self._pos = self._end = 0
        elif self._end == len(self._buf):
            if self._pos == 0:  # one line longer than the buffer: grow it
                self._view.release()
                self._buf.extend(bytes(len(self._buf)))
                self._view = memoryview(self._buf)
            else:
                kept = self._end - self._pos
                self._buf[:kept] = self._buf[self._pos:self._end]
                self._pos, self._end = 0, kept
        received = self._conn._sock.recv_into(self._view[self._end:])
        if received == 0:
            raise ConnectionError("Connection closed by server.")
        self._end += received

    def _line(self) -> bytes:
        """The next line, without its CRLF."""
        while True:
            at = self._buf.find(_CRLF, self._pos, self._end)
            if at >= 0:
                line = bytes(self._view[self._pos:at])
                self._pos = at + 2
                return line
            self._fill()

    def _exact(self, length: int) -> bytes:
        """The next ``length`` bytes."""
        while self._end - self._pos < length:
            if length > len(self._buf):
                large = bytearray(length)
                self._read_into(memoryview(large))
                return bytes(large)
            self._fill()
        data = bytes(self._view[self._pos:self._pos + length])
        self._pos += length
        return data

    def _read_into(self, out: memoryview) -> None:
        """Fills ``out``: first from the buffer, then straight from the socket."""
        got = min(self._end - self._pos, len(out))
        out[:got] = self._view[self._pos:self._pos + got]
        self._pos += got
        sock: Optional[socket.socket] = self._conn._sock
        if sock is None:
            raise ConnectionError("Connection closed.")
        while got < len(out):
            received = sock.recv_into(out[got:])
            if received == 0:
                raise ConnectionError("Connection closed by server.")
            got += received
