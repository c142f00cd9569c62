"""A local Neo4j 5.26 Community for machines without Docker, run from Maven Central jars.

The jars land in the user cache (``~/.cache/tiegraph/neo4j-VERSION``), never in the repository;
`launcher/TiegraphNeo4j.java` is compiled there with javac and run with an explicit heap.
"""

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

from app.local.processes import ManagedProcess
from app.local.system import require_tool
from tiegraph.errors import Unavailable

NEO4J_VERSION = "5.26.31"
_LAUNCHER = files("app.local").joinpath("launcher")
_MAIN_CLASS = "TiegraphNeo4j"


def cache_root() -> Path:
    """The user cache directory for tiegraph (XDG_CACHE_HOME respected)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tiegraph"


def _fetch_jars(lib: Path, say: Callable[[str], None]) -> None:
    mvn = require_tool("mvn", "maven")
    pom = Path(str(_LAUNCHER.joinpath("pom.xml")))
    staging = lib.with_name(lib.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    say(f"Fetching Neo4j {NEO4J_VERSION} jars from Maven Central (once, about a minute)...")
    command = [mvn, "-q", "-B", "-f", str(pom), "dependency:copy-dependencies",
               f"-Dneo4j.version={NEO4J_VERSION}", f"-DoutputDirectory={staging}"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise Unavailable(f"Maven could not fetch the Neo4j jars:\n{done.stdout[-3000:]}")
    staging.rename(lib)  # atomic: a half-finished download never looks complete


def _compile_launcher(install: Path, lib: Path) -> Path:
    source = Path(str(_LAUNCHER.joinpath(f"{_MAIN_CLASS}.java")))
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    classes = install / f"classes-{digest}"
    if (classes / f"{_MAIN_CLASS}.class").exists():
        return classes
    javac = require_tool("javac", "openjdk-17-jdk-headless")
    staging = install / f"classes-{digest}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    command = [javac, "-cp", f"{lib}/*", "-d", str(staging), str(source)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise Unavailable(f"javac could not compile {source}:\n{done.stderr[-3000:]}")
    staging.rename(classes)
    return classes


def ensure_installed(say: Callable[[str], None] = lambda _: None) -> str:
    """Fetch the jars and compile the launcher if needed; returns the Java class path."""
    install = cache_root() / f"neo4j-{NEO4J_VERSION}"
    install.mkdir(parents=True, exist_ok=True)
    lib = install / "lib"
    if not lib.is_dir():
        _fetch_jars(lib, say)
    classes = _compile_launcher(install, lib)
    return f"{lib}/*{os.pathsep}{classes}"


PASSWORD_VARIABLE = "TIEGRAPH_NEO4J_LAUNCH_PASSWORD"  # noqa: S105 - the name, not the value


def local_neo4j(
    home: Path, port: int, heap: str, pagecache: str, classpath: str = "", password: str = ""
) -> ManagedProcess:
    """The managed process for a Neo4j whose files live under `home`; with a password, Bolt
    asks for it (user `neo4j`), without one it runs without authentication."""
    java = require_tool("java", "openjdk-17-jdk-headless")
    home = home.resolve()
    argv = (java, f"-Xms{heap}", f"-Xmx{heap}", "-XX:+UseG1GC", "-cp", classpath,
            _MAIN_CLASS, str(home / "neo4j"), str(port), pagecache)  # fmt: skip
    return ManagedProcess(
        name="neo4j",
        argv=argv,
        workdir=home,
        ready_marker="TIEGRAPH-NEO4J READY",
        signature=str(home / "neo4j"),
        port=port,
        env=((PASSWORD_VARIABLE, password),),
    )
