"""The production proxy in tests: Debian's nginx running deploy/nginx.conf.template, filled in as the
official image fills it (envsubst), inside a main configuration like the image's nginx.conf, with
every path in a directory of the test's own (no root needed, nothing in /etc or /var touched).

    nginx = start_nginx(tmp_path / "nginx", http_port=..., https_port=..., certs=certificate(tmp_path),
                        upstreams={"recruitment": "127.0.0.1:8001", ...})
    requests.get(nginx.https_url + "/", verify=nginx.ca)
    nginx.stop()
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from deploy.local.harness import REPO_ROOT

TEMPLATE = REPO_ROOT / "deploy" / "nginx.conf.template"
SERVICES = ("recruitment", "appreciation", "notifications")
# What docker-compose.yml gives the proxy: names that only Docker's DNS knows.
COMPOSE_UPSTREAMS = {service: f"{service}-web:8000" for service in SERVICES}
# The image's nginx.conf includes conf.d/*.conf in its http block; ours does the same, with its own paths.
MAIN_CONFIG = """\
{user}pid {dir}/nginx.pid;
error_log {dir}/error.log notice;
daemon off;
worker_processes 1;
events {{ worker_connections 256; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/temp/body;
    proxy_temp_path {dir}/temp/proxy;
    fastcgi_temp_path {dir}/temp/fastcgi;
    uwsgi_temp_path {dir}/temp/uwsgi;
    scgi_temp_path {dir}/temp/scgi;
    include {dir}/conf.d/default.conf;
}}
"""


class NginxMissing(RuntimeError):
    """The nginx binary is not installed (Debian: apt-get install nginx; .ci/run does)."""


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise NginxMissing("nginx is not installed: apt-get install nginx (.ci/run installs it)")
    return found


def template_variables(text: str | None = None) -> set[str]:
    """The ${NAME}s the template uses."""
    return set(re.findall(r"\$\{(\w+)\}", TEMPLATE.read_text() if text is None else text))


def render(variables: dict[str, str]) -> str:
    """The template as the image's envsubst fills it: ${NAME} replaced for every name given. A name the
    template uses but not given is an error here (the image would leave it, and nginx then fails)."""
    text = TEMPLATE.read_text()
    missing = template_variables(text) - set(variables)
    if missing:
        raise KeyError(f"nginx template variables not given: {sorted(missing)}")
    return re.sub(r"\$\{(\w+)\}", lambda m: variables[m.group(1)], text)


def proxy_variables(
    *, http_port: int, https_port: int, upstreams: dict[str, str], server_name: str = "localhost"
) -> dict[str, str]:
    """The template's environment; `upstreams` maps each service to its web address (host:port)."""
    return {
        "NGINX_SERVER_NAME": server_name,
        "NGINX_HTTP_PORT": str(http_port),
        "NGINX_HTTPS_PORT": str(https_port),
        # Never asked when upstreams are IP addresses; Docker's would be 127.0.0.11.
        "NGINX_RESOLVER": "127.0.0.1",
        **{f"NGINX_{service.upper()}_UPSTREAM": upstreams[service] for service in SERVICES},
    }


def certificate(directory: Path, host: str = "localhost") -> Path:
    """A self-signed certificate for `host`, as fullchain.pem and privkey.pem in `directory`/certs."""
    certs = directory / "certs"
    certs.mkdir(parents=True, exist_ok=True)
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    subject = ["-days", "2", "-subj", f"/CN={host}", "-addext", f"subjectAltName=DNS:{host}"]
    files = ["-keyout", str(certs / "privkey.pem"), "-out", str(certs / "fullchain.pem")]
    subprocess.run(["openssl", "req", "-x509", *key, *subject, *files], check=True, capture_output=True)
    return certs


def write_config(directory: Path, variables: dict[str, str], certs: Path) -> Path:
    """The main configuration, the filled-in template beside it and the certificates where the
    template expects them (certs/, relative to the main configuration's directory); returns its path."""
    (directory / "conf.d").mkdir(parents=True, exist_ok=True)
    (directory / "temp").mkdir(exist_ok=True)
    (directory / "conf.d" / "default.conf").write_text(render(variables))
    if not (directory / "certs").exists():
        (directory / "certs").symlink_to(certs.resolve(), target_is_directory=True)
    # As root the master hands work to workers running as `nobody`, who could not reach a test's
    # private directories; the workers of a test's proxy stay root instead.
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = directory / "nginx.conf"
    main.write_text(MAIN_CONFIG.format(dir=directory.resolve(), user=user))
    return main


def _argv(main: Path) -> list[str]:
    directory = main.parent.resolve()
    return [nginx_binary(), "-p", f"{directory}/", "-c", str(main.resolve()), "-e", f"{directory}/error.log"]


def check_config(directory: Path, variables: dict[str, str], certs: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on the template filled with `variables`."""
    main = write_config(directory, variables, certs)
    return subprocess.run([*_argv(main), "-t"], capture_output=True, text=True, timeout=30)


@dataclass
class Nginx:
    """A running proxy: its base URLs, the certificate to trust, and its error log."""

    directory: Path
    process: subprocess.Popen
    http_url: str
    https_url: str
    ca: str

    def log(self) -> str:
        path = self.directory / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # fast shutdown: the master stops its workers
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def start_nginx(
    directory: Path,
    *,
    http_port: int,
    https_port: int,
    certs: Path,
    upstreams: dict[str, str],
    server_name: str = "localhost",
) -> Nginx:
    """nginx with deploy/nginx.conf.template, listening on `http_port` and `https_port` and routing to
    `upstreams` (service -> host:port); returns once both ports accept connections."""
    variables = proxy_variables(
        http_port=http_port, https_port=https_port, upstreams=upstreams, server_name=server_name
    )
    main = write_config(directory, variables, certs)
    with (directory / "nginx.out").open("ab") as out:
        process = subprocess.Popen(_argv(main), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    nginx = Nginx(
        directory,
        process,
        http_url=f"http://{server_name}:{http_port}",
        https_url=f"https://{server_name}:{https_port}",
        ca=str(certs / "fullchain.pem"),
    )
    try:
        _wait_for_ports(process, (http_port, https_port))
    except Exception:
        nginx.stop()
        raise RuntimeError(f"nginx did not start:\n{nginx.log()}") from None
    return nginx


def _wait_for_ports(process: subprocess.Popen, ports: tuple[int, ...], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    waiting = list(ports)
    while waiting:
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("nginx exited or did not listen")
        try:
            socket.create_connection(("127.0.0.1", waiting[0]), timeout=0.2).close()
            waiting.pop(0)
        except OSError:
            time.sleep(0.02)
