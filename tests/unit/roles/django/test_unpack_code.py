# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The django role's unpack-code.py: the live tree ends up exactly the archived one."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import tarfile

import pytest

SCRIPT = os.path.join(os.path.dirname(__file__), *[os.pardir] * 4, 'roles', 'django', 'files', 'unpack-code.py')
# Names GNU tar prints escaped in a listing (backslash, non-ASCII, a newline, spaces).
AWKWARD = ['back\\slash.txt', 'naïve café.py', 'new\nline.txt', ' lead and trail ', '日本語/ファイル.txt']


def make_archive(path, tree):
    source = path / 'source'
    for name, content in tree.items():
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    archive = path / 'code.tar.gz'
    with tarfile.open(archive, 'w:gz') as tar:
        tar.add(source, arcname='.')
    return archive


def unpack(archive, target, tmp_path):
    env = dict(os.environ, TMPDIR=str(tmp_path / 'tmpdir'))
    os.makedirs(env['TMPDIR'], exist_ok=True)
    subprocess.run([sys.executable, SCRIPT, str(archive), str(target)], check=True, env=env)
    return env['TMPDIR']


def tree_of(root):
    found = {}
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            path = os.path.join(dirpath, name)
            found[os.path.relpath(path, root)] = pathlib.Path(path).read_text()
    return found


def test_awkward_names_are_kept(tmp_path):
    tree = {name: 'content of %r' % name for name in AWKWARD}
    archive = make_archive(tmp_path, tree)
    target = tmp_path / 'live'
    unpack(archive, target, tmp_path)
    assert tree_of(target) == tree


def test_files_and_directories_the_archive_no_longer_has_are_removed(tmp_path):
    target = tmp_path / 'live'
    (target / 'gone' / 'deep').mkdir(parents=True)
    (target / 'gone' / 'deep' / 'x.py').write_text('old')
    (target / 'stale.py').write_text('old')
    (target / 'kept.py').write_text('old')
    os.symlink('/etc', target / 'link-to-a-directory')
    archive = make_archive(tmp_path, {'kept.py': 'new', 'pkg/mod.py': 'new'})
    unpack(archive, target, tmp_path)
    assert tree_of(target) == {'kept.py': 'new', 'pkg/mod.py': 'new'}
    assert not os.path.lexists(target / 'link-to-a-directory')
    assert os.path.isdir('/etc')


def test_directory_identity_is_kept(tmp_path):
    target = tmp_path / 'live'
    (target / 'pkg').mkdir(parents=True)
    before = (os.stat(target).st_ino, os.stat(target / 'pkg').st_ino)
    unpack(make_archive(tmp_path, {'pkg/mod.py': 'new'}), target, tmp_path)
    assert (os.stat(target).st_ino, os.stat(target / 'pkg').st_ino) == before


def test_nothing_is_written_to_the_temporary_directory(tmp_path):
    tmpdir = unpack(make_archive(tmp_path, {'a.py': 'x'}), tmp_path / 'live', tmp_path)
    assert os.listdir(tmpdir) == []


@pytest.mark.parametrize('args', [[], ['only-one']])
def test_usage(args):
    result = subprocess.run([sys.executable, SCRIPT] + args, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == 'Usage: unpack-code.py ARCHIVE DIR'
