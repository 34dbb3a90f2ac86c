# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Releases of a Django app: build, verify, switch, roll back, prune.

An app's root holds::

    releases/<id>/src        the code of one release (read-only, root's)
    releases/<id>/venv       symlink to its virtualenv, venvs/<key>
    releases/<id>/RELEASE    the id, which uWSGI sends as a response header
    venvs/<key>/             virtualenvs, keyed by what pip put into them
    current, previous        symlinks to releases/<id>: what serves, what served before

The role runs the root-side commands as root with the system's Python (standard library
only); ``steps`` runs as the app's user, with the release's virtualenv and the app's
settings, through webstack-manage.  Every command prints one JSON document.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time

COMPLETE = '.webstack-complete'
LEGACY = ('src', 'venv', 'src.tar.gz')
# Requirements that name code of the release itself: such a virtualenv cannot be shared.
LOCAL_REQUIREMENT = re.compile(r'^\s*(-e\s+|--editable\s+)?(\.|/|file:)')
INCLUDE = re.compile(r'^\s*(-r|--requirement|-c|--constraint)[\s=]+(\S+)')


def emit(document):
    json.dump(document, sys.stdout, sort_keys=True)
    sys.stdout.write('\n')


def release_of(link):
    """The release id a symlink such as current points to, or ''."""
    try:
        return os.path.basename(os.readlink(link))
    except OSError:
        return ''


def python_version(python):
    try:
        argv = [python, '-c', 'import platform; print(platform.python_version())']
        out = subprocess.run(argv, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return ''
    return out.stdout.strip()


def unit_state(name):
    """Whether a systemd unit is active and whether it is enabled (false where systemctl cannot say)."""

    def ask(verb):
        try:
            return subprocess.run(['systemctl', verb, name], capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return ''

    return {'active': ask('is-active') == 'active', 'enabled': ask('is-enabled') == 'enabled'}


def state(args):
    """What each app root holds, the interpreters' versions and, with 'units' (a glob of unit files), those units'
    state: one call per host and run."""
    request = json.loads(args[0])
    apps = {}
    for root in request['roots']:
        releases_dir = os.path.join(root, 'releases')
        complete = []
        if os.path.isdir(releases_dir):
            complete = sorted(name for name in os.listdir(releases_dir) if os.path.exists(os.path.join(releases_dir, name, COMPLETE)))
        apps[root] = {
            'current': release_of(os.path.join(root, 'current')),
            'previous': release_of(os.path.join(root, 'previous')),
            'complete': complete,
        }
    document = {'apps': apps, 'pythons': {python: python_version(python) for python in request['pythons']}}
    if 'units' in request:
        document['units'] = {os.path.basename(path): unit_state(os.path.basename(path)) for path in sorted(glob.glob(request['units']))}
    emit(document)


def requirement_files(src, name, seen):
    """The requirements file and those it includes (-r, -c), relative to the code."""
    path = os.path.normpath(os.path.join(src, name))
    if not path.startswith(src + os.sep) or path in seen or not os.path.isfile(path):
        return
    seen.append(path)
    with open(path, encoding='utf-8', errors='replace') as handle:
        for line in handle:
            match = INCLUDE.match(line)
            if match:
                requirement_files(src, os.path.relpath(os.path.join(os.path.dirname(path), match.group(2)), src), seen)


def unpack(args):
    """Make releases/<id>/src from an archive or a git commit; report what its virtualenv needs.

    The tree is built beside the releases and renamed into place, so a release directory
    is either whole or absent.  The virtualenv key hashes the requirements files with the
    interpreter and the packages: a code-only change reuses the virtualenv (no pip run).
    """
    request = json.loads(args[0])
    root, release = request['root'], request['release']
    releases_dir = os.path.join(root, 'releases')
    os.makedirs(releases_dir, mode=0o755, exist_ok=True)
    final = os.path.join(releases_dir, release)
    building = os.path.join(releases_dir, '.building-' + release)
    for path in (building, final):
        shutil.rmtree(path, ignore_errors=True)
    for name in os.listdir(releases_dir):  # uploads of releases never unpacked
        if name.startswith('.') and name.endswith('.tar.gz') and os.path.join(releases_dir, name) != request.get('archive'):
            os.unlink(os.path.join(releases_dir, name))
    src = os.path.join(building, 'src')
    os.makedirs(src, mode=0o755)
    if request.get('archive'):
        with tarfile.open(request['archive']) as archive:
            if hasattr(tarfile, 'data_filter'):
                archive.extractall(src, filter='data')
            else:  # Python < 3.12 without the backported filters: the archive is our own
                archive.extractall(src)
        os.unlink(request['archive'])
    else:
        git = subprocess.Popen(['git', '-C', request['git_dir'], 'archive', '--format=tar', request['commit']], stdout=subprocess.PIPE)
        with tarfile.open(fileobj=git.stdout, mode='r|') as archive:
            archive.extractall(src)
        if git.wait() != 0:
            raise SystemExit('git archive of %s failed' % request['commit'])
    for directory, dirs, files in os.walk(src):
        for name in dirs + files:
            path = os.path.join(directory, name)
            if not os.path.islink(path):
                os.chmod(path, 0o755 if os.path.isdir(path) else (0o755 if os.stat(path).st_mode & 0o100 else 0o644))
            if os.geteuid() == 0:  # root's code, which the app cannot change (tests run unprivileged)
                os.lchown(path, 0, 0)
    with open(os.path.join(building, 'RELEASE'), 'w') as handle:
        handle.write(release + '\n')

    files, digest, local, names = [], hashlib.sha256(), False, []
    if request['requirements']:
        requirement_files(src, request['requirements'], files)
    for path in files:
        with open(path, 'rb') as handle:
            content = handle.read()
        digest.update(os.path.relpath(path, src).encode() + b'\0' + content + b'\0')
        for line in content.decode('utf-8', 'replace').splitlines():
            local = local or bool(LOCAL_REQUIREMENT.match(line))
            match = re.match(r'\s*([A-Za-z0-9][A-Za-z0-9._-]*)', line)
            if match:
                names.append(match.group(1).lower().replace('_', '-'))
    digest.update(json.dumps(request['venv_inputs'], sort_keys=True).encode())
    if local:
        digest.update(request['release'].encode())
    key = digest.hexdigest()[:16]
    os.chmod(building, 0o755)
    os.rename(building, final)
    venv = os.path.join(root, 'venvs', key)
    emit({'venv_key': key, 'venv': venv, 'venv_complete': os.path.exists(os.path.join(venv, COMPLETE)), 'requirement_names': sorted(set(names))})


def link(args):
    """Tie a release to its built virtualenv and mark both complete (after verification)."""
    request = json.loads(args[0])
    release_dir = os.path.join(request['root'], 'releases', request['release'])
    venv = os.path.join(request['root'], 'venvs', request['venv_key'])
    open(os.path.join(venv, COMPLETE), 'w').close()
    target = os.path.join('..', '..', 'venvs', request['venv_key'])
    if os.path.islink(os.path.join(release_dir, 'venv')):
        os.unlink(os.path.join(release_dir, 'venv'))
    os.symlink(target, os.path.join(release_dir, 'venv'))
    emit({'changed': True})


def replace_link(root, name, release):
    """Point root/name at releases/<release> atomically (rename over the old link)."""
    tmp = os.path.join(root, '.%s.%d' % (name, os.getpid()))
    os.symlink(os.path.join('releases', release), tmp)
    os.rename(tmp, os.path.join(root, name))


def switch(args):
    """Make a release current; the one it replaces becomes previous."""
    request = json.loads(args[0])
    root, release = request['root'], request['release']
    if request.get('verified'):
        open(os.path.join(root, 'releases', release, COMPLETE), 'w').close()
    if not os.path.exists(os.path.join(root, 'releases', release, COMPLETE)):
        raise SystemExit('release %s of %s is not complete' % (release, root))
    current = release_of(os.path.join(root, 'current'))
    if current == release:
        emit({'changed': False, 'current': current, 'previous': release_of(os.path.join(root, 'previous'))})
        return
    if current:
        replace_link(root, 'previous', current)
    replace_link(root, 'current', release)
    now = time.time()
    os.utime(os.path.join(root, 'releases', release), (now, now))
    emit({'changed': True, 'current': release, 'previous': current})


def prune(args):
    """Keep the newest releases (current and previous always), and the virtualenvs they use.

    Also removes the single-tree layout of earlier versions (src, venv) once a release serves.
    """
    request = json.loads(args[0])
    root, keep = request['root'], request['keep']
    releases_dir, venvs_dir = os.path.join(root, 'releases'), os.path.join(root, 'venvs')
    pinned = {release_of(os.path.join(root, 'current')), release_of(os.path.join(root, 'previous'))} - {''}
    entries = sorted(
        (name for name in os.listdir(releases_dir) if os.path.isdir(os.path.join(releases_dir, name))),
        key=lambda name: os.stat(os.path.join(releases_dir, name)).st_mtime,
        reverse=True,
    )
    kept = set(pinned)
    for name in entries:
        if len(kept) >= keep:
            break
        if not name.startswith('.'):
            kept.add(name)
    removed = []
    for name in entries:
        if name not in kept:
            shutil.rmtree(os.path.join(releases_dir, name))
            removed.append(name)
    used = {
        os.path.basename(os.readlink(os.path.join(releases_dir, name, 'venv'))) for name in kept if os.path.islink(os.path.join(releases_dir, name, 'venv'))
    }
    for name in os.listdir(venvs_dir) if os.path.isdir(venvs_dir) else []:
        if name not in used and os.path.exists(os.path.join(venvs_dir, name, COMPLETE)):
            shutil.rmtree(os.path.join(venvs_dir, name))
            removed.append('venvs/' + name)
    if pinned:
        for name in LEGACY:
            path = os.path.join(root, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
                removed.append(name)
            elif os.path.lexists(path):
                os.unlink(path)
                removed.append(name)
    emit({'changed': bool(removed), 'removed': removed})


def secret_keys(args):
    """Each named app's generated SECRET_KEY (<dir>/<name>.secret-key, root's, 0600), made once.

    With ``read_only`` (Ansible's check mode) a missing key is not made, only named in ``created``.
    """
    import secrets

    request = json.loads(args[0])
    keys, created = {}, []
    for name in request['names']:
        path = os.path.join(request['dir'], name + '.secret-key')
        if not os.path.exists(path) and request.get('read_only'):
            created.append(name)
            continue
        if not os.path.exists(path):
            descriptor = os.open(path + '.new', os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, 'w') as handle:
                handle.write(secrets.token_urlsafe(50) + '\n')
            os.rename(path + '.new', path)
            created.append(name)
        with open(path) as handle:
            keys[name] = handle.read().strip()
    emit({'keys': keys, 'created': created})


def probe(args):
    """Ask one uWSGI for a page over the uwsgi protocol, as nginx's uwsgi_pass does, without nginx.

    The deploy's health check uses it on an app host drained from the load balancer.  The
    request carries the variables of nginx's uwsgi_params, HTTP_HOST and HTTP_USER_AGENT.  The
    connection is retried every 0.5 s while it is refused or a unix socket is missing (uWSGI
    restarting), until the deadline (``timeout`` seconds for everything); the answer is read to
    its end, uWSGI closing the connection.  Prints the status, the headers (lower-case names, the
    last of repeated ones) and the start of the body, or status -1 and the error: exits 0 either
    way, non-zero only for a bad argument.
    """
    import socket
    import struct
    from urllib.parse import unquote_to_bytes

    try:
        request = json.loads(args[0])
    except ValueError as error:
        raise SystemExit('probe: the argument is not JSON: %s' % error) from None
    if not isinstance(request, dict):
        raise SystemExit('probe: the argument is not a JSON object')
    target, host = request.get('socket'), request.get('host')
    path, scheme, timeout = request.get('path', '/'), request.get('scheme', 'http'), request.get('timeout', 30)
    address = None
    if isinstance(target, str) and target.startswith('/'):
        address = target
    elif isinstance(target, str):
        match = re.match(r'^(?:\[([0-9A-Fa-f:.]+(?:%\w+)?)\]|([^:\[\]/\s]+)):(\d{1,5})$', target)
        if match and 0 < int(match.group(3)) < 65536:
            address = (match.group(1) or match.group(2), int(match.group(3)))
    if address is None:
        raise SystemExit('probe: socket must be a unix socket path or HOST:PORT ([IPv6]:PORT), not %r' % (target,))
    if not isinstance(host, str) or not re.match(r'^[^\s/?#@]+$', host):
        raise SystemExit('probe: host must be a host name, not %r' % (host,))
    if not isinstance(path, str) or not re.match(r'^/\S*$', path):
        raise SystemExit('probe: path must start with / and hold no spaces, not %r' % (path,))
    if scheme not in ('http', 'https'):
        raise SystemExit('probe: scheme must be http or https, not %r' % (scheme,))
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise SystemExit('probe: timeout must be a number of seconds above 0, not %r' % (timeout,))

    def packet(remote_port):
        """The request as nginx's uwsgi_params would send it, with REMOTE_PORT the probe's own."""
        document_uri, query = path.split('#')[0].partition('?')[::2]
        params = [
            ('QUERY_STRING', query),
            ('REQUEST_METHOD', 'GET'),
            ('CONTENT_TYPE', ''),
            ('CONTENT_LENGTH', ''),
            ('REQUEST_URI', path.split('#')[0]),
            ('PATH_INFO', unquote_to_bytes(document_uri)),  # nginx's $document_uri: percent-decoded
            ('DOCUMENT_ROOT', '/usr/share/nginx/html'),
            ('SERVER_PROTOCOL', 'HTTP/1.1'),
            ('REQUEST_SCHEME', scheme),
        ]
        if scheme == 'https':
            params.append(('HTTPS', 'on'))  # nginx: `HTTPS $https if_not_empty`
        params += [
            ('REMOTE_ADDR', '127.0.0.1'),
            ('REMOTE_PORT', str(remote_port)),
            ('SERVER_PORT', '443' if scheme == 'https' else '80'),
            ('SERVER_NAME', host),
            ('HTTP_HOST', host),
            ('HTTP_USER_AGENT', 'webstack-probe'),
        ]
        block = b''
        for name, value in params:
            data = value if isinstance(value, bytes) else value.encode('utf-8')
            if len(block) + 4 + len(name) + len(data) > 0xFFFF:
                raise SystemExit('probe: the request is too long for the uwsgi protocol (its datasize is 16 bits)')
            block += struct.pack('<H', len(name)) + name.encode('ascii') + struct.pack('<H', len(data)) + data
        return struct.pack('<BHB', 0, len(block), 0) + block  # modifier1 0 (WSGI), datasize, modifier2 0

    packet(65535)  # refuses, before connecting, a path too long to send

    def fail(reason):
        emit({'status': -1, 'error': 'uWSGI at %s: %s' % (target, reason)})

    deadline = time.monotonic() + timeout
    connection = None
    while connection is None:
        if isinstance(address, str):
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            if connection is None:
                connection = socket.create_connection(address, timeout=max(deadline - time.monotonic(), 0.001))
            else:
                connection.settimeout(max(deadline - time.monotonic(), 0.001))
                connection.connect(address)
        except OSError as error:
            if connection is not None:
                connection.close()
                connection = None
            refused = isinstance(error, (ConnectionRefusedError, FileNotFoundError))
            if refused and deadline - time.monotonic() > 0:  # not listening yet: uWSGI restarting
                time.sleep(min(0.5, deadline - time.monotonic()))
                continue
            if refused:
                return fail('%s, still after %g s' % ('no such socket' if isinstance(error, FileNotFoundError) else 'connection refused', timeout))
            if deadline - time.monotonic() <= 0:
                return fail('no connection within %g s' % timeout)
            return fail('cannot connect: %s' % (error.strerror or error))

    chunks, size = [], 0
    with connection:
        try:
            connection.settimeout(max(deadline - time.monotonic(), 0.001))
            connection.sendall(packet(connection.getsockname()[1] if connection.family != socket.AF_UNIX else 0))
            while True:
                if deadline - time.monotonic() <= 0:
                    return fail('no complete answer within %g s' % timeout)
                connection.settimeout(deadline - time.monotonic())
                chunk = connection.recv(65536)
                if not chunk:  # uWSGI closes the connection after the response
                    break
                if size < 1 << 20:  # a megabyte is kept, the rest read and dropped
                    chunks.append(chunk)
                    size += len(chunk)
        except OSError as error:
            if deadline - time.monotonic() <= 0:
                return fail('no complete answer within %g s' % timeout)
            return fail('the connection failed: %s' % (error.strerror or error))

    response = b''.join(chunks)
    if not response:
        return fail('the connection closed without an answer')
    head, separator, body = response.partition(b'\r\n\r\n')
    if not separator:
        head, separator, body = response.partition(b'\n\n')
    lines = head.decode('latin-1').splitlines()
    match = re.match(r'^HTTP/\d(?:\.\d)? (\d{3})(?: |$)', lines[0] if lines else '')
    if not separator or not match:
        return fail('not an HTTP response: %r' % response[:200])
    headers = {}
    for line in lines[1:]:
        name, colon, value = line.partition(':')
        if colon and name.strip():
            headers[name.strip().lower()] = value.strip()
    emit({'status': int(match.group(1)), 'headers': headers, 'body': body.decode('utf-8', 'replace')[:4000]})
    return None


# --- as the app's user, in the release's virtualenv, with the app's settings ---------------


def tail(text, lines=25):
    return '\n'.join(text.strip().splitlines()[-lines:])


def steps(args):
    """Verify a release, then (with --apply) back up, migrate (unless migrate is false) and collect its static files.

    Runs in the release's src directory: the WSGI module imports, `check` passes, the
    user's pre-switch commands pass.  Stops at the first failure and reports the step
    and the tail of its output; exits 0 either way, the JSON says what happened.
    """
    request = json.loads(args[0])
    report = {'failed': None, 'output': '', 'migrated': False, 'collected': 0, 'backup': ''}
    sys.path.insert(0, os.getcwd())

    def run(step, function):
        if report['failed']:
            return None
        try:
            return function()
        except BaseException as error:  # a failing command raises SystemExit: report it too
            import traceback

            report['failed'] = step
            report['output'] = tail(getattr(error, 'webstack_output', '') or traceback.format_exc())
            return None

    def shell(command):
        done = subprocess.run(['/bin/sh', '-c', command], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            error = RuntimeError('exit %d' % done.returncode)
            error.webstack_output = (done.stdout + done.stderr) or 'exit status %d' % done.returncode
            raise error
        return done

    def setup():
        import django

        django.setup()

    def wsgi():
        import importlib

        return importlib.import_module(request['wsgi_module']).application

    def command(*argv):
        import io
        import traceback

        from django.core.management import call_command

        out, err = io.StringIO(), io.StringIO()
        try:
            call_command(*argv, stdout=out, stderr=err)
        except BaseException as error:
            error.webstack_output = out.getvalue() + err.getvalue() + '\n' + traceback.format_exc()
            raise
        return out.getvalue()

    def pending_migrations():
        from django.db import connections
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connections['default'])
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))

    def backup():
        os.makedirs(request['backup_dir'], mode=0o700, exist_ok=True)
        stamp = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
        path = os.path.join(request['backup_dir'], '%s-%s-before-%s.sql.gz' % (os.environ['DJANGO_DB_NAME'], stamp, request['release']))
        host = os.environ.get('DJANGO_DB_HOST', '')
        where = ['--socket=' + host] if host.startswith('/') else ['--host=' + host, '--port=' + os.environ.get('DJANGO_DB_PORT', '3306')]
        env = dict(os.environ, MYSQL_PWD=os.environ['DJANGO_DB_PASSWORD'])
        dump = [shutil.which('mariadb-dump') or 'mysqldump', '--single-transaction', '--no-tablespaces', '--routines', '--user=' + os.environ['DJANGO_DB_USER']]
        partial = path + '.partial'
        with open(partial, 'wb') as handle:
            dumper = subprocess.Popen(dump + where + [os.environ['DJANGO_DB_NAME']], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
            gzip = subprocess.Popen(['gzip', '-c'], stdin=dumper.stdout, stdout=handle)
            dumper.stdout.close()
            errors = dumper.stderr.read().decode('utf-8', 'replace')
            if dumper.wait() != 0 or gzip.wait() != 0:
                os.unlink(partial)
                error = RuntimeError('mysqldump failed')
                error.webstack_output = errors
                raise error
        os.rename(partial, path)
        dumps = sorted(name for name in os.listdir(request['backup_dir']) if name.endswith('.sql.gz'))
        for name in dumps[: max(0, len(dumps) - request['keep_backups'])]:
            os.unlink(os.path.join(request['backup_dir'], name))
        report['backup'] = path

    run('import the settings', setup)
    run('import the WSGI application ' + request['wsgi_module'], wsgi)
    run('manage.py check', lambda: command('check'))
    for index, line in enumerate(request['pre_switch_commands']):
        run('pre_switch_commands[%d] (%s)' % (index, line), lambda line=line: shell(line))
    if request['apply']:
        # One host of several sharing a database migrates it; the others only collect.
        if request.get('migrate', True):
            if request['backup'] and run('look for unapplied migrations', pending_migrations):
                run('back up the database before migrating', backup)
            output = run('manage.py migrate', lambda: command('migrate', '--noinput'))
            report['migrated'] = bool(output) and 'No migrations to apply.' not in output
        output = run('manage.py collectstatic', lambda: command('collectstatic', '--noinput'))
        match = re.search(r'^(\d+) static files? copied', output or '', re.M)
        report['collected'] = int(match.group(1)) if match else 0
    emit(report)


COMMANDS = {'secret-keys': secret_keys, 'state': state, 'unpack': unpack, 'link': link, 'switch': switch, 'prune': prune, 'probe': probe, 'steps': steps}

if __name__ == '__main__':
    if len(sys.argv) != 3 or sys.argv[1] not in COMMANDS:
        sys.exit('usage: %s {%s} JSON' % (os.path.basename(sys.argv[0]), ','.join(COMMANDS)))
    COMMANDS[sys.argv[1]](sys.argv[2:])
