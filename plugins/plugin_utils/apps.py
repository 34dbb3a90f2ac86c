# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The app contract: validate Django app declarations and complete them.

An app is declared once (a dict).  :func:`normalize_app` validates one
declaration and returns it with every default applied plus the derived keys
(paths, unit names, what uWSGI binds and what nginx connects to, Django's
ALLOWED_HOSTS); :func:`normalize_apps` does that for a list and applies the
rules between apps; :func:`deployment` splits the normalized list into the
public part and the secrets (each app's env).  The filters of this collection
are thin wrappers around these functions.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ansible_collections.webstack.django.plugins.plugin_utils import values as v

# --- public constants ----------------------------------------------------------------------

DEFAULT_REDIS_DATABASES = 16
DEFAULT_DATA_DIRS = ('/srv', '/var/www')

# The env variable the database password is moved to (env is what every role keeps secret).
DB_PASSWORD_ENV = 'DJANGO_DB_PASSWORD'

# env variables the collection derives from app keys, with the app key to set instead.
RESERVED_ENV = {
    'DJANGO_SETTINGS_MODULE': 'settings_module',
    'DJANGO_ALLOWED_HOSTS': 'server_names',
    'DJANGO_STATIC_URL': 'static_url',
    'DJANGO_STATIC_ROOT': 'static_root',
    'DJANGO_MEDIA_URL': 'media_url',
    'DJANGO_MEDIA_ROOT': 'media_root',
    'DJANGO_DATA_DIR': 'root',
    'DJANGO_DB_ENGINE': 'database',
    'DJANGO_DB_NAME': 'database',
    'DJANGO_DB_USER': 'database',
    'DJANGO_DB_HOST': 'database',
    'DJANGO_DB_PORT': 'database',
    'DJANGO_REDIS_URL': 'cache',
}

# Accounts of the base system and of the services this collection (and its neighbours) install.
# An app's user or group is created for the app and owned by it: never one of these.
SYSTEM_ACCOUNTS = frozenset(
    (
        # Debian base-passwd / base-files, and the usual groups of Debian, Ubuntu and EL
        'root',
        'daemon',
        'bin',
        'sys',
        'sync',
        'games',
        'man',
        'lp',
        'mail',
        'news',
        'uucp',
        'proxy',
        'www-data',
        'backup',
        'list',
        'irc',
        'gnats',
        'nobody',
        'nogroup',
        'adm',
        'wheel',
        'sudo',
        'shadow',
        'staff',
        'users',
        'utmp',
        'tty',
        'disk',
        'kmem',
        'dialout',
        'fax',
        'voice',
        'cdrom',
        'floppy',
        'tape',
        'audio',
        'video',
        'plugdev',
        'netdev',
        'operator',
        'src',
        'sasl',
        'input',
        'kvm',
        'render',
        'sgx',
        'crontab',
        'ssh',
        'lock',
        'halt',
        'shutdown',
        'ftp',
        'dbus',
        'messagebus',
        'polkitd',
        'syslog',
        'uuidd',
        'tcpdump',
        'tss',
        'lxd',
        'landscape',
        'pollinate',
        'dnsmasq',
        'avahi',
        'ntp',
        'chrony',
        'sshd',
        'rpc',
        'rpcuser',
        'nfsnobody',
        'admin',
        'debian',
        'ubuntu',
        'cloud-user',
        'ec2-user',
        'centos',
        'fedora',
        'rocky',
        'almalinux',
        # services
        'nginx',
        'apache',
        'apache2',
        'httpd',
        'uwsgi',
        'mysql',
        'mariadb',
        'redis',
        'postgres',
        'postgresql',
        'memcache',
        'memcached',
        'git',
        'postfix',
        'postdrop',
        'exim',
        'dovecot',
        'bind',
        'named',
        'docker',
    )
)
SYSTEM_ACCOUNT_PREFIXES = ('systemd-',)

# Directories of the operating system: an app's root must be neither one of them nor inside one.
SYSTEM_DIRS = (
    '/etc',
    '/proc',
    '/sys',
    '/dev',
    '/boot',
    '/usr',
    '/bin',
    '/sbin',
    '/lib',
    '/lib32',
    '/lib64',
    '/libx32',
    '/run',
    '/tmp',
    '/var/tmp',
    '/var/lib',
    '/var/log',
    '/var/cache',
    '/var/spool',
    '/var/mail',
    '/root',
)
# Directories shared by the system and many apps: an app's root may be inside them, never one of them.
SHARED_DIRS = ('/var', '/home', '/opt', '/srv', '/mnt', '/media')

# MySQL/MariaDB accounts and schemas of the server itself (compared case-insensitively).
MYSQL_RESERVED_USERS = frozenset(('root', 'mysql', 'mariadb.sys', 'mysql.sys', 'mysql.session', 'mysql.infoschema', 'debian-sys-maint', 'public'))
MYSQL_SYSTEM_SCHEMAS = frozenset(('mysql', 'information_schema', 'performance_schema', 'sys'))

# Input keys, in the order they appear in a normalized app.
INPUT_KEYS = (
    'name',
    'root',
    'user',
    'group',
    'project',
    'wsgi_module',
    'settings_module',
    'static_url',
    'media_url',
    'static_root',
    'media_root',
    'socket',
    'public_socket',
    'server_names',
    'port',
    'default_server',
    'client_max_body_size',
    'processes',
    'threads',
    'max_requests',
    'listen',
    'harakiri',
    'env',
    'src',
    'git',
    'version',
    'requirements',
    'packages',
    'python',
    'database',
    'cache',
)
# Keys computed from the input keys; accepted on input only with the same value.
DERIVED_KEYS = (
    'socket_type',
    'runtime_dir',
    'socket_path',
    'uwsgi_socket',
    'nginx_upstream',
    'allowed_hosts',
    'code_dir',
    'venv_dir',
    'data_dir',
    'unit',
    'env_file',
)
DATABASE_KEYS = ('name', 'user', 'password', 'host', 'port', 'client_host')
CACHE_KEYS = ('db',)

_ALLOWED_KEYS = frozenset(INPUT_KEYS + DERIVED_KEYS)

# uWSGI integer options: (key, default, minimum).
_INT_OPTIONS = (
    ('processes', 2, 1),
    ('threads', 2, 1),
    ('max_requests', 1000, 1),
    ('listen', 1024, 1),
    ('harakiri', 30, 0),
)

_SERVER_NAME_RE = re.compile(r'(\*\.|\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?')
_BODY_SIZE_RE = re.compile(r'[0-9]+[kKmMgG]?')
_DB_NAME_RE = re.compile(r'[A-Za-z0-9_]{1,64}')
_DB_USER_RE = re.compile(r'[A-Za-z0-9_-]{1,32}')
_DB_CLIENT_HOST_RE = re.compile(r'[A-Za-z0-9.:%_-]{1,255}')

_LIST_RULE = 'webstack_apps must be a list of app declarations, got %s'
_DB_HOST_RULE = 'must be a host name, an IPv4 address, a bracketed IPv6 address or the absolute path of a unix socket'
_ARGUMENTS = 'filter argument'
_SHARED_DIR_SUFFIX = 'apps must not share static or media directories'


# --- single values with app-level meaning ---------------------------------------------------


def is_system_account(name: str) -> bool:
    """Whether ``name`` is an account of the system or of a service (see SYSTEM_ACCOUNTS)."""
    return name in SYSTEM_ACCOUNTS or name.startswith(SYSTEM_ACCOUNT_PREFIXES)


def _system_dir(path: str) -> str | None:
    """The system directory ``path`` is or is inside, or None."""
    return next((directory for directory in SYSTEM_DIRS if v.inside(path, directory)), None)


def check_arguments(redis_databases: Any, data_dirs: Any) -> tuple[int, tuple[str, ...]]:
    """Validate the filters' keyword arguments; return them normalized."""
    redis_databases = v.require_int(_ARGUMENTS, 'redis_databases', redis_databases, 1)
    if isinstance(data_dirs, str) or not isinstance(data_dirs, (list, tuple)):
        v.reject(_ARGUMENTS, 'data_dirs', 'must be a list of absolute paths', data_dirs)
    result = []
    for item in data_dirs:
        path = v.abs_path(_ARGUMENTS, 'data_dirs', item)
        system = _system_dir(path)
        if system is not None:
            v.reject(_ARGUMENTS, 'data_dirs', "items must not be the system directory '%s' or inside it" % system, item)
        result.append(path)
    return redis_databases, tuple(result)


def _label(app: Mapping, index: int | None) -> str:
    name = app.get('name')
    if isinstance(name, str) and v.NAME_RE.fullmatch(name):
        return "app '%s'" % name
    if index is not None:
        return 'app at index %d' % index
    return 'app'


def _check_keys(app: Any, index: int | None) -> str:
    """Check that ``app`` is a mapping without unknown keys; return its label for messages."""
    if not isinstance(app, Mapping):
        where = 'app' if index is None else 'app at index %d' % index
        v.fail('%s must be a mapping (dict), got %s' % (where, v.type_word(app)))
    label = _label(app, index)
    unknown = [key for key in app if key not in _ALLOWED_KEYS]
    if unknown:
        parts = []
        for key in sorted(unknown, key=repr):
            hint = difflib.get_close_matches(key, _ALLOWED_KEYS, n=1) if isinstance(key, str) else []
            parts.append(repr(str(key) if isinstance(key, str) else key) + (" (did you mean '%s'?)" % hint[0] if hint else ''))
        v.fail('%s: unknown key%s %s' % (label, 's' if len(parts) > 1 else '', ', '.join(parts)))
    return label


def _account(label: str, key: str, value: Any) -> str:
    name = v.unix_name(label, key, value)
    if is_system_account(name):
        v.reject(
            label,
            key,
            "must not be a system account: the collection refuses to take over an existing system account; "
            "choose a name of the app's own (user and group default to the app's name)",
            name,
        )
    return name


def _root(label: str, name: str, value: Any) -> str:
    if value is None:
        return '/srv/' + name
    root = v.abs_path(label, 'root', value)
    system = _system_dir(root)
    if system is not None:
        v.reject(
            label, 'root', "must not be the system directory '%s' or inside it; choose a directory of the app's own such as '/srv/%s'" % (system, name), value
        )
    if root in SHARED_DIRS:
        v.reject(
            label,
            'root',
            "must not be '%s' itself, a directory the system and other apps share; choose a directory of the app's own such as '%s/%s'" % (root, root, name),
            value,
        )
    return root


def _module(label: str, key: str, value: Any) -> str:
    v.require_str(label, key, value)
    if ':' in value:
        module = value.split(':', 1)[0]
        if key == 'wsgi_module':
            v.reject(label, key, "must be a module path without ':': the collection adds ':application', so write '%s'" % module, value)
        v.reject(label, key, "must be a module path without ':': Django imports the settings module itself, so write '%s'" % module, value)
    return v.dotted_module(label, key, value)


def _server_names(label: str, value: Any, name: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        v.reject(label, 'server_names', 'must be a list of strings', value)
    if not value:
        v.reject(label, 'server_names', 'must not be empty', value)
    result: list[str] = []
    for item in value:
        if not isinstance(item, str):
            v.reject(label, 'server_names', 'items must be strings', item)
        # The app's own name is the default, so it must stay valid even where it is no host name ('shop_2').
        if item not in ('_', name) and not _SERVER_NAME_RE.fullmatch(item):
            v.reject(label, 'server_names', "items must be host names (optionally starting with '*.' or '.'), '_', 'localhost' or the app name", item)
        lowered = item.lower()
        if lowered in result:
            v.reject(label, 'server_names', 'must not list a name twice', item)
        result.append(lowered)
    return result


def _env(label: str, value: Any) -> dict[str, str]:
    # Values are often secrets: messages name the variable, never its value (a YAML
    # scalar that is no string is shown as YAML read it, so the user can find it).
    if not isinstance(value, Mapping):
        v.fail('%s: env must be a mapping of variable names to values, got %s' % (label, v.type_word(value)))
    result = {}
    for key, item in value.items():
        if not isinstance(key, str) or not v.IDENT_RE.fullmatch(key):
            v.reject(label, 'env', 'keys must match ^[A-Za-z_][A-Za-z0-9_]*$', key)
        if key in RESERVED_ENV:
            v.fail("%s: env key '%s' is derived by the collection from the app key %s; set %s instead" % (label, key, RESERVED_ENV[key], RESERVED_ENV[key]))
        if isinstance(item, (bool, int, float)):
            v.fail("%s: env value for key '%s' must be a string, but YAML read it as %s: quote the value in the inventory" % (label, key, v.yaml_reading(item)))
        if not isinstance(item, str):
            v.fail("%s: env value for key '%s' must be a string, got %s" % (label, key, v.type_word(item)))
        if any(char in item for char in v.LINE_BREAKING):
            v.fail("%s: env value for key '%s' must not contain newline, carriage return or NUL characters" % (label, key))
        result[key] = item
    return result


def _requirements(label: str, value: Any) -> str:
    v.single_line(label, 'requirements', value, allow_empty=True)
    if value.startswith('/'):
        v.reject(label, 'requirements', 'must be relative to the project code directory', value)
    if '..' in value.split('/'):
        v.reject(label, 'requirements', "must not contain a '..' segment", value)
    return value


def _packages(label: str, value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        v.reject(label, 'packages', 'must be a list of strings', value)
    result = []
    for item in value:
        v.single_line(label, 'packages', item)
        if item.startswith('-'):
            v.reject(label, 'packages', "entries must be requirement specifiers, not pip options (it starts with '-')", item)
        if v.has_whitespace(item):
            v.reject(label, 'packages', 'entries must not contain whitespace (one requirement per entry, without options)', item)
        result.append(item)
    return result


def _python(label: str, value: Any) -> str:
    v.require_str(label, 'python', value)
    if value.endswith('/'):
        v.reject(label, 'python', "must be the path of an interpreter, not a directory ending in '/'", value)
    return v.abs_path(label, 'python', value)


def _sub_mapping(label: str, key: str, value: Any, allowed: tuple[str, ...]) -> Mapping:
    if not isinstance(value, Mapping):
        v.reject(label, key, 'must be a mapping', value)
    unknown = sorted((repr(str(item)) if isinstance(item, str) else repr(item)) for item in value if item not in allowed)
    if unknown:
        v.fail('%s: %s has unknown key%s %s (allowed: %s)' % (label, key, 's' if len(unknown) > 1 else '', ', '.join(unknown), ', '.join(allowed)))
    return value


def _socket_uses_nginx_port(label: str, socket: str, port: int, owner: str) -> None:
    if v.split_socket(socket)[1] == port:
        v.fail(
            "%s: socket '%s' uses port %d, which nginx listens on for app '%s'; nginx and uWSGI may share a host, so give the socket "
            "another port" % (label, socket, port, owner)
        )


# --- one app, section by section -------------------------------------------------------------


def _identity(label: str, app: Mapping, out: dict) -> None:
    """name, root, user, group and the Python names."""
    if app.get('name') is None:
        v.fail('%s: name is required' % label)
    name = out['name'] = v.unix_name(label, 'name', app['name'])
    out['root'] = _root(label, name, app.get('root'))
    out['user'] = _account(label, 'user', v.or_default(app.get('user'), name))
    out['group'] = _account(label, 'group', v.or_default(app.get('group'), name))
    project = out['project'] = v.identifier(label, 'project', v.or_default(app.get('project'), name.replace('-', '_')))
    out['wsgi_module'] = _module(label, 'wsgi_module', v.or_default(app.get('wsgi_module'), project + '.wsgi'))
    out['settings_module'] = _module(label, 'settings_module', v.or_default(app.get('settings_module'), project + '.settings'))


def _aliases(label: str, app: Mapping, out: dict, data_dirs: tuple[str, ...]) -> None:
    """static/media URL prefixes and the directories nginx aliases them to."""
    for key, default in (('static_url', '/static/'), ('media_url', '/media/')):
        value = app.get(key)
        out[key] = default if value is None else v.url_prefix(label, key, value)
    if v.overlaps(out['static_url'], out['media_url']):
        v.reject(label, 'media_url', "must differ from static_url '%s' and neither may be a prefix of the other" % out['static_url'], out['media_url'])

    root = out['root']
    code_dir, venv_dir, data_dir = root + '/src', root + '/venv', root + '/data'
    for key, leaf in (('static_root', 'static'), ('media_root', 'media')):
        value = app.get(key)
        path = '%s/%s' % (root, leaf) if value is None else v.abs_path(label, key, value)
        out[key] = path + '/'
        shown = out[key] if value is None else value
        # nginx serves everything below an alias: never the code, the virtualenv or the app's data.
        if v.inside(code_dir, path) or any(v.inside(path, private) or v.inside(private, path) for private in (venv_dir, data_dir)):
            v.reject(label, key, 'must not be the project root, code_dir, venv_dir, data_dir, one of their parents or inside venv_dir or data_dir', shown)
        if v.inside(path, code_dir):
            if key == 'media_root':
                v.reject(
                    label,
                    key,
                    "must not be inside code_dir '%s': a deploy replaces code_dir and would delete the uploads, so media must "
                    "live outside it (the default is '%s/media')" % (code_dir, root),
                    shown,
                )
            v.reject(
                label,
                key,
                "must not be inside code_dir '%s': a deploy replaces code_dir, so collected static files must live outside it "
                "(the default is '%s/static')" % (code_dir, root),
                shown,
            )
        if not (path.startswith(root + '/') or any(path.startswith(directory + '/') for directory in data_dirs)):
            v.reject(label, key, "must be inside root '%s' or inside one of data_dirs (%s)" % (root, ', '.join("'%s'" % d for d in data_dirs)), shown)
    if v.overlaps(out['static_root'], out['media_root']):
        v.reject(label, 'media_root', "must differ from static_root '%s' and neither may contain the other" % out['static_root'], out['media_root'])


def _serving(label: str, app: Mapping, out: dict) -> None:
    """The nginx server block and uWSGI process settings."""
    value = app.get('public_socket')
    out['public_socket'] = False if value is None else v.require_bool(label, 'public_socket', value)
    value = app.get('socket')
    out['socket'] = 'unix' if value is None else v.socket(label, value)
    if out['socket'] != 'unix' and v.split_socket(out['socket'])[0] in v.WILDCARD_HOSTS and not out['public_socket']:
        v.reject(
            label,
            'socket',
            'must not bind a wildcard address unless public_socket is true: the uwsgi protocol has no authentication '
            'and lets its peer run code, so bind a loopback or private address, or set public_socket: true if a '
            'firewall protects it',
            value,
        )
    value = app.get('server_names')
    out['server_names'] = [out['name']] if value is None else _server_names(label, value, out['name'])
    value = app.get('port')
    out['port'] = 80 if value is None else v.require_int(label, 'port', value, 1, 65535)
    if out['port'] == 443:
        v.reject(label, 'port', 'must not be 443: nginx would serve plain HTTP on the HTTPS port (HTTPS is not supported yet)', value)
    if out['socket'] != 'unix':
        _socket_uses_nginx_port(label, out['socket'], out['port'], out['name'])
    value = app.get('default_server')
    out['default_server'] = False if value is None else v.require_bool(label, 'default_server', value)
    value = v.require_str(label, 'client_max_body_size', v.or_default(app.get('client_max_body_size'), '10m'))
    if not _BODY_SIZE_RE.fullmatch(value):
        v.reject(label, 'client_max_body_size', 'must be a size like 10m (^[0-9]+[kKmMgG]?$)', value)
    out['client_max_body_size'] = value
    for key, default, minimum in _INT_OPTIONS:
        value = app.get(key)
        out[key] = default if value is None else v.require_int(label, key, value, minimum)


def _deployment(label: str, app: Mapping, out: dict) -> None:
    """Environment, where the code comes from and what goes into the virtualenv."""
    value = app.get('env')
    out['env'] = {} if value is None else _env(label, value)
    src, git, version = app.get('src'), app.get('git'), app.get('version')
    if (src is None) == (git is None):
        v.fail('%s: exactly one of src or git is required, got %s' % (label, 'neither' if src is None else 'both'))
    if src is not None:
        out['src'], out['git'] = v.single_line(label, 'src', src), None
        if version is not None:
            v.reject(label, 'version', 'must not be set for an app with src (version only applies to git)', version)
        out['version'] = None
    else:
        out['src'], out['git'] = None, v.git_word(label, 'git', git)
        if version is None:
            v.fail('%s: version is required with git: pin a tag, branch or commit, or write version: HEAD to follow the default branch' % label)
        out['version'] = v.git_word(label, 'version', version)
    value = app.get('requirements')
    out['requirements'] = 'requirements.txt' if value is None else _requirements(label, value)
    value = app.get('packages')
    out['packages'] = [] if value is None else _packages(label, value)
    value = app.get('python')
    out['python'] = None if value is None else _python(label, value)


def _database(label: str, app: Mapping, out: dict) -> None:
    """The app's MySQL/MariaDB database. The password moves into env, which every role keeps out of its output."""
    value = app.get('database')
    if value is None:
        out['database'] = None
        return
    _sub_mapping(label, 'database', value, DATABASE_KEYS)
    name = v.require_str(label, 'database.name', v.or_default(value.get('name'), out['name'].replace('-', '_')))
    if name.lower() in MYSQL_SYSTEM_SCHEMAS:
        v.reject(label, 'database.name', 'must not be a MySQL/MariaDB system schema: the app would get the grant tables', name)
    if not _DB_NAME_RE.fullmatch(name):
        v.reject(label, 'database.name', 'must match ^[A-Za-z0-9_]{1,64}$', name)
    user = v.require_str(label, 'database.user', v.or_default(value.get('user'), out['name']))
    if user.lower() in MYSQL_RESERVED_USERS:
        v.reject(label, 'database.user', "must not be root or a MySQL/MariaDB system account: the app would get root's login", user)
    if not _DB_USER_RE.fullmatch(user):
        v.reject(label, 'database.user', 'must match ^[A-Za-z0-9_-]{1,32}$', user)
    host = value.get('host')
    if host is not None:
        host = v.host(label, 'database.host', v.require_str(label, 'database.host', host), _DB_HOST_RULE, allow_path=True)
    port = value.get('port')
    port = 3306 if port is None else v.require_int(label, 'database.port', port, 1, 65535)
    client_host = v.require_str(label, 'database.client_host', v.or_default(value.get('client_host'), 'localhost'))
    if not _DB_CLIENT_HOST_RE.fullmatch(client_host):
        v.reject(label, 'database.client_host', 'must be a MySQL account host (^[A-Za-z0-9.:%_-]{1,255}$)', client_host)

    # Secret from here on: messages name the key, never the value.
    password = value.get('password')
    in_env = out['env'].get(DB_PASSWORD_ENV)
    if password is not None:
        rule = '%s: database.password must be a non-empty string on one line' % label
        if isinstance(password, (bool, int, float)):
            v.fail('%s, but YAML read it as %s: quote the value in the inventory' % (rule, v.type_word(password)))
        if not isinstance(password, str):
            v.fail('%s, got %s' % (rule, v.type_word(password)))
        if not password:
            v.fail('%s (it is empty)' % rule)
        line_break = v.line_break_in(password)
        if line_break is not None:
            v.fail('%s (it contains %s)' % (rule, line_break))
        if in_env is not None and in_env != password:
            v.fail('%s: database.password and env %s are both set and differ; set only one' % (label, DB_PASSWORD_ENV))
        out['env'] = dict(out['env'], **{DB_PASSWORD_ENV: password})
    elif not in_env:
        v.fail('%s: database.password is required (or env %s)' % (label, DB_PASSWORD_ENV))
    out['database'] = {'name': name, 'user': user, 'host': host, 'port': port, 'client_host': client_host}


def _cache(label: str, app: Mapping, out: dict, redis_databases: int) -> None:
    """The app's Redis database number; the server and its password are site settings."""
    value = app.get('cache')
    if value is None:
        out['cache'] = None
        return
    _sub_mapping(label, 'cache', value, CACHE_KEYS)
    if value.get('db') is None:
        v.fail('%s: cache.db is required (a Redis database number, 0-%d, one per app)' % (label, redis_databases - 1))
    db = v.require_int(label, 'cache.db', value['db'], 0)
    if db >= redis_databases:
        v.reject(label, 'cache.db', 'must be below redis_databases (%d, the number of databases the Redis server has)' % redis_databases, db)
    out['cache'] = {'db': db}


def allowed_hosts(server_names: Sequence[str]) -> list[str]:
    """Django's ALLOWED_HOSTS for nginx server names: '*.example.com' is '.example.com', '_' is '*'."""
    result: list[str] = []
    for name in server_names:
        host = '*' if name == '_' else name[1:] if name.startswith('*.') else name
        if host not in result:
            result.append(host)
    return result


def _derived(out: dict) -> dict:
    """The keys computed from the others: paths and names nobody may override."""
    name, root = out['name'], out['root']
    unix = out['socket'] == 'unix'
    socket_path = '/run/uwsgi-%s/%s.sock' % (name, name) if unix else None
    if unix:
        upstream = 'unix:' + socket_path
    else:
        host, port = v.split_socket(out['socket'])
        upstream = '%s:%d' % (v.LOOPBACK_FOR_WILDCARD.get(host, host), port)
    return {
        'socket_type': 'unix' if unix else 'tcp',
        'runtime_dir': '/run/uwsgi-%s' % name,
        'socket_path': socket_path,
        'uwsgi_socket': socket_path if unix else out['socket'],
        'nginx_upstream': upstream,
        'allowed_hosts': allowed_hosts(out['server_names']),
        'code_dir': root + '/src',
        'venv_dir': root + '/venv',
        'data_dir': root + '/data',
        'unit': 'uwsgi-%s' % name,
        'env_file': '/etc/webstack/%s.env' % name,
    }


def normalize_app(app: Any, index: int | None = None, redis_databases: Any = DEFAULT_REDIS_DATABASES, data_dirs: Any = DEFAULT_DATA_DIRS) -> dict[str, Any]:
    """Validate one app declaration and return a new, fully populated dict.

    ``index`` (position in a list) only labels error messages when the app has no
    valid name.  A normalized app is validated exactly like a raw one, so
    normalizing it again returns an equal dict.
    """
    redis_databases, data_dirs = check_arguments(redis_databases, data_dirs)
    label = _check_keys(app, index)
    out: dict[str, Any] = {}
    _identity(label, app, out)
    _aliases(label, app, out, data_dirs)
    _serving(label, app, out)
    _deployment(label, app, out)
    _database(label, app, out)
    _cache(label, app, out, redis_databases)
    derived = _derived(out)
    for key in DERIVED_KEYS:
        if key in app and app[key] != derived[key]:
            v.reject(label, key, 'is derived from the other keys and cannot be set (expected %s)' % v.shown(derived[key]), app[key])
    result = {key: out[key] for key in INPUT_KEYS}
    result.update(derived)
    return result


# --- the list -----------------------------------------------------------------------------


def _relation(first: str, second: str) -> str | None:
    """How directory ``first`` relates to directory ``second`` (both ending in '/'), or None if apart."""
    if first == second:
        return 'is the same directory as'
    if first.startswith(second):
        return 'is inside'
    if second.startswith(first):
        return 'contains'
    return None


def _check_directories(label: str, app: dict, other: dict) -> None:
    """No static or media directory of either app may equal, contain or be inside the other app's directories."""
    for key in ('static_root', 'media_root'):
        for other_key in ('root', 'static_root', 'media_root'):
            other_path = other[other_key] + ('/' if other_key == 'root' else '')
            relation = _relation(app[key], other_path)
            if relation is not None:
                v.fail(
                    "%s: %s '%s' %s %s '%s' of app '%s'; %s" % (label, key, app[key], relation, other_key, other[other_key], other['name'], _SHARED_DIR_SUFFIX)
                )
    for other_key in ('static_root', 'media_root'):
        relation = _relation(app['root'] + '/', other[other_key])
        if relation is not None:
            v.fail("%s: root '%s' %s %s '%s' of app '%s'; %s" % (label, app['root'], relation, other_key, other[other_key], other['name'], _SHARED_DIR_SUFFIX))


def _check_socket(label: str, socket: str, sockets: dict[str, str]) -> None:
    """A TCP socket must not bind what an earlier app's socket binds (``sockets``: socket -> app name)."""
    address, port = v.bound_address(socket)
    for other, owner in sockets.items():
        if other == socket:
            v.fail("%s: socket '%s' is already used by app '%s'" % (label, socket, owner))
        other_address, other_port = v.bound_address(other)
        if port != other_port:
            continue
        if address == other_address:
            v.fail("%s: socket '%s' is the same address as socket '%s' of app '%s' (localhost is 127.0.0.1)" % (label, socket, other, owner))
        if '*' in (address, other_address):
            v.fail(
                "%s: socket '%s' collides with socket '%s' of app '%s': a wildcard address binds every address on port %d" % (label, socket, other, owner, port)
            )


def _server_name_keys(name: str) -> tuple[str, ...]:
    """What nginx matches for a server name: '.example.com' is both 'example.com' and '*.example.com'."""
    if name.startswith('.'):
        return (name[1:], '*' + name)
    return (name,)


def normalize_apps(apps: Any, redis_databases: Any = DEFAULT_REDIS_DATABASES, data_dirs: Any = DEFAULT_DATA_DIRS) -> list[dict[str, Any]]:
    """Validate and normalize a list of app declarations and apply the rules between apps."""
    if not isinstance(apps, (list, tuple)):
        v.fail(_LIST_RULE % v.type_word(apps))
    redis_databases, data_dirs = check_arguments(redis_databases, data_dirs)
    result = [normalize_app(app, index, redis_databases, data_dirs) for index, app in enumerate(apps)]

    nginx_ports: dict[int, str] = {}
    for app in result:
        nginx_ports.setdefault(app['port'], app['name'])
    names: dict[str, int] = {}
    roots: dict[str, str] = {}
    tcp_sockets: dict[str, str] = {}
    listens: dict[tuple[int, str], tuple[str, str]] = {}
    defaults: dict[int, str] = {}
    databases: dict[str, str] = {}
    db_users: dict[str, str] = {}
    cache_dbs: dict[int, str] = {}
    for index, app in enumerate(result):
        label = "app '%s'" % app['name']
        if app['name'] in names:
            v.fail("%s: name '%s' is used by the apps at index %d and %d" % (label, app['name'], names[app['name']], index))
        names[app['name']] = index
        if app['root'] in roots:
            v.fail("%s: root '%s' is already used by app '%s'" % (label, app['root'], roots[app['root']]))
        for other_root, owner in roots.items():
            relation = _relation(app['root'] + '/', other_root + '/')
            if relation is not None:
                v.fail("%s: root '%s' %s root '%s' of app '%s'; app roots must not be nested" % (label, app['root'], relation, other_root, owner))
        roots[app['root']] = app['name']
        for other in result[:index]:
            _check_directories(label, app, other)
        if app['socket_type'] == 'tcp':
            _check_socket(label, app['socket'], tcp_sockets)
            tcp_sockets[app['socket']] = app['name']
            port = v.split_socket(app['socket'])[1]
            if port in nginx_ports:
                _socket_uses_nginx_port(label, app['socket'], port, nginx_ports[port])
        for server_name in app['server_names']:
            for key in _server_name_keys(server_name):
                seen = listens.get((app['port'], key))
                if seen is None:
                    continue
                owner, entry = seen
                if entry == server_name:
                    v.fail("%s: server_names entry '%s' on port %d is already used by app '%s'" % (label, server_name, app['port'], owner))
                v.fail(
                    "%s: server_names entry '%s' on port %d overlaps entry '%s' of app '%s' (a leading '.' stands for the name and all its "
                    "subdomains)" % (label, server_name, app['port'], entry, owner)
                )
            for key in _server_name_keys(server_name):
                listens[(app['port'], key)] = (app['name'], server_name)
        if app['database'] is not None:
            for key, seen_values in (('name', databases), ('user', db_users)):
                value = app['database'][key]
                if value in seen_values:
                    v.fail("%s: database.%s '%s' is already used by app '%s'" % (label, key, value, seen_values[value]))
                seen_values[value] = app['name']
        if app['cache'] is not None:
            if app['cache']['db'] in cache_dbs:
                v.fail("%s: cache.db %d is already used by app '%s'" % (label, app['cache']['db'], cache_dbs[app['cache']['db']]))
            cache_dbs[app['cache']['db']] = app['name']
        if app['default_server']:
            if app['port'] in defaults:
                v.fail(
                    "%s: default_server is already set by app '%s' for port %d; at most one app per port may set it"
                    % (label, defaults[app['port']], app['port'])
                )
            defaults[app['port']] = app['name']

    # No app claimed a port's default server: the first app listening on it does.
    for app in result:
        if app['port'] not in defaults:
            app['default_server'] = True
            defaults[app['port']] = app['name']
    return result


def deployment(apps: Any, redis_databases: Any = DEFAULT_REDIS_DATABASES, data_dirs: Any = DEFAULT_DATA_DIRS) -> dict[str, Any]:
    """The normalized apps without their env, and the envs (the secrets) by app name."""
    normalized = normalize_apps(apps, redis_databases, data_dirs)
    return {
        'apps': [{key: value for key, value in app.items() if key != 'env'} for app in normalized],
        'secrets': {app['name']: app['env'] for app in normalized},
    }


def alias_locations(app: Mapping) -> list[dict[str, str]]:
    """nginx location/alias pairs of a normalized app: static files, then media files."""
    return [
        {'kind': 'static', 'location': app['static_url'], 'alias': app['static_root']},
        {'kind': 'media', 'location': app['media_url'], 'alias': app['media_root']},
    ]
