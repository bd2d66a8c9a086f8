"""Real services on 127.0.0.1 for the tests and the cluster script: an S3 endpoint, Varnish.

Each is a real process speaking its real protocol (moto's standalone S3 server through boto3,
varnishd with the repository's VCL), started on a free port and stopped with its owner.
"""

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
VCL = ROOT / "deploy" / "varnish" / "newsroom.vcl"
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
S3_REGION = "us-east-1"


class ServiceUnavailable(Exception):
    """A service could not start here; the message says why."""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, seconds, name):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServiceUnavailable(f"{name} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise ServiceUnavailable(f"{name} did not listen on port {port} within {seconds} s")


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class S3Endpoint:
    """moto's standalone S3 server: boto3 talks the S3 protocol to it over HTTP."""

    def __init__(self):
        command = shutil.which("moto_server", path=str(BIN)) or shutil.which("moto_server")
        if command is None:
            raise ServiceUnavailable("moto_server is not installed (pip install 'moto[server]')")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [command, "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.process, 30, "moto_server")

    def settings(self, bucket):
        """django-storages' settings for `bucket` here, as MEDIA_STORAGE=s3 sets them."""
        return {
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": self.url,
            "AWS_S3_REGION_NAME": S3_REGION,
            **S3_CREDENTIALS,
        }

    def client(self):
        """A boto3 S3 client for this endpoint."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=S3_REGION,
            aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def new_bucket(self, prefix="newsroom"):
        """Create an empty bucket of a fresh name and return the name."""
        name = f"{prefix}-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def stop(self):
        stop(self.process)


_endpoint = None


def s3_endpoint():
    """This process's S3 endpoint, started on first use and stopped when the process exits."""
    global _endpoint
    if _endpoint is None:
        _endpoint = S3Endpoint()
        atexit.register(_endpoint.stop)
    return _endpoint


class Varnish:
    """varnishd with the repository's VCL in front of `backends` ((host, port) pairs).

    Its working folder is a temporary one (`-n`), so no system configuration is touched.
    """

    def __init__(self, backends, *, port=None, host="127.0.0.1", purgers=("127.0.0.1",)):
        varnishd = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin")
        if varnishd is None:
            raise ServiceUnavailable("varnishd is not installed (apt-get install varnish)")
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
        self.folder.chmod(0o755)  # varnishd reads the VCL as its own unprivileged user
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        vcl = self.folder / "newsroom.vcl"
        vcl.write_text(render_vcl(backends, host, purgers))
        self.process = subprocess.Popen(
            [
                varnishd,
                "-F",
                "-n",
                str(self.folder / "work"),
                "-a",
                f"127.0.0.1:{self.port}",
                "-f",
                str(vcl),
                "-s",
                "malloc,64m",
                "-p",
                "workspace_client=128k",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "TMPDIR": str(self.folder)},
        )
        try:
            wait_for_port(self.port, self.process, 30, "varnishd")
        except ServiceUnavailable as exc:
            errors = self.process.stderr.read().decode(errors="replace")[-2000:]
            self.process.stderr.close()
            shutil.rmtree(self.folder, ignore_errors=True)
            raise ServiceUnavailable(f"{exc}: {errors}") from None

    def stop(self):
        stop(self.process)
        self.process.stderr.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def render_vcl(backends, host, purgers):
    """The repository's VCL with these backends, site host and purgers in place of its own."""
    text = VCL.read_text()
    start, end = "# BEGIN BACKENDS", "# END BACKENDS"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    lines = [
        start,
        "probe site {",
        f'    .request = "GET /healthz HTTP/1.1" "Host: {host}" "Connection: close";',
        "    .interval = 1s; .timeout = 2s; .window = 3; .threshold = 2;",
        "}",
    ]
    for n, (address, port) in enumerate(backends):
        lines.append(f'backend app{n} {{ .host = "{address}"; .port = "{port}"; .probe = site; }}')
    lines.append("acl purgers {")
    lines += [f'    "{address}";' for address in purgers]
    lines.append("}")
    lines.append("sub vcl_init {")
    lines.append("    new app = directors.round_robin();")
    lines += [f"    app.add_backend(app{n});" for n in range(len(backends))]
    lines.append("}")
    return head + "\n".join(lines) + "\n" + end + tail
