"""nginx as the reverse proxy in front of several bot processes: a generated config, on 127.0.0.1.

Debian's nginx binary with a config of our own in a temp dir (pid, logs and temp files there;
nothing under /etc or /var is read or written). As root its workers run as an unprivileged
account, as they would in production. The access log names the upstream that served each request.
"""

from __future__ import annotations

import grp
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from tests.databases import unprivileged_account

CONFIG = """\
{user}
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log info;
events {{ worker_connections 256; }}
http {{
    log_format upstream '$request_method $uri $status upstream=$upstream_addr';
    access_log {root}/access.log upstream;
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    client_max_body_size 1m;
    upstream bots {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://bots;
            # A bot that is down refuses the connection: the update goes to the next one. An
            # update already sent to a bot is never sent again (nginx does not retry a POST).
            proxy_next_upstream error;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""


def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


class Nginx:
    """nginx on 127.0.0.1:`port`, balancing round-robin over the bots' ports; `stop()` ends it."""

    def __init__(self, binary: str, upstream_ports: Sequence[int]) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="storybot-nginx-"))
        self.root.chmod(0o755)
        self.port = free_port()
        self.upstreams = [f"127.0.0.1:{p}" for p in upstream_ports]
        user = ""
        tmp = self.root / "tmp"
        tmp.mkdir()
        if os.geteuid() == 0:
            account = unprivileged_account()
            user = f"user {account.pw_name} {grp.getgrgid(account.pw_gid).gr_name};"
            os.chown(tmp, account.pw_uid, account.pw_gid)
        # max_fails=0: a bot that refused a connection is tried again on the next request (a restarted
        # one serves at once), never marked unavailable for fail_timeout with every request then a 502.
        servers = "\n".join(f"        server {u} max_fails=0;" for u in self.upstreams)
        (self.root / "nginx.conf").write_text(CONFIG.format(user=user, root=self.root, servers=servers, port=self.port))
        self.process = subprocess.Popen(
            [binary, "-p", str(self.root), "-c", str(self.root / "nginx.conf"), "-e", str(self.root / "error.log")],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=(self.root / "stderr.log").open("wb"),
        )
        self._wait_listening(timeout=15)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def served_by(self) -> dict[str, int]:
        """How many requests each upstream answered, from the access log."""
        counts: dict[str, int] = {}
        log = self.root / "access.log"
        for line in log.read_text().splitlines() if log.exists() else []:
            for upstream in line.split("upstream=", 1)[1].split(", ") if "upstream=" in line else []:
                counts[upstream] = counts.get(upstream, 0) + 1
        return counts

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)

    def _wait_listening(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self._errors()}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"nginx did not listen within {timeout} s: {self._errors()}")

    def _errors(self) -> str:
        return "".join((self.root / n).read_text(errors="replace")[-2000:] for n in ("stderr.log", "error.log") if (self.root / n).exists())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
