"""Bench: the 1.5 GB-unpacked workbook (issue 18) uploaded to the real server while others use it.

Starts `chengqu serve` (waitress, 8 threads) on a fresh data directory, signs in a department user
(区商务局, 部门及镇街用户) and another user, then uploads a ~1.5 MB .xlsx whose sheet XML unpacks to
1.5 GB as an incentives batch through the API, while two threads keep asking for /healthz and for
the other user's page. Prints the time to the answer, the server's peak RSS above idle (sampled
every 5 ms from /proc) and the latencies seen by the others during the upload. Then the same
bomb with headers that say 150 MB (read no further than that, then its CRC fails), and a 300 MB
body (past the 100 MB request limit: refused from its Content-Length). With --legit it
also uploads a legitimate 100,000-row batch the same way (the web-tier question: does large
work block other users?).

Acceptance (issue 18): 400 within a second; the other user's page answers normally; peak memory
under 300 MB above idle. Prints figures; asserts nothing.

Run: .venv/bin/python bench/hostile_upload.py [--legit] [--unpacked-mb 1536]
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/></Types>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def bomb(path: Path, unpacked: int) -> Path:
    """A workbook whose one sheet is a header row and then ``unpacked`` bytes of empty cells."""
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=unpacked > 2**31) as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'.encode())
            sheet.write(
                '<c r="A1" t="inlineStr"><is><t>企业标识</t></is></c></row><row r="2">'.encode()
            )
            chunk = b"<c/>" * (1 << 18)
            for _ in range(unpacked // len(chunk)):
                sheet.write(chunk)
            sheet.write(b"</row></sheetData></worksheet>")
    partial.rename(path)
    return path


def lying(data: bytes, part: str, size: int) -> bytes:
    """The same zip, its headers declaring ``size`` unpacked bytes for ``part`` (the data unchanged)."""
    out = bytearray(data)
    at = 0
    while (at := out.find(b"PK\x01\x02", at)) >= 0:
        length = struct.unpack_from("<H", out, at + 28)[0]
        if bytes(out[at + 46 : at + 46 + length]) == part.encode():
            struct.pack_into("<L", out, at + 24, size)
            struct.pack_into("<L", out, struct.unpack_from("<L", out, at + 42)[0] + 22, size)
        at += 4
    return bytes(out)


def legit(path: Path) -> Path:
    if not path.exists():
        import importlib.util

        spec = importlib.util.spec_from_file_location(
            "incentives_xlsx", HERE / "incentives_xlsx.py"
        )
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.write_xlsx(module._synthetic(100_000), path)
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Session:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str, timeout: float = 120) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def login(self, username: str, password: str) -> None:
        _, page = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None, f"no CSRF token on the login page: {page[:300]!r}"
        data = urllib.parse.urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": token.group(1).decode(),
            }
        ).encode()
        request = urllib.request.Request(
            self.base + "/accounts/login/", data=data, headers={"Referer": self.base}
        )
        with self.opener.open(request, timeout=60) as response:
            response.read()
        assert any(c.name == "sessionid" for c in self.jar), f"{username} could not sign in"

    def upload(self, path: str, name: str, data: bytes) -> tuple[int, bytes]:
        boundary = uuid.uuid4().hex
        body = b"".join(
            [
                f'--{boundary}\r\nContent-Disposition: form-data; name="as_of"\r\n\r\n2024-07-15\r\n'.encode(),
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'.encode(),
                b"Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n",
                data,
                f"\r\n--{boundary}--\r\n".encode(),
            ]
        )
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "X-CSRFToken": self.csrf(),
                "Referer": self.base,
            },
        )
        try:
            with self.opener.open(request, timeout=600) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


class Watch:
    """Samples the server's RSS, and times /healthz and another user's page, until stopped."""

    def __init__(self, pid: int, health: Session, other: Session) -> None:
        self.pid, self.health, self.other = pid, health, other
        self.stop = threading.Event()
        self.peak = 0.0
        self.health_times: list[float] = []
        self.page_times: list[tuple[int, float]] = []
        self.threads = [
            threading.Thread(target=f, daemon=True) for f in (self._rss, self._health, self._page)
        ]

    def __enter__(self) -> Watch:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=300)

    def _rss(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.005)

    def _health(self) -> None:
        while not self.stop.is_set():
            start = time.perf_counter()
            self.health.get("/healthz")
            self.health_times.append(time.perf_counter() - start)
            time.sleep(0.02)

    def _page(self) -> None:
        while not self.stop.is_set():
            start = time.perf_counter()
            status, _ = self.other.get("/incentives/batch/")
            self.page_times.append((status, time.perf_counter() - start))
            time.sleep(0.05)


def scenario(
    label: str, pid: int, user: Session, health: Session, other: Session, name: str, data: bytes
) -> None:
    time.sleep(0.5)
    idle = rss_mb(pid)
    with Watch(pid, health, other) as watch:
        time.sleep(0.2)
        start = time.perf_counter()
        status, body = user.upload("/api/v1/incentives/batches", name, data)
        answered = time.perf_counter() - start
        time.sleep(0.3)
    pages = [t for _, t in watch.page_times]
    statuses = sorted({s for s, _ in watch.page_times})
    print(f"\n{label}: {name}, {len(data) / 1e6:.1f} MB uploaded")
    try:
        shown = json.loads(body).get("message", body[:200].decode(errors="replace"))
    except ValueError:
        shown = body[:200].decode(errors="replace")
    print(f"  answer: {status} in {answered:.3f} s: {shown}")
    print(
        f"  server RSS: idle {idle:.0f} MB, peak {watch.peak:.0f} MB, peak above idle {watch.peak - idle:.0f} MB"
    )
    if watch.health_times:
        print(
            f"  /healthz during it: {len(watch.health_times)} answers, max {max(watch.health_times) * 1000:.0f} ms, "
            f"median {sorted(watch.health_times)[len(watch.health_times) // 2] * 1000:.0f} ms"
        )
    if pages:
        print(
            f"  another user's page (/incentives/batch/): {len(pages)} answers {statuses}, "
            f"max {max(pages) * 1000:.0f} ms, median {sorted(pages)[len(pages) // 2] * 1000:.0f} ms"
        )


def main() -> None:
    args = sys.argv[1:]
    unpacked_mb = int(args[args.index("--unpacked-mb") + 1]) if "--unpacked-mb" in args else 1536
    cache = Path(tempfile.gettempdir())
    print(
        f"Python {sys.version.split()[0]}; building the workbooks (kept in {cache} for the next run)"
    )
    start = time.perf_counter()
    hostile = bomb(cache / f"chengqu-bomb-{unpacked_mb}mb.xlsx", unpacked_mb * 1024 * 1024)
    print(
        f"  bomb: {hostile.stat().st_size / 1e6:.2f} MB, sheet unpacks to {unpacked_mb:,} MB "
        f"({time.perf_counter() - start:.1f} s)"
    )
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "CHENGQU_DATA_DIR": folder,
            "DJANGO_SETTINGS_MODULE": "portal.config.settings",
        }
        env.pop("DATABASE_URL", None)
        password = f"Bench-{secrets.token_hex(8)}"

        def chengqu(*command: str) -> None:
            done = subprocess.run(
                [str(BIN / "chengqu"), *command], env=env, capture_output=True, text=True
            )
            if done.returncode:
                raise SystemExit(f"chengqu {command[0]}: {done.stderr or done.stdout}")

        env["CHENGQU_ADMIN_PASSWORD"] = password
        chengqu("setup")  # as `make run` does: tables, static files, bundled data, an administrator
        chengqu(
            "user-add", "swj-bench", "--role", "unit", "--unit", "区商务局", "--password", password
        )
        chengqu("user-add", "jrb-bench", "--role", "finance-office", "--password", password)
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "chengqu"), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(Path(folder) / "server.log").open("wb"),
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.1)
            user, other, health = Session(base), Session(base), Session(base)
            user.login("swj-bench", password)
            other.login("jrb-bench", password)
            for session in (user, other):  # warm up the views the scenario uses
                session.get("/incentives/batch/")
            user.upload(
                "/api/v1/incentives/batches",
                "warm.csv",
                "企业标识,一季度完成投资额(元)\nE1,1\n".encode(),
            )
            print(f"server pid {server.pid} on {base}, 8 threads")
            scenario(
                "hostile",
                server.pid,
                user,
                health,
                other,
                "城区企业统计.xlsx",
                hostile.read_bytes(),
            )
            # The same bomb, its headers saying the sheet unpacks to 150 MB (under the limits).
            liar = lying(hostile.read_bytes(), "xl/worksheets/sheet1.xml", 150 * 1024 * 1024)
            scenario("hostile, header lies", server.pid, user, health, other, "谎报.xlsx", liar)
            # A body past the request limit (100 MB): refused from its Content-Length, nothing kept.
            scenario(
                "oversize body",
                server.pid,
                user,
                health,
                other,
                "超大.csv",
                os.urandom(1 << 20) * 300,
            )
            if "--legit" in args:
                good = legit(cache / "chengqu-legit-100k.xlsx")
                scenario(
                    "legitimate",
                    server.pid,
                    user,
                    health,
                    other,
                    "城区企业统计-10万行.xlsx",
                    good.read_bytes(),
                )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
