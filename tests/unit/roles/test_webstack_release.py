# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The release tool's root-side commands (roles/django/files/webstack_release.py), run as
the role runs them: a subprocess per command, one JSON document out. The app-side `steps`
command needs Django, a database and the app's user: Molecule tests it (test_releases.py)."""

from __future__ import annotations

import io
import json
import os
import pathlib
import subprocess
import sys
import tarfile

import pytest

TOOL = pathlib.Path(__file__).resolve().parents[3] / 'roles' / 'django' / 'files' / 'webstack_release.py'
INPUTS = {'python': '/usr/bin/python3', 'packages': ['pyuwsgi==2.0.30']}


def tool(command, request, check=True):
    done = subprocess.run([sys.executable, str(TOOL), command, json.dumps(request)], capture_output=True, text=True, check=False)
    if check:
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)
    return done


def archive(path, files):
    with tarfile.open(path, 'w:gz') as tar:
        for name, content in files.items():
            data = content.encode()
            info = tarfile.TarInfo('./' + name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return str(path)


def build(root, release, files, inputs=None):
    (root / 'releases').mkdir(parents=True, exist_ok=True)
    upload = archive(root / 'releases' / ('.%s.tar.gz' % release), files)
    built = tool('unpack', {'root': str(root), 'release': release, 'requirements': 'requirements.txt', 'archive': upload, 'venv_inputs': inputs or INPUTS})
    (root / 'venvs' / built['venv_key']).mkdir(parents=True, exist_ok=True)
    tool('link', {'root': str(root), 'release': release, 'venv_key': built['venv_key']})
    return built


CODE = {'manage.py': 'print(1)\n', 'requirements.txt': 'Django>=5.2\n-r more.txt\n', 'more.txt': 'mysqlclient==2.2.7\n'}


def test_unpack_builds_a_whole_release_and_keys_its_virtualenv_by_requirements(tmp_path):
    built = build(tmp_path, 'r1', CODE)
    release = tmp_path / 'releases' / 'r1'
    assert (release / 'src' / 'manage.py').read_text() == 'print(1)\n'
    assert (release / 'RELEASE').read_text() == 'r1\n'
    assert os.readlink(release / 'venv') == '../../venvs/' + built['venv_key']
    assert not list((tmp_path / 'releases').glob('.*.tar.gz'))  # the upload is consumed
    # Included requirements files count: mysqlclient is seen through -r.
    assert built['requirement_names'] == ['django', 'mysqlclient']
    assert built['venv_complete'] is False

    # A code-only change: the same virtualenv, already complete.
    again = build(tmp_path, 'r2', dict(CODE, **{'manage.py': 'print(2)\n'}))
    assert again['venv_key'] == built['venv_key'] and again['venv_complete'] is True
    # Another requirement, or another interpreter: another virtualenv.
    assert build(tmp_path, 'r3', dict(CODE, **{'more.txt': 'mysqlclient==2.2.8\n'}))['venv_key'] != built['venv_key']
    assert build(tmp_path, 'r4', CODE, dict(INPUTS, python='/opt/python/bin/python3.13'))['venv_key'] != built['venv_key']


def test_a_requirement_on_the_code_itself_gets_a_virtualenv_of_its_own(tmp_path):
    code = dict(CODE, **{'requirements.txt': '-e .\n'})
    assert build(tmp_path, 'r1', code)['venv_key'] != build(tmp_path, 'r2', code)['venv_key']


def test_switch_needs_a_verified_release_and_keeps_the_previous_one(tmp_path):
    build(tmp_path, 'r1', CODE)
    build(tmp_path, 'r2', CODE)
    refused = tool('switch', {'root': str(tmp_path), 'release': 'r1'}, check=False)
    assert refused.returncode != 0 and 'not complete' in refused.stderr
    assert tool('switch', {'root': str(tmp_path), 'release': 'r1', 'verified': True}) == {'changed': True, 'current': 'r1', 'previous': ''}
    assert tool('switch', {'root': str(tmp_path), 'release': 'r1'})['changed'] is False
    assert tool('switch', {'root': str(tmp_path), 'release': 'r2', 'verified': True})['previous'] == 'r1'
    assert os.readlink(tmp_path / 'current') == 'releases/r2' and os.readlink(tmp_path / 'previous') == 'releases/r1'
    state = tool('state', {'roots': [str(tmp_path)], 'pythons': [sys.executable]})
    assert state['apps'][str(tmp_path)] == {'current': 'r2', 'previous': 'r1', 'complete': ['r1', 'r2']}
    assert state['pythons'][sys.executable] == '%d.%d.%d' % sys.version_info[:3]
    # A roll-back is a switch to a complete release: r1 again, r2 becomes previous.
    assert tool('switch', {'root': str(tmp_path), 'release': 'r1'}) == {'changed': True, 'current': 'r1', 'previous': 'r2'}


def test_state_of_a_fresh_root_and_a_missing_interpreter(tmp_path):
    state = tool('state', {'roots': [str(tmp_path / 'none')], 'pythons': ['/nonexistent/python3']})
    assert state == {'apps': {str(tmp_path / 'none'): {'current': '', 'previous': '', 'complete': []}}, 'pythons': {'/nonexistent/python3': ''}}


def test_prune_keeps_the_newest_current_and_previous_and_their_virtualenvs(tmp_path):
    keys = {}
    for index in range(1, 6):
        keys[index] = build(tmp_path, 'r%d' % index, dict(CODE, **{'more.txt': 'mysqlclient==2.2.%d\n' % index}))['venv_key']
        tool('switch', {'root': str(tmp_path), 'release': 'r%d' % index, 'verified': True})
    tool('switch', {'root': str(tmp_path), 'release': 'r1'})
    tool('switch', {'root': str(tmp_path), 'release': 'r5'})  # current r5, previous r1: the oldest
    for index in range(1, 6):
        os.utime(tmp_path / 'releases' / ('r%d' % index), (index, index))
    (tmp_path / 'src').mkdir()  # the layout of earlier versions
    (tmp_path / 'venv').mkdir()
    pruned = tool('prune', {'root': str(tmp_path), 'keep': 3})
    kept = sorted(path.name for path in (tmp_path / 'releases').iterdir())
    assert kept == ['r1', 'r4', 'r5']
    assert sorted(path.name for path in (tmp_path / 'venvs').iterdir()) == sorted(keys[index] for index in (1, 4, 5))
    assert not (tmp_path / 'src').exists() and not (tmp_path / 'venv').exists()
    assert pruned['changed'] is True
    assert tool('prune', {'root': str(tmp_path), 'keep': 3}) == {'changed': False, 'removed': []}


def test_secret_keys_are_made_once_and_kept(tmp_path):
    first = tool('secret-keys', {'dir': str(tmp_path), 'names': ['shop', 'blog']})
    assert first['created'] == ['shop', 'blog']
    assert all(len(key) >= 50 and len(set(key)) >= 5 for key in first['keys'].values())
    assert first['keys']['shop'] != first['keys']['blog']
    assert (tmp_path / 'shop.secret-key').stat().st_mode & 0o777 == 0o600
    second = tool('secret-keys', {'dir': str(tmp_path), 'names': ['shop', 'blog']})
    assert second == {'keys': first['keys'], 'created': []}


@pytest.mark.parametrize('argv', [[], ['unknown', '{}'], ['state']])
def test_usage(argv):
    done = subprocess.run([sys.executable, str(TOOL), *argv], capture_output=True, text=True, check=False)
    assert done.returncode != 0 and 'usage:' in done.stderr
