"""The only way out of the rendering browser: a small HTTP proxy that holds every request to one ``FetchScope``.

Why a proxy, and not Playwright's request interception (``route``, the CDP Fetch domain) or Chromium's
``--host-resolver-rules``? Interception sees URLs, but Chromium resolves the names itself afterwards, so
a hostile name can resolve to a public address for the check and to ``127.0.0.1`` for the connection
(DNS rebinding); it also misses WebSocket connections. Resolver rules are fixed at launch, while the
browser is shared by every packet of a run and each page has its own scope. With a proxy configured for
the page's browser context, Chromium sends every HTTP request, every ``CONNECT`` tunnel (HTTPS, WebSocket)
and every redirect hop *by name* to this proxy and resolves nothing; the proxy checks the scope, resolves
the name once, refuses private addresses (unless the source allows them) and connects to exactly the
address it checked. Playwright adds ``<-loopback>`` to the bypass list, so loopback goes through it too.

A refused request answers ``403`` with an ``X-Jikimi-Blocked`` header giving the reason, and is kept in
``blocked`` for the packet's metadata. HTTP is forwarded one request per connection (``Connection:
close`` both ways), so a connection checked for one host is never reused for another.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawlers.fetch_scope import FetchScope, RefusedAddress, resolve_allowed

BLOCKED_HEADER = "X-Jikimi-Blocked"
UNREACHABLE_HEADER = "X-Jikimi-Unreachable"
HEAD_LIMIT = 64 * 1024
MAX_RECORDED = 100
_HOP_HEADERS = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "upgrade"}


@dataclass(frozen=True, slots=True)
class BlockedRequest:
    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.url} ({self.reason})"


@dataclass
class RenderProxy:
    """One proxy per rendered page, on ``127.0.0.1`` and a port the OS chooses."""

    scope: FetchScope
    timeout: float = 20.0
    blocked: list[BlockedRequest] = field(default_factory=list)
    blocked_count: int = 0
    _server: asyncio.Server | None = field(default=None, init=False)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set, init=False)

    async def start(self) -> str:
        """Listen, and return the proxy's address for Chromium (``http://127.0.0.1:PORT``)."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0, limit=HEAD_LIMIT)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            self._server = None

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        try:
            await _serve(self, reader, writer)
        except asyncio.CancelledError:
            writer.close()  # ``close()`` ends the connections still open; the task ends quietly, not as an error

    async def refuse(self, writer: asyncio.StreamWriter, url: str, reason: str) -> None:
        """Answer 403 with the reason, and keep it for the packet."""
        self.blocked_count += 1
        if len(self.blocked) < MAX_RECORDED:
            self.blocked.append(BlockedRequest(url, reason))
        await _answer(writer, "403 Forbidden", BLOCKED_HEADER, reason, "jikimi blocked this request")


async def _answer(writer: asyncio.StreamWriter, status: str, header: str, reason: str, what: str) -> None:
    """A short plain answer; the reason in ``header`` (for the renderer) and in the body (for the picture)."""
    body = f"{what}: {reason}\n".encode()
    writer.write(
        f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n".encode()
        + f"{header}: {_header_safe(reason)}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    with contextlib.suppress(ConnectionError):
        await writer.drain()


def _header_safe(text: str) -> str:
    return "".join(c if " " <= c <= "~" else "?" for c in text)[:500]


def _split_head(head: bytes) -> tuple[str, str, str, list[tuple[str, str]]]:
    lines = head.decode("latin-1").split("\r\n")
    method, target, version = lines[0].split(" ", 2)
    headers = []
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
    return method.upper(), target, version, headers


async def _serve(proxy: RenderProxy, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """One client connection: one CONNECT tunnel or one forwarded HTTP request."""
    try:
        async with asyncio.timeout(proxy.timeout):  # not wait_for: on 3.11 it can lose a cancellation
            head = await reader.readuntil(b"\r\n\r\n")
        method, target, version, headers = _split_head(head)
        if method == "CONNECT":
            await _tunnel(proxy, reader, writer, target)
        else:
            await _forward(proxy, reader, writer, method, target, version, headers)
    except (TimeoutError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        pass  # a client that gave up or sent nonsense: nothing was fetched for it
    finally:
        writer.close()


async def _open_upstream(proxy: RenderProxy, host: str, port: int, url: str, writer: asyncio.StreamWriter,
                         scheme: str | None) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:  # fmt: skip
    """A connection to the checked address of ``host:port``, or ``None`` after answering why not."""
    if not proxy.scope.allows_host(host, port, scheme):
        await proxy.refuse(writer, url, "outside the source's scope")
        return None
    try:
        address = await resolve_allowed(host, port, proxy.scope.allow_private_addresses)
    except RefusedAddress as exc:
        await proxy.refuse(writer, url, str(exc))
        return None
    try:
        async with asyncio.timeout(proxy.timeout):
            return await asyncio.open_connection(address, port)
    except (OSError, TimeoutError) as exc:
        reason = f"{address}:{port} unreachable ({type(exc).__name__}: {exc})"
        await _answer(writer, "502 Bad Gateway", UNREACHABLE_HEADER, reason, "jikimi could not connect")
        return None


async def _tunnel(proxy: RenderProxy, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, target: str) -> None:
    host, _, port_text = target.rpartition(":")
    host = host.strip("[]")
    port = int(port_text)
    upstream = await _open_upstream(proxy, host, port, f"CONNECT {target}", writer, None)  # HTTPS or a WebSocket
    if upstream is None:
        return
    upstream_reader, upstream_writer = upstream
    writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
    await writer.drain()
    await _pipe_both(reader, writer, upstream_reader, upstream_writer)


async def _forward(proxy: RenderProxy, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, method: str,
                   target: str, version: str, headers: list[tuple[str, str]]) -> None:  # fmt: skip
    parts = urlsplit(target)
    if parts.scheme != "http" or not parts.hostname:
        await proxy.refuse(writer, target[:200], "not an http:// request")
        return
    port = parts.port or 80
    upstream = await _open_upstream(proxy, parts.hostname, port, target, writer, "http")
    if upstream is None:
        return
    upstream_reader, upstream_writer = upstream
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kept = [(name, value) for name, value in headers if name.lower() not in _HOP_HEADERS]
    lines = [f"{method} {path} {version}", *(f"{name}: {value}" for name, value in kept), "Connection: close"]
    upstream_writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    length = next((value for name, value in kept if name.lower() == "content-length"), "0")
    if length.isdigit() and int(length):
        upstream_writer.write(await reader.readexactly(int(length)))
    await upstream_writer.drain()
    async with asyncio.timeout(proxy.timeout):
        answer = await upstream_reader.readuntil(b"\r\n\r\n")
    status, *answer_lines = answer.decode("latin-1").split("\r\n")
    kept_answer = [line for line in answer_lines if line and line.partition(":")[0].strip().lower() not in _HOP_HEADERS]
    writer.write(("\r\n".join([status, *kept_answer, "Connection: close"]) + "\r\n\r\n").encode("latin-1"))
    await _pipe_both(reader, writer, upstream_reader, upstream_writer, client_sends=False)


async def _pipe_both(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter,
                     upstream_reader: asyncio.StreamReader, upstream_writer: asyncio.StreamWriter,
                     client_sends: bool = True) -> None:  # fmt: skip
    """Copy bytes both ways until either side closes (``client_sends`` off: the client's bytes are dropped)."""

    async def copy(source: asyncio.StreamReader, target: asyncio.StreamWriter | None) -> None:
        while chunk := await source.read(65536):
            if target is not None:
                target.write(chunk)
                await target.drain()

    tasks = [asyncio.ensure_future(copy(upstream_reader, client_writer)),
             asyncio.ensure_future(copy(client_reader, upstream_writer if client_sends else None))]  # fmt: skip
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        upstream_writer.close()
