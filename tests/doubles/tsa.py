"""A local RFC 3161 time-stamping authority: OpenSSL's ``openssl ts -reply`` behind an aiohttp endpoint.

The test CA and the TSA certificate (``extendedKeyUsage=critical,timeStamping``) are made with the
``openssl`` command in a temporary folder. The TSA configuration has no ``certs =`` line: with it,
OpenSSL adds an unsorted certificate set that rfc3161-client refuses. ``mode`` makes the authority
misbehave on purpose: ``slow`` (answers after a delay), ``garbage`` (answers junk).

``clock_offset`` makes a forger's authority: its certificates and tokens are made with ``openssl`` running
on a shifted clock (a small ``LD_PRELOAD`` shim, compiled with ``cc`` on first use), so a token can claim
a time years before the capture, as a self-made root allows.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

from aiohttp import web

TSA_CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {folder}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


CLOCK_SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
static long shift(void) { const char *s = getenv("JIKIMI_CLOCK_SHIFT"); return s ? atol(s) : 0; }
int clock_gettime(clockid_t id, struct timespec *ts) {
    static int (*real)(clockid_t, struct timespec *);
    if (!real) real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    int result = real(id, ts);
    if (id == CLOCK_REALTIME) ts->tv_sec += shift();
    return result;
}
time_t time(time_t *out) {
    struct timespec ts; clock_gettime(CLOCK_REALTIME, &ts);
    if (out) *out = ts.tv_sec;
    return ts.tv_sec;
}
int gettimeofday(struct timeval *tv, void *tz) {
    struct timespec ts; clock_gettime(CLOCK_REALTIME, &ts);
    tv->tv_sec = ts.tv_sec; tv->tv_usec = ts.tv_nsec / 1000;
    return 0;
}
"""


def shifted_clock(folder: Path, offset: timedelta) -> dict[str, str]:
    """The environment that runs ``openssl`` with its clock moved by ``offset``."""
    shim = folder / "clock-shim.so"
    if not shim.exists():
        (folder / "clock-shim.c").write_text(CLOCK_SHIM)
        subprocess.run(["cc", "-shared", "-fPIC", "-o", str(shim), str(folder / "clock-shim.c"), "-ldl"], check=True)
    return os.environ | {"LD_PRELOAD": str(shim), "JIKIMI_CLOCK_SHIFT": str(int(offset.total_seconds()))}


def _openssl(*args: str, cwd: Path, env: dict[str, str] | None = None) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, env=env)


def make_authority(folder: Path, env: dict[str, str] | None = None) -> Path:
    """Create the test CA and TSA key pair in ``folder``; return the CA certificate (the trust root)."""
    (folder / "ext.cnf").write_text(
        "[ tsa_ext ]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    curve = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    ca_extensions = ("-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
    _openssl("req", "-x509", *curve, "-keyout", "ca.key", "-out", "ca.crt", "-days", "3650",
             "-subj", "/CN=jikimi test CA", *ca_extensions, cwd=folder, env=env)  # fmt: skip
    tsa_subject = ("-subj", "/CN=jikimi test TSA")
    _openssl("req", *curve, "-keyout", "tsa.key", "-out", "tsa.csr", *tsa_subject, cwd=folder, env=env)
    signing = ("-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-extfile", "ext.cnf", "-extensions", "tsa_ext")
    _openssl("x509", "-req", "-in", "tsa.csr", *signing, "-out", "tsa.crt", "-days", "3650", cwd=folder, env=env)
    (folder / "serial").write_text("01\n")
    (folder / "tsa.cnf").write_text(TSA_CONFIG.format(folder=folder))
    return folder / "ca.crt"


class LocalTsa:
    """The authority: ``url`` takes ``application/timestamp-query`` POSTs; ``chain`` is CA + TSA certificate."""

    def __init__(self, folder: Path, mode: str = "ok", clock_offset: timedelta | None = None) -> None:
        self.folder = folder
        self.mode = mode
        self.env = shifted_clock(folder, clock_offset) if clock_offset else None
        self.root = make_authority(folder, self.env)
        self.chain = (folder / "ca.crt").read_bytes() + (folder / "tsa.crt").read_bytes()
        self.requests = 0

    async def answer(self, request: web.Request) -> web.Response:
        self.requests += 1
        if self.mode == "slow":
            await asyncio.sleep(5)
        if self.mode == "garbage":
            return web.Response(body=b"<html>not a timestamp</html>", content_type="application/timestamp-reply")
        return web.Response(body=self.reply(await request.read()), content_type="application/timestamp-reply")

    def reply(self, query: bytes) -> bytes:
        """The authority's DER answer to a DER time-stamp query."""
        with tempfile.TemporaryDirectory() as work:
            asked, reply = Path(work) / "q.tsq", Path(work) / "r.tsr"
            asked.write_bytes(query)
            _openssl("ts", "-reply", "-config", str(self.folder / "tsa.cnf"), "-queryfile", str(asked),
                     "-out", str(reply), cwd=self.folder, env=self.env)  # fmt: skip
            return reply.read_bytes()

    def token_for(self, data: bytes) -> bytes:
        """A token over ``data`` made directly, without HTTP (what a forger holding this authority does)."""
        with tempfile.TemporaryDirectory() as work:
            (Path(work) / "data").write_bytes(data)
            _openssl("ts", "-query", "-data", "data", "-sha256", "-cert", "-out", "q.tsq", cwd=Path(work))
            return self.reply((Path(work) / "q.tsq").read_bytes())

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/tsr", self.answer)
        return app
