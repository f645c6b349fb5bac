"""A local RFC 3161 time-stamping authority: OpenSSL's ``openssl ts -reply`` behind an aiohttp endpoint.

The test CA and the TSA certificate (``extendedKeyUsage=critical,timeStamping``) are made with the
``openssl`` command in a temporary folder. The TSA configuration has no ``certs =`` line: with it,
OpenSSL adds an unsorted certificate set that rfc3161-client refuses. ``mode`` makes the authority
misbehave on purpose: ``slow`` (answers after a delay), ``garbage`` (answers junk).
"""

from __future__ import annotations

import asyncio
import subprocess
import tempfile
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


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_authority(folder: Path) -> Path:
    """Create the test CA and TSA key pair in ``folder``; return the CA certificate (the trust root)."""
    (folder / "ext.cnf").write_text(
        "[ tsa_ext ]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    curve = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    ca_extensions = ("-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
    _openssl("req", "-x509", *curve, "-keyout", "ca.key", "-out", "ca.crt", "-days", "3650",
             "-subj", "/CN=jikimi test CA", *ca_extensions, cwd=folder)  # fmt: skip
    _openssl("req", *curve, "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/CN=jikimi test TSA", cwd=folder)
    signing = ("-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-extfile", "ext.cnf", "-extensions", "tsa_ext")
    _openssl("x509", "-req", "-in", "tsa.csr", *signing, "-out", "tsa.crt", "-days", "3650", cwd=folder)
    (folder / "serial").write_text("01\n")
    (folder / "tsa.cnf").write_text(TSA_CONFIG.format(folder=folder))
    return folder / "ca.crt"


class LocalTsa:
    """The authority: ``url`` takes ``application/timestamp-query`` POSTs; ``chain`` is CA + TSA certificate."""

    def __init__(self, folder: Path, mode: str = "ok") -> None:
        self.folder = folder
        self.mode = mode
        self.root = make_authority(folder)
        self.chain = (folder / "ca.crt").read_bytes() + (folder / "tsa.crt").read_bytes()
        self.requests = 0

    async def answer(self, request: web.Request) -> web.Response:
        self.requests += 1
        if self.mode == "slow":
            await asyncio.sleep(5)
        if self.mode == "garbage":
            return web.Response(body=b"<html>not a timestamp</html>", content_type="application/timestamp-reply")
        with tempfile.TemporaryDirectory() as work:
            query, reply = Path(work) / "q.tsq", Path(work) / "r.tsr"
            query.write_bytes(await request.read())
            _openssl("ts", "-reply", "-config", str(self.folder / "tsa.cnf"), "-queryfile", str(query),
                     "-out", str(reply), cwd=self.folder)  # fmt: skip
            return web.Response(body=reply.read_bytes(), content_type="application/timestamp-reply")

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/tsr", self.answer)
        return app
