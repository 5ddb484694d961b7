"""chengqu is pure: importing every module of it must not import Django (or portal)."""

import subprocess
import sys

SCRIPT = """
import importlib, pkgutil, sys
import chengqu
names = [m.name for m in pkgutil.walk_packages(chengqu.__path__, "chengqu.")]
for name in names:
    importlib.import_module(name)
leaked = sorted(m for m in sys.modules if m == "django" or m.startswith(("django.", "portal")))
print(len(names))
print(",".join(leaked))
"""


def test_importing_all_of_chengqu_leaves_django_out():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=120
    ).stdout.splitlines()
    assert int(out[0]) >= 5, "the walk found too few modules to mean anything"
    assert out[1] == "", f"chengqu imported: {out[1]}"
