"""A served cluster outlives a watcher that hangs up, whatever SIGPIPE disposition the process had.

``kspec`` main() lets SIGPIPE end ``kspec steps | head``; a pytest worker that called main() before a served
test kept that, and the next watch event written to a closed socket killed the worker.
"""

from __future__ import annotations

import subprocess
import sys

SCRIPT = r'''
import json, signal, socket, time, urllib.request
from kspec.cluster import Cluster
from kspec.serve import Server

signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # what kspec.cli.main() leaves behind
server = Server(Cluster(nodes=1), speed=0.0).start()
host, port = server.url.removeprefix("http://").split(":")
watcher = socket.create_connection((host, int(port)), timeout=10)
watcher.sendall(b"GET /api/v1/namespaces/default/configmaps?watch=1 HTTP/1.1\r\nHost: x\r\n\r\n")
received = b""
while b"kube-root-ca.crt" not in received:  # read all that was sent, so that closing sends FIN, not RST
    received += watcher.recv(65536)
watcher.close()
for i in range(5):
    body = json.dumps({"metadata": {"name": f"c{i}"}}).encode()
    request = urllib.request.Request(f"{server.url}/api/v1/namespaces/default/configmaps", data=body,
                                     method="POST", headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).read()
    time.sleep(0.1)
server.stop()
print("alive")
'''


def test_a_watcher_hanging_up_does_not_kill_the_process() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "alive\n"), done.stderr
