"""System tools the local services need (java, mvn, redis-server), installed when we can."""

import os
import shutil
import subprocess

from tiegraph.errors import Unavailable


def require_tool(tool: str, debian_package: str) -> str:
    """The path of `tool`; installed with apt-get when missing and we are root, else a clear
    error saying what to install."""
    found = shutil.which(tool)
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for step in (("update", "-qq"), ("install", "-y", "-qq", debian_package)):
            subprocess.run(["apt-get", *step], check=True, capture_output=True, env=env)  # noqa: S603, S607
        found = shutil.which(tool)
    if found is None:
        raise Unavailable(f"{tool} is not installed: run `sudo apt-get install {debian_package}`")
    return found
