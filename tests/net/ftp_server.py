"""A loopback FTP server with just enough of RFC 959 for ``ftplib``'s binary RETR.

Commands: USER, PASS, TYPE, SIZE, PASV, RETR, QUIT. ``faults[path]`` lists what the
successive RETRs of ``path`` do before the normal transfer: "busy" (450, no data),
"drop" (half the data, then 426) or "short" (half the data, then 226 as if complete).
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections import Counter


class _Control(socketserver.StreamRequestHandler):
    server: _TCPServer

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        owner = self.server.owner
        listener: socket.socket | None = None
        self.reply("220 mini ftp ready")
        try:
            while line := self.rfile.readline():
                command, _, argument = line.decode().strip().partition(" ")
                command = command.upper()
                if command == "USER":
                    self.reply("331 password please")
                elif command == "PASS":
                    self.reply("230 logged in")
                elif command == "TYPE":
                    self.reply("200 type set")
                elif command == "SIZE":
                    data = owner.files.get(argument)
                    self.reply(f"213 {len(data)}" if data is not None else "550 no such file")
                elif command == "PASV":
                    listener = socket.create_server(("127.0.0.1", 0))
                    listener.settimeout(5)
                    port = listener.getsockname()[1]
                    self.reply(f"227 Entering Passive Mode (127,0,0,1,{port >> 8},{port & 255}).")
                elif command == "RETR":
                    assert listener is not None, "RETR before PASV"
                    self._retrieve(listener, argument)
                    listener.close()
                    listener = None
                elif command == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("502 not implemented")
        finally:
            if listener is not None:
                listener.close()

    def _retrieve(self, listener: socket.socket, path: str) -> None:
        owner = self.server.owner
        with owner.lock:
            owner.retr_hits[path] += 1
            queue = owner.faults.get(path) or []
            fault = queue.pop(0) if queue else None
        data = owner.files.get(path)
        if data is None:
            self.reply("550 no such file")
            return
        if fault == "busy":
            self.reply("450 file busy, try later")
            return
        self.reply("150 opening binary data connection")
        connection, _ = listener.accept()
        with connection:
            connection.sendall(data if fault is None else data[: len(data) // 2])
        self.reply("426 connection closed; transfer aborted" if fault == "drop" else "226 transfer complete")


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: MiniFTPServer


class MiniFTPServer:
    def __init__(self, files: dict[str, bytes], faults: dict[str, list[str]] | None = None) -> None:
        self.files = files
        self.faults = {path: list(queue) for path, queue in (faults or {}).items()}
        self.retr_hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self._server: _TCPServer | None = None
        self._thread: threading.Thread | None = None

    def url(self, path: str) -> str:
        assert self._server is not None
        return f"ftp://127.0.0.1:{self._server.server_address[1]}{path}"

    def __enter__(self) -> MiniFTPServer:
        self._server = _TCPServer(("127.0.0.1", 0), _Control)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
