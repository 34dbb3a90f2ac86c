"""What the scenarios' tests share: ansible-playbook and ansible-inventory run from the controller
against the scenario's own inventory, as Molecule's converge runs them.

Not a scenario itself (no molecule.yml here): each tests/conftest.py puts this directory on
sys.path. SCENARIO is the directory of the scenario under test, which Molecule's verify sets
(and each conftest.py defaults to its own scenario, for a plain pytest run).
"""

import contextlib
import copy
import json
import os
import re
import subprocess
import tempfile

import pytest

SCENARIO = os.environ["MOLECULE_SCENARIO_DIRECTORY"]
PROJECT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def inventory():
    """The inventory directory Molecule's converge uses (its group_vars and host_vars with it).

    Only Molecule's verify sets MOLECULE_EPHEMERAL_DIRECTORY: outside it, a test that runs a
    playbook fails here rather than against some other inventory.
    """
    return os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "inventory")


def declared_apps(hostname):
    """webstack_apps as the inventory gives them to this host (paths already expanded)."""
    shown = subprocess.run(["ansible-inventory", "-i", inventory(), "--host", hostname], capture_output=True, text=True, check=True)
    return json.loads(shown.stdout)["webstack_apps"]


def with_app(apps, name, **changes):
    """A copy of apps with these keys of the named app replaced; apps itself is left as it was."""
    changed = copy.deepcopy(apps)
    next(app for app in changed if app["name"] == name).update(changes)
    return changed


def run_playbook(extra_vars=None, limit=None, playbook=None, options=(), env=None, timeout=900, command="ansible-playbook"):
    """Run the scenario's converge.yml (or another playbook) with the scenario's inventory.

    extra_vars go through a JSON file, so that lists and dicts (webstack_apps) keep their
    types. Without colours, so that the output reads as plain text; env adds to (or
    overrides) the environment. Returns the CompletedProcess, whatever the exit status.
    """
    argv = [command, *options, "-i", inventory()]
    if limit is not None:
        argv += ["--limit", limit]
    with contextlib.ExitStack() as stack:
        if extra_vars is not None:
            handle = stack.enter_context(tempfile.NamedTemporaryFile("w", prefix="extra-vars-", suffix=".json", encoding="utf-8"))
            json.dump(extra_vars, handle)
            handle.flush()
            argv += ["-e", "@" + handle.name]
        argv.append(playbook or os.path.join(SCENARIO, "converge.yml"))
        return subprocess.run(
            argv,
            env={**os.environ, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0", **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def recap(run, hostname):
    """The host's line of the PLAY RECAP; without one (the run stopped early), the test fails
    showing the end of the output."""
    line = re.search(r"^%s\s+:.*$" % re.escape(hostname), run.stdout, re.MULTILINE)
    if line is None:
        pytest.fail("no PLAY RECAP line for %s:\n%s" % (hostname, run.stdout[-3000:] + run.stderr[-3000:]))
    return line.group(0)


def changed(run, hostname):
    """How many tasks the run changed on the host, from its PLAY RECAP line."""
    return int(re.search(r"\bchanged=(\d+)", recap(run, hostname)).group(1))
