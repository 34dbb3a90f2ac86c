"""The shared helpers (molecule/shared/scenario.py) importable; this scenario the default one."""

import os
import sys

TESTS = os.path.dirname(os.path.abspath(__file__))
# Molecule's verify sets it; a plain `pytest molecule/SCENARIO/tests` run gets this scenario.
os.environ.setdefault("MOLECULE_SCENARIO_DIRECTORY", os.path.dirname(TESTS))
SHARED = os.path.join(os.path.dirname(os.path.dirname(TESTS)), "shared")
if SHARED not in sys.path:
    sys.path.insert(0, SHARED)
