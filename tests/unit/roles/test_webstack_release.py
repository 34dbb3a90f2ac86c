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
import socket
import struct
import subprocess
import sys
import tarfile
import threading
import time

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


def test_state_lists_the_units_its_glob_matches(tmp_path):
    for name in ('webstack-demo.clear.timer', 'webstack-demo.clear.service', 'webstack-blog.report.timer'):
        (tmp_path / name).write_text('')
    state = tool('state', {'roots': [], 'pythons': [], 'units': str(tmp_path / 'webstack-*.*.timer')})
    # Not units systemd knows here: neither active nor enabled.
    assert state['units'] == {name: {'active': False, 'enabled': False} for name in ('webstack-blog.report.timer', 'webstack-demo.clear.timer')}
    assert 'units' not in tool('state', {'roots': [], 'pythons': []})


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


def test_secret_keys_read_only_reads_and_makes_nothing(tmp_path):
    made = tool('secret-keys', {'dir': str(tmp_path), 'names': ['shop']})
    checked = tool('secret-keys', {'dir': str(tmp_path), 'names': ['shop', 'blog'], 'read_only': True})
    assert checked == {'keys': made['keys'], 'created': ['blog']}
    assert sorted(path.name for path in tmp_path.iterdir()) == ['shop.secret-key']


@pytest.mark.parametrize('argv', [[], ['unknown', '{}'], ['state']])
def test_usage(argv):
    done = subprocess.run([sys.executable, str(TOOL), *argv], capture_output=True, text=True, check=False)
    assert done.returncode != 0 and 'usage:' in done.stderr


# --- probe: a uwsgi-protocol server in a thread, real sockets -------------------------------

OK = b'HTTP/1.1 200 OK\r\nX-Webstack-Release: r1\r\nContent-Type: text/plain\r\n\r\nhello'
# nginx's uwsgi_params (HTTPS only when on), with HTTP_HOST and HTTP_USER_AGENT.
PARAMS = {
    'QUERY_STRING',
    'REQUEST_METHOD',
    'CONTENT_TYPE',
    'CONTENT_LENGTH',
    'REQUEST_URI',
    'PATH_INFO',
    'DOCUMENT_ROOT',
    'SERVER_PROTOCOL',
    'REQUEST_SCHEME',
    'REMOTE_ADDR',
    'REMOTE_PORT',
    'SERVER_PORT',
    'SERVER_NAME',
    'HTTP_HOST',
    'HTTP_USER_AGENT',
}


def receive(connection, size):
    data = b''
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise EOFError('the packet ends after %d of %d bytes' % (len(data), size))
        data += chunk
    return data


def read_packet(connection):
    """One uwsgi request packet: 4-byte header (modifier1, datasize uint16 LE, modifier2), then the vars."""
    modifier1, size, modifier2 = struct.unpack('<BHB', receive(connection, 4))
    block, offset, params = receive(connection, size), 0, {}
    while offset < size:
        (length,) = struct.unpack_from('<H', block, offset)
        name = block[offset + 2 : offset + 2 + length].decode('ascii')
        offset += 2 + length
        (length,) = struct.unpack_from('<H', block, offset)
        params[name] = block[offset + 2 : offset + 2 + length].decode('utf-8')
        offset += 2 + length
    assert offset == size, 'the vars overrun the datasize'
    return {'modifiers': (modifier1, modifier2), 'params': params}


class UwsgiServer:
    """Answers each connection's uwsgi packet with `answer` (None: with nothing, after `hold` s).

    `listener` makes the listening socket; after `delay` s, in the thread, to start late."""

    def __init__(self, listener, answer=OK, delay=0.0, hold=0.0):
        self.listener, self.answer, self.delay, self.hold = listener, answer, delay, hold
        self.requests, self.errors, self.stop = [], [], threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)

    def serve(self):
        if self.stop.wait(self.delay):
            return
        listener = self.listener()
        listener.listen(8)
        listener.settimeout(0.1)
        with listener:
            while not self.stop.is_set():
                try:
                    connection = listener.accept()[0]
                except OSError:
                    continue
                with connection:
                    connection.settimeout(5)
                    try:
                        self.requests.append(read_packet(connection))
                    except Exception as error:
                        self.errors.append(error)
                        continue
                    if self.answer is None:
                        self.stop.wait(self.hold)
                    else:
                        connection.sendall(self.answer)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(5)


def tcp_listener():
    """A socket bound to a free port of 127.0.0.1, not listening yet (connections are refused)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(('127.0.0.1', 0))
    return listener


def unix_listener(path):
    def make():
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(path))
        return listener

    return make


def probe(request, check=True):
    start = time.monotonic()
    answer = tool('probe', dict({'host': 'example.com', 'path': '/health/', 'timeout': 10}, **request), check=check)
    return answer, time.monotonic() - start


def test_probe_speaks_the_uwsgi_protocol_as_nginx_does():
    bound = tcp_listener()
    with UwsgiServer(lambda: bound) as server:
        answer = probe({'socket': '127.0.0.1:%d' % bound.getsockname()[1], 'path': '/he%61lth/caf%C3%A9/?x=1&y=%20'})[0]
    assert answer == {'status': 200, 'headers': {'x-webstack-release': 'r1', 'content-type': 'text/plain'}, 'body': 'hello'}
    assert not server.errors and len(server.requests) == 1
    sent = server.requests[0]
    assert sent['modifiers'] == (0, 0)
    params = sent['params']
    assert set(params) == PARAMS  # no HTTPS over http
    assert params['REQUEST_METHOD'] == 'GET'
    assert params['REQUEST_URI'] == '/he%61lth/caf%C3%A9/?x=1&y=%20'
    assert params['PATH_INFO'] == '/health/café/'  # percent-decoded, as nginx's $document_uri
    assert params['QUERY_STRING'] == 'x=1&y=%20'
    assert params['HTTP_HOST'] == params['SERVER_NAME'] == 'example.com'
    assert params['SERVER_PORT'] == '80' and params['REQUEST_SCHEME'] == 'http'
    assert params['SERVER_PROTOCOL'] == 'HTTP/1.1' and params['REMOTE_ADDR'] == '127.0.0.1'
    assert params['CONTENT_TYPE'] == params['CONTENT_LENGTH'] == ''
    assert params['HTTP_USER_AGENT'] == 'webstack-probe'
    assert int(params['REMOTE_PORT']) > 0


def test_probe_over_https_says_so():
    bound = tcp_listener()
    with UwsgiServer(lambda: bound) as server:
        answer = probe({'socket': '127.0.0.1:%d' % bound.getsockname()[1], 'scheme': 'https'})[0]
    assert answer['status'] == 200
    params = server.requests[0]['params']
    assert set(params) == PARAMS | {'HTTPS'}
    assert params['HTTPS'] == 'on' and params['SERVER_PORT'] == '443' and params['REQUEST_SCHEME'] == 'https'
    assert params['PATH_INFO'] == '/health/' and params['QUERY_STRING'] == ''


def test_probe_over_a_unix_socket_reports_an_error_status_and_the_last_of_repeated_headers(tmp_path):
    error = b'HTTP/1.1 500 Internal Server Error\r\nX-Webstack-Release: r0\r\nx-webstack-release: r2\r\n\r\n<h1>Server Error</h1>'
    path = tmp_path / 'demo.sock'
    with UwsgiServer(unix_listener(path), answer=error) as server:
        answer = probe({'socket': str(path)})[0]
    assert answer == {'status': 500, 'headers': {'x-webstack-release': 'r2'}, 'body': '<h1>Server Error</h1>'}
    assert server.requests[0]['params']['REMOTE_PORT'] == '0'


def test_probe_keeps_the_start_of_a_long_body_and_replaces_bad_utf8():
    bound = tcp_listener()
    with UwsgiServer(lambda: bound, answer=b'HTTP/1.0 200 OK\r\n\r\n\xff' + 'é'.encode() * 10000):
        answer = probe({'socket': '127.0.0.1:%d' % bound.getsockname()[1]})[0]
    assert answer['status'] == 200 and answer['headers'] == {}
    assert answer['body'] == '\ufffd' + 'é' * 3999


def test_probe_of_a_refused_port_fails_by_the_deadline():
    bound = tcp_listener()  # bound, never listening: refused
    address = '127.0.0.1:%d' % bound.getsockname()[1]
    with bound:
        answer, took = probe({'socket': address, 'timeout': 1})
    assert answer['status'] == -1 and set(answer) == {'status', 'error'}
    assert address in answer['error'] and 'refused' in answer['error']
    assert 0.9 < took < 5


def test_probe_of_a_missing_unix_socket_fails_by_the_deadline(tmp_path):
    answer, took = probe({'socket': str(tmp_path / 'none.sock'), 'timeout': 1})
    assert answer['status'] == -1 and str(tmp_path / 'none.sock') in answer['error'] and 'no such socket' in answer['error']
    assert 0.9 < took < 5


def test_probe_retries_until_uwsgi_listens():
    bound = tcp_listener()
    with UwsgiServer(lambda: bound, delay=1.0) as server:  # bound at once, listening after 1 s
        answer, took = probe({'socket': '127.0.0.1:%d' % bound.getsockname()[1]})
    assert answer['status'] == 200 and took >= 1.0 and len(server.requests) == 1


def test_probe_retries_until_the_unix_socket_appears(tmp_path):
    path = tmp_path / 'late.sock'
    with UwsgiServer(unix_listener(path), delay=1.0) as server:
        answer, took = probe({'socket': str(path)})
    assert answer['status'] == 200 and answer['headers']['x-webstack-release'] == 'r1' and took >= 1.0
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ('answer', 'hold', 'error'),
    [
        (None, 3.0, 'no complete answer within 1 s'),  # connected, never answers: the deadline holds
        (None, 0.0, 'closed without an answer'),
        (b'garbage\r\n\r\n', 0.0, 'not an HTTP response'),
        (b'HTTP/1.1 200 OK\r\nX-Cut: off', 0.0, 'not an HTTP response'),
    ],
)
def test_probe_failures_name_the_socket(answer, hold, error):
    bound = tcp_listener()
    address = '127.0.0.1:%d' % bound.getsockname()[1]
    with UwsgiServer(lambda: bound, answer=answer, hold=hold):
        result, took = probe({'socket': address, 'timeout': 1})
    assert result['status'] == -1 and error in result['error'] and address in result['error']
    assert took < 5


@pytest.mark.parametrize(
    'request_',
    [
        {'host': 'example.com'},
        {'socket': 'localhost', 'host': 'example.com'},
        {'socket': 'fd00::5:8001', 'host': 'example.com'},
        {'socket': '127.0.0.1:70000', 'host': 'example.com'},
        {'socket': '/run/x.sock'},
        {'socket': '/run/x.sock', 'host': 'example.com', 'path': 'health/'},
        {'socket': '/run/x.sock', 'host': 'example.com', 'scheme': 'ftp'},
        {'socket': '/run/x.sock', 'host': 'example.com', 'timeout': 0},
        {'socket': '/run/x.sock', 'host': 'example.com', 'timeout': True},
        {'socket': '/run/x.sock', 'host': 'example.com', 'path': '/' + 'x' * 70000},
    ],
)
def test_probe_refuses_a_bad_argument(request_):
    done = tool('probe', request_, check=False)
    assert done.returncode != 0 and done.stderr.startswith('probe: ') and not done.stdout


def test_probe_parses_ipv6_addresses():
    try:
        listener = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        listener.bind(('::1', 0))
    except OSError:
        pytest.skip('no IPv6 loopback')
    with UwsgiServer(lambda: listener):
        answer = probe({'socket': '[::1]:%d' % listener.getsockname()[1]})[0]
    assert answer['status'] == 200
