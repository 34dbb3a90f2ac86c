# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The app contract: validate Django app declarations and complete them.

An app is declared once (a dict).  :func:`normalize_app` validates one
declaration and returns it with every default applied plus the derived keys
(the paths of the release layout, unit names, what uWSGI binds and what nginx
connects to, Django's ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS);
:func:`normalize_apps` does that for a list and applies the rules between apps;
:func:`deployment` splits the normalized list into the public part and the
secrets (each app's env, where the database password and SECRET_KEY end up).
The filters of this collection are thin wrappers around these functions.
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

# The env variables the database password and Django's SECRET_KEY are moved to (env is what every role keeps secret).
DB_PASSWORD_ENV = 'DJANGO_DB_PASSWORD'
SECRET_KEY_ENV = 'DJANGO_SECRET_KEY'

# Django's own rule for a weak SECRET_KEY (django.core.checks.security.base, check security.W009).
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
SECRET_KEY_INSECURE_PREFIX = 'django-insecure-'
SECRET_KEY_COMMAND = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"

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
    'DJANGO_CSRF_TRUSTED_ORIGINS': 'server_names',
    'DJANGO_SECURE_SSL_REDIRECT': 'tls',
    'DJANGO_SESSION_COOKIE_SECURE': 'tls',
    'DJANGO_CSRF_COOKIE_SECURE': 'tls',
    'DJANGO_SECURE_HSTS_SECONDS': 'tls',
    'DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS': 'tls',
    'DJANGO_SECURE_HSTS_PRELOAD': 'tls',
    # The ecosystem's names (django-environ, dj-database-url), set beside ours.
    'SECRET_KEY': 'secret_key',
    'ALLOWED_HOSTS': 'server_names',
    'DATABASE_URL': 'database',
    'REDIS_URL': 'cache',
}
# env names with this prefix are the collection's own (release, paths of the deploy tools).
RESERVED_ENV_PREFIX = 'WEBSTACK_'

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
    'tls',
    'balance',
    'max_fails',
    'fail_timeout',
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
    'system_packages',
    'python',
    'settings_overlay',
    'pre_switch_commands',
    'keep_releases',
    'health_url',
    'health_status',
    'database',
    'backup_before_migrate',
    'keep_backups',
    'cache',
    'schedule',
)
# Input keys holding a secret: moved into env, so a normalized app has none of them.
SECRET_INPUT_KEYS = ('secret_key',)
# Keys computed from the input keys; accepted on input only with the same value.
DERIVED_KEYS = (
    'socket_type',
    'socket_port',
    'runtime_dir',
    'socket_path',
    'uwsgi_socket',
    'nginx_upstream',
    'allowed_hosts',
    'csrf_trusted_origins',
    'releases_dir',
    'venvs_dir',
    'current_dir',
    'code_dir',
    'venv_dir',
    'data_dir',
    'backup_dir',
    'unit',
    'env_file',
)
DATABASE_KEYS = ('name', 'user', 'password', 'host', 'port', 'client_host')
CACHE_KEYS = ('db',)
TLS_KEYS = ('certificate', 'port', 'redirect', 'hsts_max_age', 'hsts_include_subdomains', 'hsts_preload', 'ocsp_stapling', 'chain', 'key')
# Where an app's certificate comes from: files from the inventory, an ACME CA (HTTP-01), or made on the web host.
TLS_CERTIFICATES = ('provided', 'acme', 'selfsigned')
# What the HSTS preload list requires (hstspreload.org): a year, and every subdomain.
HSTS_PRELOAD_MIN_AGE = 31536000
# Mozilla's recommendation for HTTPS sites, and what gixy-ng expects: two years.
HSTS_DEFAULT_MAX_AGE = 63072000

_ALLOWED_KEYS = frozenset(INPUT_KEYS + SECRET_INPUT_KEYS + DERIVED_KEYS)

# uWSGI integer options: (key, default, minimum).
_INT_OPTIONS = (
    ('processes', 2, 1),
    ('threads', 2, 1),
    ('max_requests', 1000, 1),
    ('listen', 1024, 1),
    ('harakiri', 30, 0),
)

# nginx's balancing methods for an app's upstream (round_robin is nginx's default, written as nothing).
BALANCE_METHODS = ('round_robin', 'least_conn', 'ip_hash', 'random')

_SERVER_NAME_RE = re.compile(r'(\*\.|\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?')
_BODY_SIZE_RE = re.compile(r'[0-9]+[kKmMgG]?')
_DB_NAME_RE = re.compile(r'[A-Za-z0-9_]{1,64}')
_DB_USER_RE = re.compile(r'[A-Za-z0-9_-]{1,32}')
_DB_CLIENT_HOST_RE = re.compile(r'[A-Za-z0-9.:%_-]{1,255}')
_SYSTEM_PACKAGE_RE = re.compile(r'[A-Za-z0-9][A-Za-z0-9+._:-]*')
# Printable ASCII without the space: what an HTTP request line carries unencoded.
_URL_PATH_RE = re.compile(r'/[!-~]*')
_PEM_CERTIFICATE_RE = re.compile(r'-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----')
_PEM_KEY_RE = re.compile(r'-----BEGIN ((RSA|EC) )?PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END ((RSA|EC) )?PRIVATE KEY-----')

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
            hint = difflib.get_close_matches(key, INPUT_KEYS + SECRET_INPUT_KEYS, n=1) if isinstance(key, str) else []
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
        if key.startswith(RESERVED_ENV_PREFIX):
            v.fail(
                "%s: env key '%s' starts with %s, a prefix reserved for the collection's own variables; choose another name" % (label, key, RESERVED_ENV_PREFIX)
            )
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


def _optional_mapping(label: str, app: Mapping, out: dict, key: str, allowed: tuple[str, ...]) -> Mapping | None:
    """The app's optional sub-mapping ``key``, its keys checked; absent, it is None in ``out`` too."""
    value = app.get(key)
    if value is None:
        out[key] = None
        return None
    return _sub_mapping(label, key, value, allowed)


def _socket_uses_nginx_port(label: str, socket: str, port: int, owner: str) -> None:
    if v.split_socket(socket)[1] == port:
        v.fail(
            "%s: socket '%s' uses port %d, which nginx listens on for app '%s'; nginx and uWSGI may share a host, so give the socket "
            "another port" % (label, socket, port, owner)
        )


def _layout(root: str) -> dict[str, str]:
    """The directories of the release layout below ``root`` that nginx must never serve."""
    return {
        'releases_dir': root + '/releases',
        'venvs_dir': root + '/venvs',
        'current_dir': root + '/current',
        'data_dir': root + '/data',
    }


def _string_list(label: str, key: str, value: Any) -> list[str]:
    """A list of non-empty one-line strings (a new list)."""
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        v.reject(label, key, 'must be a list of strings', value)
    result = []
    for item in value:
        if not isinstance(item, str):
            v.reject(label, key, 'entries must be strings', item)
        if not item:
            v.reject(label, key, 'entries must not be empty', item)
        if any(char in item for char in v.LINE_BREAKING):
            v.reject(label, key, 'entries must not contain newline, carriage return or NUL characters', item)
        result.append(item)
    return result


def _system_packages(label: str, value: Any) -> list[str]:
    result = _string_list(label, 'system_packages', value)
    for item in result:
        if item.startswith('-'):
            v.reject(label, 'system_packages', "entries must be package names, not options of the package manager (it starts with '-')", item)
        if not _SYSTEM_PACKAGE_RE.fullmatch(item):
            v.reject(label, 'system_packages', 'entries must be OS package names (^[A-Za-z0-9][A-Za-z0-9+._:-]*$, one package per entry, no spaces)', item)
    return result


def _health_url(label: str, value: Any) -> str:
    v.single_line(label, 'health_url', value)
    if not value.startswith('/'):
        v.reject(label, 'health_url', "must be a URL path starting with '/'", value)
    if v.has_whitespace(value):
        v.reject(label, 'health_url', 'must not contain whitespace', value)
    if not _URL_PATH_RE.fullmatch(value):
        v.reject(label, 'health_url', 'may only contain printable ASCII characters (percent-encode the others)', value)
    return value


_HTTP_STATUS_RULE = 'an HTTP status code (an integer 100-599)'


def _health_status(label: str, value: Any) -> list[int]:
    """One status or a list of them, normalized to a sorted list without repeats; [] accepts any status below 500."""
    if isinstance(value, bool) or not isinstance(value, (int, list, tuple)):
        v.reject(label, 'health_status', 'must be %s or a list of them' % _HTTP_STATUS_RULE, value)
    single = isinstance(value, int)
    items = [value] if single else value
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int) or not 100 <= item <= 599:
            rule = 'must be %s' % _HTTP_STATUS_RULE if single else 'entries must be HTTP status codes (integers 100-599)'
            v.reject(label, 'health_status', rule, item)
    return sorted({int(item) for item in items})


def _keep_releases(label: str, value: Any) -> int:
    if not isinstance(value, bool) and isinstance(value, int) and value < 2:
        v.reject(label, 'keep_releases', 'must be an integer >= 2: the previous release is what a roll-back switches to', value)
    return v.require_int(label, 'keep_releases', value, 2)


_JOB_KEYS = ('name', 'command', 'on_calendar')
_JOB_KEYS_TEXT = 'name, command and on_calendar'
_JOB_NAME_RE = re.compile(r'[a-z0-9]+(-[a-z0-9]+)*')


def _schedule(label: str, value: Any) -> list[dict[str, str]]:
    """Scheduled jobs: each a name (unique in the app), a shell command and a systemd calendar expression."""
    if isinstance(value, (str, Mapping)) or not isinstance(value, (list, tuple)):
        v.reject(label, 'schedule', 'must be a list of jobs, each a mapping with ' + _JOB_KEYS_TEXT, value)
    jobs: list[dict[str, str]] = []
    for index, job in enumerate(value):
        where = 'schedule[%d]' % index
        if not isinstance(job, Mapping):
            v.reject(label, where, 'must be a mapping with ' + _JOB_KEYS_TEXT, job)
        unknown = sorted(str(key) for key in job if key not in _JOB_KEYS)
        if unknown:
            v.fail('%s: %s takes only %s, got %s' % (label, where, _JOB_KEYS_TEXT, ', '.join(unknown)))
        missing = [key for key in _JOB_KEYS if job.get(key) is None]
        if missing:
            v.fail('%s: %s needs %s' % (label, where, ' and '.join(missing)))
        name = v.single_line(label, where + '.name', job['name'])
        if len(name) > 64 or not _JOB_NAME_RE.fullmatch(name):
            v.reject(label, where + '.name', 'must be lowercase letters and digits in words joined by single hyphens, at most 64 characters', name)
        if any(other['name'] == name for other in jobs):
            v.reject(label, where + '.name', 'must be unique within the app', name)
        jobs.append(
            {
                'name': name,
                'command': v.single_line(label, where + '.command', job['command']),
                'on_calendar': v.single_line(label, where + '.on_calendar', job['on_calendar']),
            }
        )
    return jobs


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
    layout = _layout(root)
    releases_dir, current_dir = layout['releases_dir'], layout['current_dir']
    for key, leaf in (('static_root', 'static'), ('media_root', 'media')):
        value = app.get(key)
        path = '%s/%s' % (root, leaf) if value is None else v.abs_path(label, key, value)
        out[key] = path + '/'
        shown = out[key] if value is None else value
        # nginx serves everything below an alias: never a release (code), a virtualenv or the app's data.
        if any(v.inside(private, path) for private in layout.values()) or any(v.inside(path, layout[private]) for private in ('venvs_dir', 'data_dir')):
            v.reject(
                label,
                key,
                'must not be the project root, releases_dir, venvs_dir, current_dir, data_dir, one of their parents or inside venvs_dir or data_dir',
                shown,
            )
        if v.inside(path, releases_dir) or v.inside(path, current_dir):
            if key == 'media_root':
                v.reject(
                    label,
                    key,
                    "must not be inside releases_dir '%s' or current_dir: each deploy builds a new release and old releases are deleted, "
                    "so the uploads would be lost; media must live outside them (the default is '%s/media')" % (releases_dir, root),
                    shown,
                )
            v.reject(
                label,
                key,
                "must not be inside releases_dir '%s' or current_dir: each deploy builds a new release and old releases are deleted, "
                "so collected static files must live outside them (the default is '%s/static')" % (releases_dir, root),
                shown,
            )
        for legacy in (root + '/src', root + '/venv'):
            if v.inside(legacy, path) or v.inside(path, legacy):
                v.reject(
                    label,
                    key,
                    "must not be or be inside '%s': versions before releases kept the code and virtualenv there, and the first release removes it" % legacy,
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
    _tls(label, app, out)
    if out['port'] == 443 and out['tls'] is None:
        v.reject(label, 'port', 'must not be 443 without tls: nginx would serve plain HTTP on the HTTPS port', value)
    if out['socket'] != 'unix':
        for port in [out['port']] + ([out['tls']['port']] if out['tls'] else []):
            _socket_uses_nginx_port(label, out['socket'], port, out['name'])
    value = app.get('default_server')
    out['default_server'] = False if value is None else v.require_bool(label, 'default_server', value)
    value = v.require_str(label, 'client_max_body_size', v.or_default(app.get('client_max_body_size'), '10m'))
    if not _BODY_SIZE_RE.fullmatch(value):
        v.reject(label, 'client_max_body_size', 'must be a size like 10m (^[0-9]+[kKmMgG]?$)', value)
    out['client_max_body_size'] = value
    for key, default, minimum in _INT_OPTIONS:
        value = app.get(key)
        out[key] = default if value is None else v.require_int(label, key, value, minimum)
    _balancing(label, app, out)


def _pem(label: str, key: str, value: Any, pattern: re.Pattern, what: str, secret: bool) -> str:
    """PEM text holding ``what``; a secret's messages never show the value."""
    if not isinstance(value, str) or not pattern.search(value):
        v.fail('%s: %s must be %s in PEM form, got %s' % (label, key, what, 'something else' if secret else v.type_word(value)))
    return value.strip() + '\n'


def _tls(label: str, app: Mapping, out: dict) -> None:
    """HTTPS: where the certificate comes from, its port, the redirect and HSTS."""
    value = _optional_mapping(label, app, out, 'tls', TLS_KEYS)
    if value is None:
        return
    certificate = value.get('certificate')
    if certificate not in TLS_CERTIFICATES:
        v.reject(label, 'tls.certificate', 'must be one of %s' % ', '.join(TLS_CERTIFICATES), certificate)
    port = value.get('port')
    port = 443 if port is None else v.require_int(label, 'tls.port', port, 1, 65535)
    if port == out['port']:
        v.reject(label, 'tls.port', 'must differ from port %d (nginx serves plain HTTP there)' % out['port'], port)
    redirect = value.get('redirect')
    redirect = True if redirect is None else v.require_bool(label, 'tls.redirect', redirect)
    max_age = value.get('hsts_max_age')
    max_age = HSTS_DEFAULT_MAX_AGE if max_age is None else v.require_int(label, 'tls.hsts_max_age', max_age, 0)
    flags = {}
    for key in ('hsts_include_subdomains', 'hsts_preload', 'ocsp_stapling'):
        flags[key] = False if value.get(key) is None else v.require_bool(label, 'tls.' + key, value[key])
    if flags['hsts_preload'] and not (flags['hsts_include_subdomains'] and max_age >= HSTS_PRELOAD_MIN_AGE):
        v.fail('%s: tls.hsts_preload needs tls.hsts_include_subdomains and tls.hsts_max_age of at least %d (a year)' % (label, HSTS_PRELOAD_MIN_AGE))
    if max_age == 0 and (flags['hsts_include_subdomains'] or flags['hsts_preload']):
        v.fail('%s: tls.hsts_include_subdomains and tls.hsts_preload need tls.hsts_max_age above 0 (HSTS is off at 0)' % label)
    chain, key = value.get('chain'), value.get('key')
    if certificate == 'provided':
        chain = _pem(label, 'tls.chain', chain, _PEM_CERTIFICATE_RE, 'the certificate followed by its intermediates', secret=False)
        # Secret from here on: messages name the key, never the value.
        key = _pem(label, 'tls.key', key, _PEM_KEY_RE, 'a private key (unencrypted)', secret=True)
    else:
        if chain is not None or key is not None:
            v.fail('%s: tls.chain and tls.key are for tls.certificate provided only, not %s' % (label, certificate))
        if flags['ocsp_stapling'] and certificate == 'selfsigned':
            v.fail('%s: tls.ocsp_stapling needs a certificate from a CA with an OCSP responder, not a self-signed one' % label)
    if certificate == 'acme':
        # HTTP-01 proves control of each name by a request to it: no wildcard, no catch-all, no address.
        for name in out['server_names']:
            if name == '_' or name.startswith(('*.', '.')) or v.NUMERIC_RE.fullmatch(name) or '.' not in name:
                v.fail(
                    "%s: server_names entry '%s' cannot get an ACME certificate (HTTP-01 needs a full DNS name: no wildcard, "
                    "no '_', no address, no single label such as localhost); use tls.certificate provided for it" % (label, name)
                )
    out['tls'] = dict(certificate=certificate, port=port, redirect=redirect, hsts_max_age=max_age, chain=chain, key=key, **flags)


def _balancing(label: str, app: Mapping, out: dict) -> None:
    """How nginx spreads an app's requests over its app hosts and when it sets one aside."""
    value = app.get('balance')
    out['balance'] = 'round_robin' if value is None else v.require_str(label, 'balance', value)
    if out['balance'] not in BALANCE_METHODS:
        v.reject(label, 'balance', 'must be one of %s' % ', '.join(BALANCE_METHODS), value)
    value = app.get('max_fails')
    out['max_fails'] = 1 if value is None else v.require_int(label, 'max_fails', value, 0)
    value = app.get('fail_timeout')
    out['fail_timeout'] = 10 if value is None else v.require_int(label, 'fail_timeout', value, 1)


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
    value = app.get('system_packages')
    out['system_packages'] = [] if value is None else _system_packages(label, value)
    value = app.get('settings_overlay')
    out['settings_overlay'] = True if value is None else v.require_bool(label, 'settings_overlay', value)


def _release(label: str, app: Mapping, out: dict) -> None:
    """How a release is verified before it goes live, how many are kept, and the backups before migrations."""
    value = app.get('pre_switch_commands')
    out['pre_switch_commands'] = [] if value is None else _string_list(label, 'pre_switch_commands', value)
    value = app.get('keep_releases')
    out['keep_releases'] = 5 if value is None else _keep_releases(label, value)
    value = app.get('health_url')
    out['health_url'] = '/' if value is None else _health_url(label, value)
    value = app.get('health_status')
    out['health_status'] = [] if value is None else _health_status(label, value)
    value = app.get('backup_before_migrate')
    out['backup_before_migrate'] = True if value is None else v.require_bool(label, 'backup_before_migrate', value)
    value = app.get('keep_backups')
    out['keep_backups'] = 5 if value is None else v.require_int(label, 'keep_backups', value, 1)


def _weak_secret_key(key: str) -> list[str]:
    """Which of Django's rules for a weak SECRET_KEY (check security.W009) ``key`` breaks."""
    reasons = []
    if key.startswith(SECRET_KEY_INSECURE_PREFIX):
        reasons.append("it starts with '%s': Django's insecure default" % SECRET_KEY_INSECURE_PREFIX)
    if len(key) < SECRET_KEY_MIN_LENGTH:
        reasons.append('too short: %d characters of %d' % (len(key), SECRET_KEY_MIN_LENGTH))
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        reasons.append('too few distinct characters: %d of %d' % (len(set(key)), SECRET_KEY_MIN_UNIQUE_CHARACTERS))
    return reasons


def _secret_text(label: str, key: str, value: Any) -> None:
    """A secret must be a non-empty one-line string; messages name the key, never the value."""
    rule = '%s: %s must be a non-empty string on one line' % (label, key)
    if isinstance(value, (bool, int, float)):
        v.fail('%s, but YAML read it as %s: quote the value in the inventory' % (rule, v.type_word(value)))
    if not isinstance(value, str):
        v.fail('%s, got %s' % (rule, v.type_word(value)))
    if not value:
        v.fail('%s (it is empty)' % rule)
    line_break = v.line_break_in(value)
    if line_break is not None:
        v.fail('%s (it contains %s)' % (rule, line_break))


def _secret_key(label: str, app: Mapping, out: dict) -> None:
    """Django's SECRET_KEY moves into env like the database password; none declared means the host makes one."""
    # Secret: messages name the key, never the value.
    key = app.get('secret_key')
    in_env = out['env'].get(SECRET_KEY_ENV)
    if key is None:
        if in_env == '':
            v.fail('%s: env %s must not be empty: set secret_key, or leave both out and a key is made on the host' % (label, SECRET_KEY_ENV))
        # A key given in env is the app's own choice, except on a site served over HTTPS: production.
        reasons = _weak_secret_key(in_env) if out['tls'] and in_env else []
        if reasons:
            v.fail(
                "%s: env %s is weak by Django's check security.W009 (%s), refused with tls; make one with %s"
                % (label, SECRET_KEY_ENV, '; '.join(reasons), SECRET_KEY_COMMAND)
            )
        return
    _secret_text(label, 'secret_key', key)
    reasons = _weak_secret_key(key)
    if reasons:
        v.fail("%s: secret_key is weak by Django's check security.W009 (%s); make one with %s" % (label, '; '.join(reasons), SECRET_KEY_COMMAND))
    if in_env is not None and in_env != key:
        v.fail('%s: secret_key and env %s are both set and differ; set only one' % (label, SECRET_KEY_ENV))
    out['env'] = dict(out['env'], **{SECRET_KEY_ENV: key})


def _database(label: str, app: Mapping, out: dict) -> None:
    """The app's MySQL/MariaDB database. The password moves into env, which every role keeps out of its output."""
    value = _optional_mapping(label, app, out, 'database', DATABASE_KEYS)
    if value is None:
        return
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
        _secret_text(label, 'database.password', password)
        if in_env is not None and in_env != password:
            v.fail('%s: database.password and env %s are both set and differ; set only one' % (label, DB_PASSWORD_ENV))
        out['env'] = dict(out['env'], **{DB_PASSWORD_ENV: password})
    elif not in_env:
        v.fail('%s: database.password is required (or env %s)' % (label, DB_PASSWORD_ENV))
    out['database'] = {'name': name, 'user': user, 'host': host, 'port': port, 'client_host': client_host}


def _cache(label: str, app: Mapping, out: dict, redis_databases: int) -> None:
    """The app's Redis database number; the server and its password are site settings."""
    value = _optional_mapping(label, app, out, 'cache', CACHE_KEYS)
    if value is None:
        return
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


def csrf_trusted_origins(server_names: Sequence[str]) -> list[str]:
    """Django's CSRF_TRUSTED_ORIGINS for nginx server names: both schemes; '.example.com' is '*.example.com'; '_' is none."""
    result: list[str] = []
    for name in server_names:
        if name == '_':
            continue
        host = '*' + name if name.startswith('.') else name
        for origin in ('http://' + host, 'https://' + host):
            if origin not in result:
                result.append(origin)
    return result


def _derived(out: dict) -> dict:
    """The keys computed from the others: paths and names nobody may override."""
    name, layout = out['name'], _layout(out['root'])
    unix = out['socket'] == 'unix'
    socket_path = '/run/uwsgi-%s/%s.sock' % (name, name) if unix else None
    host, port = (None, None) if unix else v.split_socket(out['socket'])
    # A private socket's address is each app host's own: the site playbook supplies it.
    socket_type = 'unix' if unix else 'private' if host == v.PRIVATE_HOST else 'tcp'
    if unix:
        upstream = 'unix:' + socket_path
    elif socket_type == 'tcp':
        upstream = '%s:%d' % (v.LOOPBACK_FOR_WILDCARD.get(host, host), port)
    else:
        upstream = None
    return {
        'socket_type': socket_type,
        'socket_port': port,
        'runtime_dir': '/run/uwsgi-%s' % name,
        'socket_path': socket_path,
        'uwsgi_socket': socket_path if unix else out['socket'] if socket_type == 'tcp' else None,
        'nginx_upstream': upstream,
        'allowed_hosts': allowed_hosts(out['server_names']),
        'csrf_trusted_origins': csrf_trusted_origins(out['server_names']),
        'releases_dir': layout['releases_dir'],
        'venvs_dir': layout['venvs_dir'],
        'current_dir': layout['current_dir'],
        # current -> releases/<id>: the serving release's code, and its virtualenv (a link into venvs_dir).
        'code_dir': layout['current_dir'] + '/src',
        'venv_dir': layout['current_dir'] + '/venv',
        'data_dir': layout['data_dir'],
        'backup_dir': layout['data_dir'] + '/backups',
        'unit': 'uwsgi-%s' % name,
        'env_file': '/etc/webstack/%s.env' % name,
    }


def _shown_derived(value: Any) -> str:
    """A derived key's value for a message: a list of strings (host names, origins) is shown whole, being no secret."""
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return '[%s]' % ', '.join(v.shown(item) for item in value)
    return v.shown(value)


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
    _secret_key(label, app, out)
    _release(label, app, out)
    _database(label, app, out)
    _cache(label, app, out, redis_databases)
    value = app.get('schedule')
    out['schedule'] = [] if value is None else _schedule(label, value)
    derived = _derived(out)
    for key in DERIVED_KEYS:
        if key in app and app[key] != derived[key]:
            v.fail(
                '%s: %s is derived from the other keys and cannot be set (expected %s), got %s'
                % (label, key, _shown_derived(derived[key]), _shown_derived(app[key]))
            )
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
    tls_ports: dict[int, str] = {}
    for app in result:
        nginx_ports.setdefault(app['port'], app['name'])
        if app['tls']:
            tls_ports.setdefault(app['tls']['port'], app['name'])
    # One nginx listener is either plain HTTP or TLS.
    for app in result:
        if app['port'] in tls_ports:
            v.fail("app '%s': port %d is app '%s''s tls.port; a port serves either plain HTTP or HTTPS" % (app['name'], app['port'], tls_ports[app['port']]))
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
        if app['socket_type'] != 'unix':
            _check_socket(label, app['socket'], tcp_sockets)
            tcp_sockets[app['socket']] = app['name']
            port = v.split_socket(app['socket'])[1]
            for ports in (nginx_ports, tls_ports):
                if port in ports:
                    _socket_uses_nginx_port(label, app['socket'], port, ports[port])
        for port in [app['port']] + ([app['tls']['port']] if app['tls'] else []):
            for server_name in app['server_names']:
                for key in _server_name_keys(server_name):
                    seen = listens.get((port, key))
                    if seen is None:
                        continue
                    owner, entry = seen
                    if entry == server_name:
                        v.fail("%s: server_names entry '%s' on port %d is already used by app '%s'" % (label, server_name, port, owner))
                    v.fail(
                        "%s: server_names entry '%s' on port %d overlaps entry '%s' of app '%s' (a leading '.' stands for the name and all "
                        "its subdomains)" % (label, server_name, port, entry, owner)
                    )
                for key in _server_name_keys(server_name):
                    listens[(port, key)] = (app['name'], server_name)
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
    """The normalized apps without secrets; the envs by app name; the provided TLS keys by app name."""
    normalized = normalize_apps(apps, redis_databases, data_dirs)
    public = []
    for app in normalized:
        shown = {key: value for key, value in app.items() if key != 'env'}
        if shown['tls'] is not None:
            shown['tls'] = {key: value for key, value in shown['tls'].items() if key != 'key'}
        public.append(shown)
    return {
        'apps': public,
        'secrets': {app['name']: app['env'] for app in normalized},
        'tls_keys': {app['name']: app['tls']['key'] for app in normalized if app['tls'] and app['tls']['key']},
    }


def alias_locations(app: Mapping) -> list[dict[str, str]]:
    """nginx location/alias pairs of a normalized app: static files, then media files."""
    return [
        {'kind': 'static', 'location': app['static_url'], 'alias': app['static_root']},
        {'kind': 'media', 'location': app['media_url'], 'alias': app['media_root']},
    ]
