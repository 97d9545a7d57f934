#!/usr/bin/env python3
"""console-recv.py SOCK OUT [INPUT] — a console-socket receiver for the suites.

Listens on SOCK, takes the pty master from the first message (SCM_RIGHTS; any further
fds are closed), writes INPUT to it (if given) and copies everything it reads to OUT
until the pty closes (EIO) or 15 s pass.
"""
import array
import os
import select
import socket
import sys
import time

sock_path, out_path = sys.argv[1], sys.argv[2]
data = sys.argv[3].encode() if len(sys.argv) > 3 else b""
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sock_path)
srv.listen(1)
srv.settimeout(15)
conn, _ = srv.accept()
msg, anc, _, _ = conn.recvmsg(4096, socket.CMSG_SPACE(16 * 4))
fds = array.array("i")
for level, kind, payload in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
if not fds:
    sys.exit("no fd received")
master = fds[0]
for extra in fds[1:]:
    os.close(extra)
if data:
    os.write(master, data)
deadline = time.time() + 15
with open(out_path, "wb") as out:
    while time.time() < deadline:
        r, _, _ = select.select([master], [], [], 0.5)
        if not r:
            continue
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out.write(chunk)
        out.flush()
