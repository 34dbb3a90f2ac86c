# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection as users get it: built, installed with its declared dependencies, run.

The tarball of `ansible-galaxy collection build` is installed into an empty collections
path together with the collections galaxy.yml declares (and theirs), taken offline from
the copies PyPI's `ansible` package put into the controller's site-packages. Nothing
else is visible to Ansible there, so a collection the roles use but galaxy.yml does not
declare is missing, and:

* `ansible-playbook --syntax-check webstack.django.site` fails on the tasks it loads
  statically (an unknown module is an error at parse time);
* every FQCN of another collection in the installed roles, playbooks and plugins, also in
  files only included at run time, must name an installed collection.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pathlib
import re
import subprocess
import sys
import tarfile

import pytest
import yaml

PROJECT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent
# Always there: ansible-core's own, and the collection itself.
BUILTIN = {"ansible.builtin", "ansible.legacy", "webstack.django"}
# A module, action group, filter, test or lookup of another collection: `ns.coll.name:` as a
# task key, `group/ns.coll.name`, `| ns.coll.name`, `is ns.coll.name`, `lookup('ns.coll.name'`.
FQCN = re.compile(
    r"""(?:^\s*(?:-\s+)?|group/|\|\s*|\bis\s+(?:not\s+)?|(?:lookup|query|q)\(\s*['"])"""
    r"""([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\.[a-z][a-z0-9_]*\b""",
    re.MULTILINE,
)


def tool(name):
    path = BIN / name
    if not path.exists():
        pytest.skip("%s is not installed beside %s" % (name, sys.executable))
    return str(path)


def site_collections():
    """The ansible_collections directory of PyPI's `ansible` package, if installed."""
    for entry in sys.path:
        candidate = pathlib.Path(entry) / "ansible_collections"
        if (candidate / "ansible" / "builtin").exists() or any(candidate.glob("*/*/MANIFEST.json")):
            return candidate
    return None


def run(argv, env, cwd, timeout=120):
    done = subprocess.run(argv, env=env, cwd=str(cwd), capture_output=True, text=True, timeout=timeout, check=False)
    return done.returncode, done.stdout + done.stderr


def isolated_env(collections_path):
    """Only collections_path: no ansible.cfg, no ~/.ansible, no site-packages collections."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    config = collections_path.parent / "ansible.cfg"
    config.write_text("[defaults]\n")
    env.update(
        ANSIBLE_CONFIG=str(config),
        ANSIBLE_COLLECTIONS_PATH=str(collections_path),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_HOME=str(collections_path.parent / "home"),
        ANSIBLE_LOCAL_TEMP=str(collections_path.parent / "tmp"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_GALAXY_SERVER_LIST="",
    )
    return env


def dependency_tarballs(declared, source, dest):
    """Tarballs of the declared collections and their own dependencies, from `source`.

    An installed collection (MANIFEST.json + FILES.json at its top) packed as it is, is a
    collection artifact; pip leaves out a few files FILES.json lists, so FILES.json is
    written again for the files that are there. A declared collection that is not in
    `source` is left out: the install then fails on the missing dependency, naming it.
    """
    tarballs, todo, seen = [], list(declared), set()
    while todo:
        fqcn = todo.pop()
        if fqcn in seen:
            continue
        seen.add(fqcn)
        namespace, name = fqcn.split(".")
        tree = source / namespace / name
        if not (tree / "MANIFEST.json").exists():
            continue
        manifest = json.loads((tree / "MANIFEST.json").read_text())
        files = json.loads((tree / "FILES.json").read_text())
        files["files"] = [entry for entry in files["files"] if entry["name"] == "." or (tree / entry["name"]).exists()]
        for entry in files["files"]:
            if entry["ftype"] == "file":
                entry["chksum_sha256"] = hashlib.sha256((tree / entry["name"]).read_bytes()).hexdigest()
        files_json = json.dumps(files).encode()
        manifest["file_manifest_file"]["chksum_sha256"] = hashlib.sha256(files_json).hexdigest()
        manifest_json = json.dumps(manifest).encode()

        info = manifest["collection_info"]
        tarball = dest / ("%s-%s-%s.tar.gz" % (namespace, name, info["version"]))
        with tarfile.open(tarball, "w:gz") as tar:
            for member, data in (("MANIFEST.json", manifest_json), ("FILES.json", files_json)):
                header = tarfile.TarInfo(member)
                header.size, header.mode = len(data), 0o644
                tar.addfile(header, io.BytesIO(data))
            for entry in files["files"]:
                if entry["name"] != ".":
                    tar.add(tree / entry["name"], arcname=entry["name"], recursive=False)
        tarballs.append(tarball)
        todo.extend(info.get("dependencies") or {})
    return tarballs


def referenced_collections(root):
    """namespace.name of every FQCN in the installed collection's YAML files."""
    found = {}
    for path in sorted(root.rglob("*.yml")):
        if path.relative_to(root).parts[0] not in ("roles", "playbooks", "plugins", "meta"):
            continue
        for match in FQCN.finditer(path.read_text()):
            found.setdefault("%s.%s" % match.groups(), str(path.relative_to(root)))
    return found


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    galaxy = tool("ansible-galaxy")
    source = site_collections()
    if source is None:
        pytest.skip("PyPI's ansible package (the collections) is not installed")
    work = tmp_path_factory.mktemp("collection")
    collections = work / "collections"
    for sub in ("collections", "home", "tmp", "dist"):
        (work / sub).mkdir()
    env = isolated_env(collections)

    status, output = run([galaxy, "collection", "build", "--output-path", str(work / "dist"), str(PROJECT)], env, work)
    assert status == 0, output
    (artifact,) = (work / "dist").glob("webstack-django-*.tar.gz")
    with tarfile.open(artifact) as tar:
        manifest = json.load(tar.extractfile("MANIFEST.json"))
    declared = manifest["collection_info"]["dependencies"] or {}

    deps = dependency_tarballs(declared, source, work / "dist")
    status, output = run([galaxy, "collection", "install", "--offline", "-p", str(collections), str(artifact)] + [str(t) for t in deps], env, work)
    assert status == 0, "installing the collection with its declared dependencies failed:\n" + output
    return {"env": env, "work": work, "collections": collections / "ansible_collections", "declared": declared}


def test_collection_installs_with_only_its_declared_dependencies(installed):
    present = sorted("%s.%s" % (path.parent.name, path.name) for path in installed["collections"].glob("*/*") if path.is_dir())
    assert "webstack.django" in present
    for fqcn in installed["declared"]:
        assert fqcn in present, "%s is declared in galaxy.yml but was not installed" % fqcn


def test_every_collection_the_roles_use_is_installed(installed):
    root = installed["collections"] / "webstack" / "django"
    missing = {
        fqcn: where
        for fqcn, where in referenced_collections(root).items()
        if fqcn not in BUILTIN and not (installed["collections"] / fqcn.replace(".", "/")).is_dir()
    }
    assert not missing, "used but not declared in galaxy.yml's dependencies: %s" % ", ".join("%s (%s)" % item for item in sorted(missing.items()))


def test_every_declared_dependency_is_used(installed):
    used = set(referenced_collections(installed["collections"] / "webstack" / "django"))
    unused = sorted(set(installed["declared"]) - used)
    assert not unused, "declared in galaxy.yml but used nowhere: %s" % ", ".join(unused)


def test_site_playbook_passes_syntax_check_from_the_installed_collection(installed):
    playbook = tool("ansible-playbook")
    status, output = run([playbook, "--syntax-check", "-i", "localhost,", "webstack.django.site"], installed["env"], installed["work"])
    assert status == 0, output


def test_build_leaves_out_the_development_files(installed):
    (artifact,) = (installed["work"] / "dist").glob("webstack-django-*.tar.gz")
    with tarfile.open(artifact) as tar:
        names = tar.getnames()
    for unwanted in (".venv", ".collections", "scripts", "build", ".git", "Makefile", "requirements-dev.txt"):
        assert not any(name == unwanted or name.startswith(unwanted + "/") for name in names), unwanted


def minor(version):
    """(major, minor) of a version string such as 2.21 or 2.21.5."""
    return tuple(int(part) for part in str(version).split(".")[:2])


def test_supported_ansible_core_range_agrees():
    """One range, >= 2.17: meta/runtime.yml, the roles' meta, .ansible-lint and the pins agree."""
    requires = yaml.safe_load((PROJECT / "meta" / "runtime.yml").read_text())["requires_ansible"]
    match = re.fullmatch(r">=(\d+\.\d+)\.0", requires)
    assert match, "requires_ansible should be a plain lower bound such as >=2.17.0, got %r" % requires
    floor = minor(match.group(1))
    for meta in sorted(PROJECT.glob("roles/*/meta/main.yml")):
        assert minor(yaml.safe_load(meta.read_text())["galaxy_info"]["min_ansible_version"]) == floor, meta
    lines = (PROJECT / "requirements-dev.txt").read_text().splitlines()
    pins = dict(line.split("==", 1) for line in lines if "==" in line and not line.startswith("#"))
    pinned = minor(pins["ansible-core"])
    assert pinned >= floor, "requirements-dev.txt pins ansible-core %s, below requires_ansible %s" % (pins["ansible-core"], requires)
    # ansible-lint 26 knows 2.15-2.19 itself; the newer supported releases are listed.
    also = [minor(v) for v in yaml.safe_load((PROJECT / ".ansible-lint").read_text()).get("supported_ansible_also") or []]
    assert pinned <= (2, 19) or pinned in also, ".ansible-lint's supported_ansible_also lacks the pinned %s.%s" % pinned
    assert all(floor <= v <= pinned for v in also), ".ansible-lint's supported_ansible_also %s is outside %s..%s" % (also, floor, pinned)
