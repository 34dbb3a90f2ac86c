# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""webstack.django.files, run as Ansible runs it (a process given its arguments) on a real directory."""

from __future__ import annotations

import grp
import json
import os
import pwd
import stat
import subprocess
import sys

import pytest

from ansible_collections.webstack.django.plugins.modules import files as files_module

USER = pwd.getpwuid(os.getuid()).pw_name
GROUP = grp.getgrgid(os.getgid()).gr_name


def run(tmp_path, entries, check=False, diff=False):
    """The module's JSON result (and its exit status) for these entries."""
    arguments = tmp_path.parent / ("%s-args.json" % tmp_path.name)
    arguments.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": {"files": entries, "_ansible_check_mode": check, "_ansible_diff": diff}}))
    done = subprocess.run([sys.executable, files_module.__file__, str(arguments)], capture_output=True, text=True, check=False)
    return json.loads(done.stdout), done.returncode


def entry(path, content=None, mode="0640", **more):
    made = {"path": str(path), "owner": USER, "group": GROUP, "mode": mode}
    if content is None:
        made["state"] = "directory"
    else:
        made["content"] = content
    made.update(more)
    return made


def described(path):
    found = os.lstat(path)
    return found.st_uid, found.st_gid, oct(stat.S_IMODE(found.st_mode))


def test_makes_directories_and_files_then_changes_nothing(tmp_path):
    root = tmp_path / "etc" / "app"
    entries = [entry(root, mode="0751"), entry(root / "app.ini", "[uwsgi]\nmaster = true\n")]
    result, status = run(tmp_path, entries)
    assert (status, result["changed"], result["changed_paths"]) == (0, True, [str(root), str(root / "app.ini")])
    assert (root / "app.ini").read_text() == "[uwsgi]\nmaster = true\n"
    assert described(root) == (os.getuid(), os.getgid(), "0o751")
    assert described(root / "app.ini") == (os.getuid(), os.getgid(), "0o640")
    again, status = run(tmp_path, entries)
    assert (status, again["changed"], again["changed_paths"]) == (0, False, [])


def test_rewrites_only_what_differs_by_a_rename(tmp_path):
    first, second = tmp_path / "a.conf", tmp_path / "b.conf"
    run(tmp_path, [entry(first, "one\n"), entry(second, "two\n")])
    inodes = first.stat().st_ino, second.stat().st_ino
    result = run(tmp_path, [entry(first, "one\n"), entry(second, "two, changed\n")])[0]
    assert result["changed_paths"] == [str(second)]
    assert second.read_text() == "two, changed\n"
    # The untouched file is the same file; the changed one was renamed over, not rewritten in place.
    assert first.stat().st_ino == inodes[0] and second.stat().st_ino != inodes[1]
    assert sorted(os.listdir(tmp_path)) == ["a.conf", "b.conf"]


def test_a_mode_change_alone_keeps_the_content(tmp_path):
    path = tmp_path / "unit.service"
    run(tmp_path, [entry(path, "[Unit]\n", mode="0600")])
    result = run(tmp_path, [entry(path, "[Unit]\n", mode="0644")])[0]
    assert result["changed_paths"] == [str(path)]
    assert described(path)[2] == "0o644" and path.read_text() == "[Unit]\n"


def test_check_mode_reports_and_writes_nothing(tmp_path):
    path = tmp_path / "app.env"
    path.write_text("KEY=old\n")
    os.chmod(path, 0o600)
    entries = [entry(tmp_path / "new", mode="0755"), entry(path, "KEY=new\n"), entry(tmp_path / "new" / "f", "x\n")]
    result, status = run(tmp_path, entries, check=True, diff=True)
    assert (status, result["changed_paths"]) == (0, [str(tmp_path / "new"), str(path), str(tmp_path / "new" / "f")])
    assert result["diff"][0] == {"before_header": str(path), "after_header": str(path), "before": "KEY=old\n", "after": "KEY=new\n"}
    assert path.read_text() == "KEY=old\n" and described(path)[2] == "0o600"
    assert not (tmp_path / "new").exists()


def test_check_mode_takes_an_account_an_earlier_task_would_create(tmp_path):
    path = tmp_path / "data"
    result, status = run(tmp_path, [entry(path, owner="webstack-no-such-user")], check=True)
    assert (status, result["changed_paths"]) == (0, [str(path)])
    result, status = run(tmp_path, [entry(path, owner="webstack-no-such-user")])
    assert status == 1 and result["msg"] == "no such user: webstack-no-such-user"
    assert not path.exists()


@pytest.mark.parametrize(
    "mode, message",
    [
        ("640", "is not an octal string with its leading zero"),
        ("416", "is not an octal string with its leading zero"),
        ("0648", "is not an octal string with its leading zero"),
    ],
)
def test_a_mode_without_its_leading_zero_is_refused(tmp_path, mode, message):
    path = tmp_path / "f"
    result, status = run(tmp_path, [entry(path, "x\n", mode=mode)])
    assert status == 1 and result["msg"].startswith("%s: mode '%s' %s" % (path, mode, message))
    assert not path.exists()


def test_a_symlink_is_not_followed(tmp_path):
    target = tmp_path / "target"
    target.write_text("kept\n")
    (tmp_path / "link").symlink_to(target)
    result, status = run(tmp_path, [entry(tmp_path / "link", "replaced\n")])
    assert status == 1 and result["msg"] == "%s exists and is not a regular file" % (tmp_path / "link")
    assert target.read_text() == "kept\n"


def test_a_file_where_a_directory_is_wanted_is_refused(tmp_path):
    (tmp_path / "d").write_text("a file\n")
    result, status = run(tmp_path, [entry(tmp_path / "d")])
    assert status == 1 and result["msg"] == "%s exists and is not a directory" % (tmp_path / "d")


def test_a_file_needs_content(tmp_path):
    result, status = run(tmp_path, [{"path": str(tmp_path / "f"), "mode": "0644", "owner": USER, "group": GROUP}])
    assert status == 1 and result["msg"] == "%s: a file needs content" % (tmp_path / "f")


def test_what_was_done_before_a_failure_is_reported(tmp_path):
    result, status = run(tmp_path, [entry(tmp_path / "ok", "x\n"), entry(tmp_path / "missing" / "f", "y\n")])
    assert status == 1 and result["changed_paths"] == [str(tmp_path / "ok")]
    assert "No such file or directory" in result["msg"]
    assert sorted(os.listdir(tmp_path)) == ["ok"]


# A check that passes only for content starting with "ok", and records the path it was given.
CHECK = "sh -c 'echo \"$1\" >> \"$2\"; head -c 2 \"$1\" | grep -q ok || {{ echo \"bad: $(cat \"$1\")\" >&2; exit 3; }}' check %s {log}"


def test_a_checked_file_replaces_the_old_one_only_when_its_check_passes(tmp_path):
    log = tmp_path.parent / ("%s-checked" % tmp_path.name)
    check = CHECK.format(log=log)
    target = tmp_path / "app.conf"
    result, status = run(tmp_path, [entry(target, "ok first\n", validate=check)])
    assert (status, result["changed_paths"]) == (0, [str(target)])
    # The check saw the temporary file beside the target, not the target itself.
    checked = log.read_text().split()
    assert len(checked) == 1 and os.path.dirname(checked[0]) == str(tmp_path) and checked[0] != str(target)

    result, status = run(tmp_path, [entry(tmp_path / "before", "x\n"), entry(target, "broken\n", validate=check), entry(tmp_path / "after", "y\n")])
    assert status == 1
    assert result["msg"] == "%s: the new content failed its check (%s, exit 3): bad: broken" % (target, check)
    # What came before is written and reported, the checked file is as it was, nothing after it ran,
    # and no temporary file is left behind.
    assert result["changed_paths"] == [str(tmp_path / "before")]
    assert target.read_text() == "ok first\n"
    assert sorted(os.listdir(tmp_path)) == ["app.conf", "before"]


def test_a_check_runs_only_on_new_content_and_never_in_check_mode(tmp_path):
    log = tmp_path.parent / ("%s-checked" % tmp_path.name)
    target = tmp_path / "app.conf"
    target.write_text("ok\n")
    os.chmod(target, 0o600)
    result, status = run(tmp_path, [entry(target, "ok\n", validate=CHECK.format(log=log))])
    assert (status, result["changed_paths"]) == (0, [str(target)]) and described(target)[2] == "0o640"
    result, status = run(tmp_path, [entry(target, "broken\n", validate=CHECK.format(log=log))], check=True)
    assert (status, result["changed_paths"]) == (0, [str(target)]) and target.read_text() == "ok\n"
    assert not log.exists()
