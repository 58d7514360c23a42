#!/usr/bin/env python3
"""Prints wall-time figures for cruddur-obs (release build).

  python3 bench/run.py            # everything
  python3 bench/run.py send       # only the send-test-span comparison
  python3 bench/run.py scale      # doctor and init --dry-run, 200 vs 2,000 services

Ratios come from interleaved blocks: a block of --version runs (or of
200-service runs), then a block of doctor runs (or 2,000-service runs), and
again, each block's first run thrown away (it warms the machine up after the
other command), each run started with posix_spawn so the harness adds
little; ratio = median / median. Each week-2 kind (no cache, first run,
cached) has its own rounds and its own --version blocks: parsing runs slow
the short runs after them on a small VM, which would be charged to the
cached kind if the kinds shared rounds. (Pairing each doctor run with the
--version run just after it flatters the ratio by a third on this machine:
a --version run right after a doctor run is slower.)
Targets: doctor --offline on the week-2 sample <= 3x --version; 2,000
services <= 12x 200 for doctor and for init --dry-run; a 2,000-service doctor
under 1 s.

send-test-span is compared on one loopback receiver with (b) a Python script
that sends one span with opentelemetry-sdk and the OTLP/HTTP exporter, and
(c) curl posting the same protobuf bytes. Targets: a/b <= 1/30, a/c <= 1.5.
"""
import http.server, json, os, shutil, socket, statistics, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# CRUDDUR_BIN compares another build (e.g. an older commit's) on the same machine.
BIN = os.environ.get("CRUDDUR_BIN") or os.path.join(ROOT, "target", "release", "cruddur-obs")
VENV_PY = os.path.join(ROOT, "target", "py-venv", "bin", "python")
KEY = "hcaik_01hq2rs3t4u5v6w7x8y9z0a1b2c3d4e5f6g7h8j9k0m1n2p3q4r5s6t7v8"
RUNS = int(os.environ.get("RUNS", "21"))


class Receiver(http.server.BaseHTTPRequestHandler):
    last_body = b""

    def do_GET(self):
        body = json.dumps({"type": "ingest", "api_key_access": {"events": True, "createDatasets": True},
                           "environment": {"name": "bench", "slug": "bench"}, "team": {"name": "b", "slug": "b"}}).encode()
        self._answer(200, "application/json", body)

    def do_POST(self):
        Receiver.last_body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._answer(200, "application/x-protobuf", b"")

    def _answer(self, status, ctype, body):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def median_ms(cmd, runs=RUNS, env=None, cwd=None):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


DEVNULL_FD = os.open(os.devnull, os.O_WRONLY)


def spawn_block(cmd, env, runs=7, before=None):
    """Wall times (ms) of `runs` runs after one thrown-away warm-up run,
    started with posix_spawn (subprocess.run adds about half a millisecond of
    Python to every run, which hides part of the difference between two
    short commands)."""
    out = []
    for i in range(runs + 1):
        if before:
            before()
        actions = [(os.POSIX_SPAWN_DUP2, DEVNULL_FD, 1), (os.POSIX_SPAWN_DUP2, DEVNULL_FD, 2)]
        t = time.perf_counter()
        pid = os.posix_spawn(cmd[0], cmd, env, file_actions=actions)
        os.waitpid(pid, 0)
        if i:
            out.append((time.perf_counter() - t) * 1000)
    return out


def project(endpoint):
    d = tempfile.mkdtemp()
    os.makedirs(os.path.join(d, "backend-flask"))
    with open(os.path.join(d, "backend-flask", "app.py"), "w") as f:
        f.write("from flask import Flask\napp = Flask(__name__)\n")
    with open(os.path.join(d, "docker-compose.yml"), "w") as f:
        f.write("services:\n  backend-flask:\n    build: ./backend-flask\n    environment:\n"
                f"      OTEL_SERVICE_NAME: backend-flask\n      OTEL_EXPORTER_OTLP_ENDPOINT: \"{endpoint}\"\n"
                "      OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\"\n")
    with open(os.path.join(d, ".env"), "w") as f:
        f.write(f"HONEYCOMB_API_KEY={KEY}\n")
    return d


PY_SENDER = """
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
provider = TracerProvider(resource=Resource.create({"service.name": "backend-flask"}))
provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter()))
with provider.get_tracer("bench").start_as_current_span("parent"):
    with provider.get_tracer("bench").start_as_current_span("child"):
        pass
provider.shutdown()
"""


def bench_send():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    d = project(url)
    env = {"PATH": os.environ["PATH"], "HOME": d}
    a = median_ms([BIN, "send-test-span", "--only", "honeycomb", "--dir", d, "--honeycomb-api-url", url], env=env)
    body = os.path.join(d, "body.bin")
    with open(body, "wb") as f:
        f.write(Receiver.last_body)
    c = median_ms(["curl", "-s", "-o", "/dev/null", "-X", "POST", f"{url}/v1/traces", "-H", "Content-Type: application/x-protobuf",
                   "-H", f"x-honeycomb-team: {KEY}", "--data-binary", f"@{body}"], env=env)
    if os.path.exists(VENV_PY):
        penv = dict(env, OTEL_EXPORTER_OTLP_ENDPOINT=url, OTEL_EXPORTER_OTLP_HEADERS=f"x-honeycomb-team={KEY}")
        b = median_ms([VENV_PY, "-c", PY_SENDER], runs=max(5, RUNS // 3), env=penv)
    else:
        b = float("nan")
    print(f"send-test-span --only honeycomb (a): {a:8.1f} ms   (GET /1/auth + POST /v1/traces)")
    print(f"python opentelemetry-sdk      (b): {b:8.1f} ms")
    print(f"curl, same protobuf bytes     (c): {c:8.1f} ms")
    print(f"a/b = {a / b:.3f} (target <= {1/30:.3f})   a/c = {a / c:.2f} (target <= 1.5)")
    server.shutdown()
    shutil.rmtree(d)


def big_project(services):
    """The week-2 sample with `services` extra services in its compose file."""
    d = tempfile.mkdtemp()
    shutil.copytree(os.path.join(ROOT, "fixtures", "cruddur-week1"), d, dirs_exist_ok=True)
    extra = "".join(
        f"  worker-{i}:\n    image: python:3.10-slim-buster\n    environment:\n"
        f"      QUEUE: \"q{i}\"\n      REDIS_URL: \"redis://redis:6379/{i % 16}\"\n"
        f"    volumes:\n      - ./data/{i}:/data\n    depends_on:\n      - db\n"
        for i in range(services)
    )
    path = os.path.join(d, "docker-compose.yml")
    with open(path) as f:
        text = f.read()
    text = text.replace("services:\n", "services:\n" + extra, 1)
    with open(path, "w") as f:
        f.write(text)
    return d


def bench_scale():
    """Interleaved blocks as for the week-2 ratios: a block of 200-service
    runs, then a block of 2,000-service runs, and again; median / median."""
    env = {"PATH": os.environ["PATH"], "HOME": "/tmp", "HONEYCOMB_API_KEY": KEY}
    rounds = max(2, RUNS // 7)
    dirs = {n: big_project(n) for n in (200, 2000)}
    commands = {
        "doctor --offline": lambda d: [BIN, "doctor", "--offline", "--no-stack", "--dir", d],
        "init --dry-run": lambda d: [BIN, "init", "--dry-run", "--no-input", "--dir", d],
    }
    for what, cmd in commands.items():
        times = {200: [], 2000: []}
        for _ in range(rounds):
            for n, d in dirs.items():
                times[n] += spawn_block(cmd(d), env, runs=5)
        small, big = statistics.median(times[200]), statistics.median(times[2000])
        print(f"{what:17} 200 services: {small:8.1f} ms   2,000: {big:8.1f} ms   ratio {big / small:5.1f}x (target <= 12x)")
    for d in dirs.values():
        shutil.rmtree(d)


def bench_offline():
    week1 = os.path.join(ROOT, "fixtures", "cruddur-week1")
    week2 = os.path.join(ROOT, "fixtures", "cruddur-week2")
    env = {"PATH": os.environ["PATH"], "HOME": "/tmp"}
    version = median_ms([BIN, '--version'], env=env)
    print(f"--version:                         {version:8.1f} ms")
    print(f"init --dry-run (week-1 fixture):   {median_ms([BIN, 'init', '--dry-run', '--dir', week1], env=env):8.1f} ms")
    if os.path.isdir(week2):
        # The analysis cache (usage/cache.rs) in a private directory: the
        # first run parses and stores, later runs read the analyses back.
        cache = tempfile.mkdtemp()
        cmd = [BIN, 'doctor', '--offline', '--no-stack', '--dir', week2]
        envs = {
            "no cache": dict(env, CRUDDUR_OBS_CACHE_DIR=""),
            "first run": dict(env, CRUDDUR_OBS_CACHE_DIR=cache),
            "analyses cached": dict(env, CRUDDUR_OBS_CACHE_DIR=cache),
        }
        clear = lambda: shutil.rmtree(cache, ignore_errors=True)
        # Each kind is timed in its own rounds against its own --version
        # blocks: a block of parsing runs (several threads, a lot of
        # memory) slows the short runs right after it on a small VM, so
        # mixing kinds in one round would charge that to the cached one.
        notes = {"no cache": "", "first run": " (parses, stores)", "analyses cached": " (target <= 3x)"}
        for kind in envs:
            if kind == "analyses cached":
                spawn_block(cmd, envs[kind], runs=1)
            version, doctor = [], []
            for _ in range(max(1, RUNS // 7)):
                version += spawn_block([BIN, "--version"], env)
                doctor += spawn_block(cmd, envs[kind], before=clear if kind == "first run" else None)
            v, m = statistics.median(version), statistics.median(doctor)
            print(f"doctor --offline (week-2 fixture), {kind + ':':17}{m:6.2f} ms   = {m / v:.1f}x --version ({v:.2f} ms){notes[kind]}")
        clear()
        # A black hole on loopback: accepts connections and never answers.
        hole = socket.socket()
        hole.bind(("127.0.0.1", 0))
        hole.listen(64)
        held = []
        threading.Thread(target=lambda: [held.append(hole.accept()) for _ in iter(int, 1)], daemon=True).start()
        url = f"http://127.0.0.1:{hole.getsockname()[1]}"
        d = tempfile.mkdtemp()
        shutil.copytree(week2, d, dirs_exist_ok=True)
        with open(os.path.join(d, ".env"), "w") as f:
            f.write(f"HONEYCOMB_API_KEY={KEY}\nROLLBAR_ACCESS_TOKEN=0123456789abcdef0123456789abcdef\n")
        t = time.perf_counter()
        subprocess.run([BIN, "doctor", "--timeout", "2", "--dir", d, "--endpoint", url, "--honeycomb-api-url", url, "--rollbar-api-url", url],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"doctor --timeout 2, black-holed:   {(time.perf_counter() - t) * 1000:8.1f} ms (one run)")
        shutil.rmtree(d)


if __name__ == "__main__":
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    print(f"median of {RUNS} runs, release build\n")
    which = sys.argv[1:] or ["offline", "scale", "send"]
    if "offline" in which:
        bench_offline()
    if "scale" in which:
        bench_scale()
    if "send" in which:
        bench_send()
