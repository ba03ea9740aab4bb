"""Running a load in a child process, so that a load that waits or reads forever fails its test
instead of the machine (used by the model's and the playground's file tests)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child_environment() -> dict:
    """This environment with the repository first on the child's ``PYTHONPATH``."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))


def load_in_a_child(load: str, path, *, limit_bytes: int, timeout: float) -> tuple[bool, str]:
    """Run the statement ``load`` (which reads ``sys.argv[1]``, given ``path``) in a child with at
    most ``limit_bytes`` of memory; an exception is printed as its type and message.
    ``(finished in time, the child's output)``."""
    script = (f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({limit_bytes}, {limit_bytes}))\n"
              "import sys\n"
              "try:\n"
              f"    {load}\n"
              "except Exception as error:\n"
              "    print(type(error).__name__, error)\n")
    try:
        done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True,
                              timeout=timeout, env=child_environment())
    except subprocess.TimeoutExpired:
        return False, ""
    return True, done.stdout + done.stderr
