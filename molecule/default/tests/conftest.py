"""The shared helpers (molecule/shared/scenario.py) importable; this scenario the default one.

molecule.yml runs these tests with `-n 2` (pytest-xdist): one worker per host, each
host's tests in their order, one at a time (they converge the host again and change its
state; no test touches both hosts).
"""

import os
import re
import sys

from xdist.scheduler import LoadScopeScheduling

TESTS = os.path.dirname(os.path.abspath(__file__))
# Molecule's verify sets it; a plain `pytest molecule/SCENARIO/tests` run gets this scenario.
os.environ.setdefault("MOLECULE_SCENARIO_DIRECTORY", os.path.dirname(TESTS))
SHARED = os.path.join(os.path.dirname(os.path.dirname(TESTS)), "shared")
if SHARED not in sys.path:
    sys.path.insert(0, SHARED)


class ByHost(LoadScopeScheduling):
    """A scope per host, named in each test's id by testinfra (the platforms' names end in -debianNN)."""

    def _split_scope(self, nodeid):
        host = re.search(r"\[ansible://(.+?-debian[0-9]+)", nodeid)
        return host.group(1) if host else nodeid


def pytest_xdist_make_scheduler(config, log):
    return ByHost(config, log)
