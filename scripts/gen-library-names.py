#!/usr/bin/env python3
"""Generates src/python/library_names.txt: the names each module of the
backend's libraries defines, per released version.

    python3 scripts/gen-library-names.py            # regenerate the table
    python3 scripts/gen-library-names.py --check    # exit 1 if the committed table differs
    python3 scripts/gen-library-names.py --latest   # show releases newer than VERSIONS

The wheels of the versions listed in VERSIONS are downloaded from PyPI with
`pip download --no-deps --only-binary :all:` into target/pylib-cache/ (reused
afterwards) and read statically with `ast`: nothing is installed or imported,
so the result depends only on the wheels' bytes.

A module's names are what `from module import NAME` finds at run time:
top-level def/class/assignments/imports (inside top-level if/try/with too,
but not under `if TYPE_CHECKING:`), the entries of `__all__`, its submodules,
and what `from .x import *` re-exports (followed inside the distribution).
Names starting with `_` are left out (the checker never reports them).
A module-level `__getattr__` that only answers fixed names adds those names;
any other `__getattr__` (or a star import that cannot be followed) marks the
module "dynamic": any name may exist.
"""

import argparse
import ast
import concurrent.futures
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "src" / "python" / "library_names.txt"

# The last patch of every minor release from early 2022 (what 2023 bootcamp
# projects pinned or got) to the newest when this list was last updated.
# `--latest` shows what PyPI has beyond it.
CORE = (
    "1.9.1 1.10.0 1.11.1 1.12.0 1.13.0 1.14.0 1.15.0 1.16.0 1.17.0 1.18.0 1.19.0 "
    "1.20.0 1.21.0 1.22.0 1.23.0 1.24.0 1.25.0 1.26.0 1.27.0 1.28.2 1.29.0 1.30.0 "
    "1.31.1 1.32.1 1.33.1 1.34.1 1.35.0 1.36.0 1.37.0 1.38.0 1.39.1 1.40.0 1.41.1 "
    "1.42.1 1.43.0 1.44.0 1.45.2"
)
CONTRIB = (
    "0.30b1 0.31b0 0.32b0 0.33b0 0.34b0 0.35b0 0.36b0 0.37b0 0.38b0 0.39b0 0.40b0 "
    "0.41b0 0.42b0 0.43b0 0.44b0 0.45b0 0.46b0 0.47b0 0.48b0 0.49b2 0.50b0 0.51b0 "
    "0.52b1 0.53b1 0.54b1 0.55b1 0.56b0 0.57b0 0.58b0 0.59b0 0.60b1 0.61b0 0.62b1 "
    "0.63b1 0.64b0 0.65b0 0.66b2"
)
VERSIONS = {
    "opentelemetry-api": CORE,
    "opentelemetry-sdk": CORE,
    "opentelemetry-exporter-otlp": CORE,
    "opentelemetry-exporter-otlp-proto-http": CORE,
    "opentelemetry-exporter-otlp-proto-grpc": CORE,
    "opentelemetry-exporter-otlp-proto-common": CORE[CORE.index("1.18.0") :],
    "opentelemetry-instrumentation": CONTRIB,
    "opentelemetry-instrumentation-flask": CONTRIB.replace("0.66b2", "0.66b1"),
    "opentelemetry-instrumentation-requests": CONTRIB,
    "opentelemetry-distro": CONTRIB,
    "opentelemetry-semantic-conventions": CONTRIB,
    "aws-xray-sdk": "2.9.0 2.10.0 2.11.0 2.12.1 2.13.1 2.14.0 2.15.0",
    "rollbar": "0.16.3 1.0.0 1.1.2 1.2.0 1.3.0 1.4.0 1.5.0",
    "watchtower": "2.1.1 3.0.1 3.1.0 3.2.0 3.3.1 3.4.0",
    "flask": "2.0.3 2.1.3 2.2.5 2.3.3 3.0.3 3.1.3",
    "flask-cors": "3.0.10 4.0.2 5.0.1 6.0.5",
}

# Module trees left out: generated attribute registries of thousands of
# constants that a backend does not import by name.
SKIP_MODULES = ("opentelemetry.semconv._incubating",)


def versions():
    return {pkg: spec.split() for pkg, spec in VERSIONS.items()}


def wheel_stem(pkg):
    return re.sub(r"[-_.]+", "_", pkg).lower()


def cache_dir():
    target = os.environ.get("CARGO_TARGET_DIR") or str(REPO / "target")
    return Path(target) / "pylib-cache"


def cached_wheel(cache, pkg, version):
    """The cached wheel of pkg==version (wheel names vary in case: Flask-…)."""
    prefix = f"{wheel_stem(pkg)}-{version}-"
    wheels = sorted(f for f in os.listdir(cache) if f.endswith(".whl")) if cache.is_dir() else []
    return next((cache / f for f in wheels if f.lower().startswith(prefix)), None)


def download(cache, wanted):
    """Downloads the missing wheels, several releases per pip run (one
    version of each package per run, so pip sees no conflicting pins)."""
    missing = [(p, v) for p, v in wanted if cached_wheel(cache, p, v) is None]
    if not missing:
        return
    cache.mkdir(parents=True, exist_ok=True)
    batches = []
    for pkg, version in missing:
        for batch in batches:
            if len(batch) < 12 and all(p != pkg for p, _ in batch):
                batch.append((pkg, version))
                break
        else:
            batches.append([(pkg, version)])

    def run(batch):
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
               "--only-binary", ":all:", "--disable-pip-version-check",
               "--dest", str(cache)]
        cmd += [f"{p}=={v}" for p, v in batch]
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"pip download failed: {' '.join(cmd)}\n{out.stderr}")

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(run, batches))
    for pkg, version in missing:
        if cached_wheel(cache, pkg, version) is None:
            raise SystemExit(f"no wheel for {pkg}=={version} after download")


# --- reading one wheel -------------------------------------------------------

def is_type_checking(test):
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def target_names(target):
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            yield from target_names(elt)
    elif isinstance(target, ast.Starred):
        yield from target_names(target.value)


def string_list(node):
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [e.value for e in node.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return None


def getattr_names(func):
    """The fixed names a module `__getattr__` answers, or None when it may
    answer anything (it does not end by raising AttributeError)."""
    last = func.body[-1] if func.body else None
    raises = isinstance(last, ast.Raise) and isinstance(last.exc, ast.Call) and \
        isinstance(last.exc.func, ast.Name) and last.exc.func.id == "AttributeError"
    if not raises:
        return None
    names = []
    for node in ast.walk(func):
        if isinstance(node, ast.Compare):
            for comp in [node.left, *node.comparators]:
                if isinstance(comp, ast.Constant) and isinstance(comp.value, str):
                    names.append(comp.value)
                names.extend(string_list(comp) or [])
        elif isinstance(node, ast.Dict):
            names.extend(k.value for k in node.keys
                         if isinstance(k, ast.Constant) and isinstance(k.value, str))
    return names


class ModuleInfo:
    def __init__(self):
        self.names = set()
        self.all = None  # __all__ when it is a literal list
        self.stars = []  # absolute module names of `from X import *`
        self.dynamic = False


def read_module(source, modname, is_package):
    info = ModuleInfo()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        info.dynamic = True
        return info
    package = modname if is_package else modname.rpartition(".")[0]

    def absolute(node):
        if not node.level:
            return node.module
        base = package.split(".")
        base = base[: len(base) - (node.level - 1)]
        return ".".join(base + ([node.module] if node.module else []))

    def visit(body):
        for st in body:
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
                info.names.add(st.name)
                if st.name == "__getattr__":
                    extra = getattr_names(st)
                    if extra is None:
                        info.dynamic = True
                    else:
                        info.names.update(extra)
            elif isinstance(st, ast.ClassDef):
                info.names.add(st.name)
            elif isinstance(st, ast.Assign):
                for t in st.targets:
                    info.names.update(target_names(t))
                    if isinstance(t, ast.Name) and t.id == "__all__":
                        info.all = string_list(st.value) or info.all or []
                        if string_list(st.value) is None:
                            info.dynamic = True
            elif isinstance(st, ast.AugAssign):
                info.names.update(target_names(st.target))
                if isinstance(st.target, ast.Name) and st.target.id == "__all__":
                    info.all = (info.all or []) + (string_list(st.value) or [])
            elif isinstance(st, ast.AnnAssign) and st.value is not None:
                info.names.update(target_names(st.target))
            elif isinstance(st, ast.Import):
                for a in st.names:
                    info.names.add(a.asname or a.name.split(".")[0])
            elif isinstance(st, ast.ImportFrom):
                for a in st.names:
                    if a.name == "*":
                        info.stars.append(absolute(st))
                    else:
                        info.names.add(a.asname or a.name)
            elif isinstance(st, ast.If):
                if not is_type_checking(st.test):
                    visit(st.body)
                visit(st.orelse)
            elif isinstance(st, ast.Try) or type(st).__name__ == "TryStar":
                visit(st.body)
                for h in st.handlers:
                    visit(h.body)
                visit(st.orelse)
                visit(st.finalbody)
            elif isinstance(st, (ast.With, ast.AsyncWith)):
                visit(st.body)
            elif isinstance(st, (ast.For, ast.AsyncFor)):
                info.names.update(target_names(st.target))
                visit(st.body)
                visit(st.orelse)
            elif isinstance(st, ast.While):
                visit(st.body)
                visit(st.orelse)
            elif isinstance(st, ast.Expr) and isinstance(st.value, ast.Call):
                f = st.value.func
                # __all__.extend([...]) / __all__ += [...]
                if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) \
                        and f.value.id == "__all__" and st.value.args:
                    info.all = (info.all or []) + (string_list(st.value.args[0]) or [])
                # globals().update(...): names made at run time.
                if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Call) and \
                        isinstance(f.value.func, ast.Name) and f.value.func.id == "globals":
                    info.dynamic = True

    visit(tree.body)
    if info.all:
        info.names.update(info.all)
    return info


def read_wheel(path):
    """{module: ModuleInfo} with star imports and submodules resolved."""
    modules = {}
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if not name.endswith(".py") or ".dist-info/" in name or ".data/" in name:
                continue
            parts = name[:-3].split("/")
            if not all(p.isidentifier() for p in parts):
                continue
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            modname = ".".join(parts)
            if any(modname == s or modname.startswith(s + ".") for s in SKIP_MODULES):
                continue
            source = z.read(name)
            modules[modname] = (read_module(source, modname, is_package), is_package)
    infos = {m: info for m, (info, _) in modules.items()}
    for modname, (info, is_package) in modules.items():
        if is_package:
            prefix = modname + "."
            info.names.update(m[len(prefix):] for m in infos
                              if m.startswith(prefix) and "." not in m[len(prefix):])

    def exported(modname, seen):
        info = infos.get(modname)
        if info is None:
            return None
        names = set(resolved(modname, seen))
        return set(info.all) if info.all is not None else {n for n in names if not n.startswith("_")}

    def resolved(modname, seen):
        info = infos[modname]
        if modname in seen:
            return info.names
        seen = seen | {modname}
        for star in info.stars:
            more = exported(star, seen)
            if more is None:
                info.dynamic = True
            else:
                info.names.update(more)
            other = infos.get(star)
            if other is not None and other.dynamic:
                info.dynamic = True
        info.stars = []
        return info.names

    for modname in infos:
        resolved(modname, frozenset())
    return infos


# --- the table ---------------------------------------------------------------

def ranges(indexes):
    """Sorted indexes as `0-3,5,7-9`."""
    out, start, prev = [], None, None
    for i in sorted(indexes):
        if start is None:
            start = prev = i
        elif i == prev + 1:
            prev = i
        else:
            out.append(f"{start}-{prev}" if start != prev else f"{start}")
            start = prev = i
    if start is not None:
        out.append(f"{start}-{prev}" if start != prev else f"{start}")
    return ",".join(out)


HEADER = """\
# Public names of the backend's libraries, per released version.
# GENERATED by `python3 scripts/gen-library-names.py` from the wheels on PyPI
# (read with Python's ast, never imported); do not edit by hand. See the
# script's docstring for what counts as a name; `--check` proves this file
# matches what the script produces.
#
# Format: `@package NAME` then `@versions V0 V1 ...`; for each module
# `@module NAME [IDX]`, optionally `@dynamic IDX` (any name may exist in those
# versions), then one name a line `NAME [IDX]`. IDX are indexes into the
# package's versions as ranges (`0-3,7`); left out, a module exists in every
# version and a name in every version of its module.
"""


def read_wheel_cached(path):
    """read_wheel, remembered beside the wheel for this version of the script."""
    script = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    memo = path.parent / "parsed" / f"{path.name}.{script}.json"
    try:
        data = json.loads(memo.read_text())
    except (OSError, ValueError):
        infos = read_wheel(path)
        data = {m: [sorted(i.names), i.dynamic] for m, i in infos.items()}
        memo.parent.mkdir(exist_ok=True)
        tmp = memo.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data))
        tmp.replace(memo)
    out = {}
    for modname, (names, dynamic) in data.items():
        info = ModuleInfo()
        info.names, info.dynamic = set(names), dynamic
        out[modname] = info
    return out


def table(cache):
    vers = versions()
    lines = [HEADER]
    for pkg in VERSIONS:
        modules, names, dynamic = {}, {}, {}
        for idx, version in enumerate(vers[pkg]):
            for modname, info in read_wheel_cached(cached_wheel(cache, pkg, version)).items():
                modules.setdefault(modname, set()).add(idx)
                if info.dynamic:
                    dynamic.setdefault(modname, set()).add(idx)
                for n in info.names:
                    if not n.startswith("_"):
                        names.setdefault(modname, {}).setdefault(n, set()).add(idx)
        every = set(range(len(vers[pkg])))
        lines.append(f"@package {pkg}")
        lines.append("@versions " + " ".join(vers[pkg]))
        for modname in sorted(modules):
            present = modules[modname]
            lines.append(f"@module {modname}" + ("" if present == every else " " + ranges(present)))
            if modname in dynamic:
                lines.append(f"@dynamic {ranges(dynamic[modname])}")
            for n in sorted(names.get(modname, {})):
                where = names[modname][n]
                lines.append(n if where == present else f"{n} {ranges(where)}")
    return "\n".join(lines) + "\n"


def latest():
    """Prints, per package, the last patch of each minor release newer than
    the newest version in VERSIONS (for updating the lists)."""
    for pkg, listed in versions().items():
        out = subprocess.run([sys.executable, "-m", "pip", "index", "versions", "--pre",
                              "--disable-pip-version-check", pkg],
                             capture_output=True, text=True)
        line = next((l for l in out.stdout.splitlines() if l.startswith("Available versions:")), "")
        available = [v.strip() for v in line.partition(":")[2].split(",") if v.strip()]

        def key(v):
            return tuple(int(x) if x.isdigit() else x for x in re.split(r"[.b]", v))

        def minor(v):
            return tuple(v.split(".")[:2]) if "b" not in v else v.split("b")[0]

        newest = max(listed, key=key)
        last = {}
        for v in available:
            if re.fullmatch(r"[0-9.]+(b[0-9]+)?", v) and key(v) > key(newest):
                m = minor(v)
                if m not in last or key(v) > key(last[m]):
                    last[m] = v
        print(f"{pkg}: {' '.join(sorted(last.values(), key=key)) or 'up to date'}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="regenerate into a temp file and exit 1 if it differs from the committed table")
    ap.add_argument("--latest", action="store_true",
                    help="list releases newer than the recorded versions")
    ap.add_argument("--cache", type=Path, default=None, help="wheel cache (default target/pylib-cache)")
    args = ap.parse_args()
    if args.latest:
        latest()
        return 0
    cache = args.cache or cache_dir()
    download(cache, [(p, v) for p, vs in versions().items() for v in vs])
    text = table(cache)
    if args.check:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as tmp:
            tmp.write(text)
        current = OUTPUT.read_text() if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(REPO)} is out of date: run "
                  f"`python3 scripts/gen-library-names.py` (fresh copy in {tmp.name})", file=sys.stderr)
            return 1
        os.unlink(tmp.name)
        print(f"{OUTPUT.relative_to(REPO)} is up to date")
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT.relative_to(REPO)} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
