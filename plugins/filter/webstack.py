# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters that tie nginx and uWSGI together for Django apps.

An app is declared once (a dict); ``django_apps`` validates a list of such
declarations and fills in defaults and derived paths, and the small link
filters (``uwsgi_socket``, ``nginx_upstream``, ``alias_locations``) derive the
values both sides of the stack need from that same normalized declaration.
"""

from __future__ import annotations

import difflib
import ipaddress
import keyword
import re
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

# All patterns are used with fullmatch(): '$' would also match before a
# trailing newline, which is exactly what must never slip into a config file.
_NAME_RE = re.compile(r'[a-z][a-z0-9_-]{0,30}')
_IDENT_RE = re.compile(r'[A-Za-z_][A-Za-z0-9_]*')
_URL_CHARS_RE = re.compile(r'[A-Za-z0-9._~/-]+')
_PATH_CHARS_RE = re.compile(r'[A-Za-z0-9._~/+@-]+')
_SERVER_NAME_RE = re.compile(r'(\*\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?')
_BODY_SIZE_RE = re.compile(r'[0-9]+[kKmMgG]?')
_HOST_LABEL_RE = re.compile(r'[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?')
_NUMERIC_HOST_RE = re.compile(r'[0-9.]+')
_IPV4_OCTET = r'(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
_IPV4_RE = re.compile(r'%s(\.%s){3}' % (_IPV4_OCTET, _IPV4_OCTET))
_IPV6_CHARS_RE = re.compile(r'[0-9A-Fa-f:.]+')
_PORT_RE = re.compile(r'[0-9]{1,5}')
_WHITESPACE_RE = re.compile(r'\s')
_DB_NAME_RE = re.compile(r'[A-Za-z0-9_]{1,64}')
_DB_USER_RE = re.compile(r'[A-Za-z0-9_-]{1,32}')
_DB_CLIENT_HOST_RE = re.compile(r'[A-Za-z0-9.:%_-]{1,255}')

# The data tier: keys of the ``database`` and ``cache`` mappings, and the env
# variable the database password is moved to (env is what every role keeps secret).
_DATABASE_KEYS = ('name', 'user', 'password', 'host', 'port', 'client_host')
_CACHE_KEYS = ('db',)
DB_PASSWORD_ENV = 'DJANGO_DB_PASSWORD'
_REDIS_DATABASES = 16

_LINE_BREAKING = ('\n', '\r', '\x00')

# Input keys, in the order they appear in a normalized app.
_INPUT_KEYS = (
    'name', 'root', 'user', 'group', 'project', 'wsgi_module', 'settings_module',
    'static_url', 'media_url', 'static_root', 'media_root',
    'socket', 'server_names', 'port', 'default_server', 'client_max_body_size',
    'processes', 'threads', 'max_requests', 'listen', 'harakiri',
    'env', 'src', 'git', 'version', 'requirements', 'packages', 'python',
    'database', 'cache',
)
# Keys computed from the input keys; accepted on input only with the same value.
_DERIVED_KEYS = ('socket_type', 'runtime_dir', 'socket_dir', 'socket_path', 'code_dir', 'venv_dir', 'data_dir', 'unit', 'env_file')
_ALLOWED_KEYS = frozenset(_INPUT_KEYS + _DERIVED_KEYS)

# uWSGI integer options: (key, default, minimum).
_INT_OPTIONS = (
    ('processes', 2, 1),
    ('threads', 2, 1),
    ('max_requests', 1000, 1),
    ('listen', 1024, 1),
    ('harakiri', 30, 0),
)

_NAME_RULE = "must match ^[a-z][a-z0-9_-]{0,30}$ (a lowercase letter, then up to 30 lowercase letters, digits, '_' or '-')"
_SOCKET_RULE = "must be 'unix' or 'HOST:PORT' (HOST an IPv4 address, a hostname or a bracketed IPv6 address, PORT 1-65535)"


def _shown(value):
    """Render a rejected value for an error message (plain types, never containers' contents)."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, str):
        return repr(str(value))
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, float):
        return repr(float(value))
    return _type_word(value)


def _type_word(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'a boolean'
    if isinstance(value, str):
        return 'a string'
    if isinstance(value, (int, float)):
        return 'a number'
    if isinstance(value, Mapping):
        return 'a mapping'
    if isinstance(value, (list, tuple)):
        return 'a list'
    return 'a value of type %s' % type(value).__name__


def _err(label, key, rule, value):
    """Build the error for a rejected value: "<app label>: <key> <rule>, got <value>"."""
    return AnsibleFilterError('%s: %s %s, got %s' % (label, key, rule, _shown(value)))


def _label(app, index):
    name = app.get('name')
    if isinstance(name, str) and _NAME_RE.fullmatch(name):
        return "app '%s'" % name
    if index is not None:
        return 'app at index %d' % index
    return 'app'


def _or(value, default):
    """``default`` when ``value`` is null: a key set to null counts as not given."""
    return default if value is None else value


def _code_dir(out):
    return out['root'] + '/src'


def _venv_dir(out):
    return out['root'] + '/venv'


def _data_dir(out):
    return out['root'] + '/data'


def _require_str(label, key, value):
    if not isinstance(value, str):
        raise _err(label, key, 'must be a string', value)
    return value


def _require_int(label, key, value, minimum, maximum=None):
    if isinstance(value, bool) or not isinstance(value, int):
        raise _err(label, key, 'must be an integer', value)
    if value < minimum or (maximum is not None and value > maximum):
        if maximum is None:
            raise _err(label, key, 'must be an integer >= %d' % minimum, value)
        raise _err(label, key, 'must be an integer between %d and %d' % (minimum, maximum), value)
    return int(value)


def _check_segments(label, key, value, body):
    """Reject empty, '.' and '..' segments in ``body`` (a path without leading/trailing '/')."""
    for segment in body.split('/'):
        if segment == '':
            raise _err(label, key, "must not contain an empty segment ('//')", value)
        if segment in ('.', '..'):
            raise _err(label, key, "must not contain a '.' or '..' segment", value)


def _strip_slashes(label, key, value):
    """Return ``value`` without its leading '/' and one optional trailing '/'."""
    body = value[1:]
    if body.endswith('/'):
        body = body[:-1]
    if body == '':
        raise _err(label, key, "must not be '/' alone", value)
    return body


def _slash_path(label, key, value, chars_re, chars_text, start_rule):
    """Validate a '/'-rooted path (URL prefix or directory); return it without the outer slashes."""
    _require_str(label, key, value)
    if not value.startswith('/'):
        raise _err(label, key, start_rule, value)
    if not chars_re.fullmatch(value):
        raise _err(label, key, 'may only contain the characters ' + chars_text, value)
    body = _strip_slashes(label, key, value)
    _check_segments(label, key, value, body)
    return body


def _url_prefix(label, key, value):
    """Validate a URL prefix; return it with exactly one trailing '/'."""
    return '/%s/' % _slash_path(label, key, value, _URL_CHARS_RE, 'A-Z a-z 0-9 . _ ~ / -', "must start with '/'")


def _abs_path(label, key, value):
    """Validate an absolute path; return it without a trailing '/'."""
    return '/' + _slash_path(label, key, value, _PATH_CHARS_RE, 'A-Z a-z 0-9 . _ ~ / + @ -',
                             "must be an absolute path (start with '/')")


def _overlaps(first, second):
    """Whether one of two '/'-terminated prefixes is a prefix of (or equal to) the other."""
    return first.startswith(second) or second.startswith(first)


def _dotted_module(label, key, value):
    _require_str(label, key, value)
    parts = value.split('.')
    if not all(_IDENT_RE.fullmatch(part) and not keyword.iskeyword(part) for part in parts):
        raise _err(label, key, 'must be a dotted Python module path (identifiers separated by dots)', value)
    return value


def _socket(label, value):
    """Return the normalized ``socket``: 'unix' or 'HOST:PORT'."""
    if not isinstance(value, str):
        raise _err(label, 'socket', _SOCKET_RULE, value)
    if value == 'unix':
        return value
    host, sep, port = value.rpartition(':')
    if not sep or not host:
        raise _err(label, 'socket', _SOCKET_RULE, value)
    if host.startswith('[') or host.endswith(']'):
        inner = host[1:-1]
        if not (host.startswith('[') and host.endswith(']')) or not _IPV6_CHARS_RE.fullmatch(inner):
            raise _err(label, 'socket', _SOCKET_RULE, value)
        try:
            address = ipaddress.IPv6Address(inner)
        except ValueError:
            raise _err(label, 'socket', 'has an invalid IPv6 address', value) from None
        host = '[%s]' % address.compressed
    elif _NUMERIC_HOST_RE.fullmatch(host):
        if not _IPV4_RE.fullmatch(host):
            raise _err(label, 'socket', 'has an invalid IPv4 address', value)
    else:
        labels = host.split('.')
        if len(host) > 253 or not all(_HOST_LABEL_RE.fullmatch(part) for part in labels):
            raise _err(label, 'socket', _SOCKET_RULE + '; IPv6 addresses must be in brackets', value)
        host = host.lower()
    if not _PORT_RE.fullmatch(port) or not 1 <= int(port) <= 65535:
        raise _err(label, 'socket', 'must end with a port between 1 and 65535', value)
    return '%s:%d' % (host, int(port))


def _server_names(label, value, name):
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise _err(label, 'server_names', 'must be a list of strings', value)
    if not value:
        raise _err(label, 'server_names', 'must not be empty', value)
    result = []
    for item in value:
        if not isinstance(item, str):
            raise _err(label, 'server_names', 'items must be strings', item)
        # The app's own name is the default, so it must stay valid even where it is no host name ('shop_2').
        if item not in ('_', name) and not _SERVER_NAME_RE.fullmatch(item):
            raise _err(label, 'server_names', "items must be host names (optionally starting with '*.'), '_', 'localhost' or the app name", item)
        lowered = item.lower()
        if lowered in result:
            raise _err(label, 'server_names', 'must not list a name twice', item)
        result.append(lowered)
    return result


def _env(label, value):
    # Values are often secrets: messages name the variable, never its value.
    if not isinstance(value, Mapping):
        raise AnsibleFilterError('%s: env must be a mapping of variable names to values, got %s' % (label, _type_word(value)))
    result = {}
    for key, item in value.items():
        if not isinstance(key, str) or not _IDENT_RE.fullmatch(key):
            raise _err(label, 'env', 'keys must match ^[A-Za-z_][A-Za-z0-9_]*$', key)
        if isinstance(item, str):
            text = item
        elif isinstance(item, (bool, int, float)):
            text = str(item)
        else:
            raise AnsibleFilterError(
                "%s: env value for key '%s' must be a string, number or boolean, got %s" % (label, key, _type_word(item)))
        if any(char in text for char in _LINE_BREAKING):
            raise AnsibleFilterError(
                "%s: env value for key '%s' must not contain newline, carriage return or NUL characters" % (label, key))
        result[key] = text
    return result


def _single_line(label, key, value, allow_empty=False):
    _require_str(label, key, value)
    if not value and not allow_empty:
        raise _err(label, key, 'must not be empty', value)
    if any(char in value for char in _LINE_BREAKING):
        raise _err(label, key, 'must not contain newline, carriage return or NUL characters', value)
    return value


def _git_word(label, key, value):
    """A git URL or ref: one non-empty word that git cannot mistake for an option."""
    _single_line(label, key, value)
    if _WHITESPACE_RE.search(value):
        raise _err(label, key, 'must not contain whitespace', value)
    if value.startswith('-'):
        raise _err(label, key, "must not start with '-'", value)
    return value


def _requirements(label, value):
    _single_line(label, 'requirements', value, allow_empty=True)
    if value.startswith('/'):
        raise _err(label, 'requirements', 'must be relative to the project code directory', value)
    if '..' in value.split('/'):
        raise _err(label, 'requirements', "must not contain a '..' segment", value)
    return value


def _packages(label, value):
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise _err(label, 'packages', 'must be a list of strings', value)
    return [_single_line(label, 'packages', item) for item in value]


def _python(label, value):
    _require_str(label, 'python', value)
    if value.endswith('/'):
        raise _err(label, 'python', "must be the path of an interpreter, not a directory ending in '/'", value)
    return _abs_path(label, 'python', value)


def _check_keys(app, index):
    """Check that ``app`` is a mapping without unknown keys; return its label for messages."""
    if not isinstance(app, Mapping):
        where = 'app' if index is None else 'app at index %d' % index
        raise AnsibleFilterError('%s must be a mapping (dict), got %s' % (where, _type_word(app)))
    label = _label(app, index)
    unknown = [key for key in app if key not in _ALLOWED_KEYS]
    if unknown:
        parts = []
        for key in sorted(unknown, key=repr):
            hint = difflib.get_close_matches(key, _ALLOWED_KEYS, n=1) if isinstance(key, str) else []
            parts.append(repr(str(key) if isinstance(key, str) else key) + (" (did you mean '%s'?)" % hint[0] if hint else ''))
        raise AnsibleFilterError('%s: unknown key%s %s' % (label, 's' if len(parts) > 1 else '', ', '.join(parts)))
    return label


def _unix_name(label, key, value):
    _require_str(label, key, value)
    if not _NAME_RE.fullmatch(value):
        raise _err(label, key, _NAME_RULE, value)
    return value


def _identifier(label, key, value):
    _require_str(label, key, value)
    if not _IDENT_RE.fullmatch(value) or keyword.iskeyword(value):
        raise _err(label, key, 'must be a Python identifier (^[A-Za-z_][A-Za-z0-9_]*$, not a keyword)', value)
    return value


def _identity(label, app, out):
    """name, root, user, group and the Python names."""
    if app.get('name') is None:
        raise AnsibleFilterError('%s: name is required' % label)
    name = out['name'] = _unix_name(label, 'name', app['name'])
    root = app.get('root')
    out['root'] = '/srv/' + name if root is None else _abs_path(label, 'root', root)
    out['user'] = _unix_name(label, 'user', _or(app.get('user'), name))
    out['group'] = _unix_name(label, 'group', _or(app.get('group'), name))
    project = out['project'] = _identifier(label, 'project', _or(app.get('project'), name.replace('-', '_')))
    out['wsgi_module'] = _dotted_module(label, 'wsgi_module', _or(app.get('wsgi_module'), project + '.wsgi'))
    out['settings_module'] = _dotted_module(label, 'settings_module', _or(app.get('settings_module'), project + '.settings'))


def _aliases(label, app, out):
    """static/media URL prefixes and the directories nginx aliases them to."""
    for key, default in (('static_url', '/static/'), ('media_url', '/media/')):
        value = app.get(key)
        out[key] = default if value is None else _url_prefix(label, key, value)
    if _overlaps(out['static_url'], out['media_url']):
        raise _err(label, 'media_url', "must differ from static_url '%s' and neither may be a prefix of the other" % out['static_url'], out['media_url'])

    code_dir, private_dirs = _code_dir(out), (_venv_dir(out) + '/', _data_dir(out) + '/')
    for key, leaf in (('static_root', 'static'), ('media_root', 'media')):
        value = app.get(key)
        out[key] = ('%s/%s' % (out['root'], leaf) if value is None else _abs_path(label, key, value)) + '/'
        # nginx serves everything below an alias: never the code, the virtualenv or the app's data.
        if (code_dir + '/').startswith(out[key]) or any(_overlaps(out[key], private) for private in private_dirs):
            raise _err(label, key, 'must not be the project root, code_dir, venv_dir, data_dir, one of their parents or inside venv_dir or data_dir',
                       out[key] if value is None else value)
    if _overlaps(out['static_root'], out['media_root']):
        raise _err(label, 'media_root', "must differ from static_root '%s' and neither may contain the other" % out['static_root'], out['media_root'])


def _serving(label, app, out):
    """The nginx server block and uWSGI process settings."""
    value = app.get('socket')
    out['socket'] = 'unix' if value is None else _socket(label, value)
    value = app.get('server_names')
    out['server_names'] = [out['name']] if value is None else _server_names(label, value, out['name'])
    value = app.get('port')
    out['port'] = 80 if value is None else _require_int(label, 'port', value, 1, 65535)
    value = app.get('default_server')
    if value is not None and not isinstance(value, bool):
        raise _err(label, 'default_server', 'must be a boolean', value)
    out['default_server'] = bool(value)
    value = _require_str(label, 'client_max_body_size', _or(app.get('client_max_body_size'), '10m'))
    if not _BODY_SIZE_RE.fullmatch(value):
        raise _err(label, 'client_max_body_size', 'must be a size like 10m (^[0-9]+[kKmMgG]?$)', value)
    out['client_max_body_size'] = value
    for key, default, minimum in _INT_OPTIONS:
        value = app.get(key)
        out[key] = default if value is None else _require_int(label, key, value, minimum)


def _deployment(label, app, out):
    """Environment, where the code comes from and what goes into the virtualenv."""
    value = app.get('env')
    out['env'] = {} if value is None else _env(label, value)
    src, git = app.get('src'), app.get('git')
    if (src is None) == (git is None):
        raise AnsibleFilterError('%s: exactly one of src or git is required, got %s' % (label, 'neither' if src is None else 'both'))
    out['src'] = None if src is None else _single_line(label, 'src', src)
    out['git'] = None if git is None else _git_word(label, 'git', git)
    out['version'] = _git_word(label, 'version', _or(app.get('version'), 'HEAD'))
    value = app.get('requirements')
    out['requirements'] = 'requirements.txt' if value is None else _requirements(label, value)
    value = app.get('packages')
    out['packages'] = [] if value is None else _packages(label, value)
    value = app.get('python')
    out['python'] = None if value is None else _python(label, value)


def _sub_mapping(label, key, value, allowed):
    if not isinstance(value, Mapping):
        raise _err(label, key, 'must be a mapping', value)
    unknown = sorted((repr(str(item)) if isinstance(item, str) else repr(item)) for item in value if item not in allowed)
    if unknown:
        raise AnsibleFilterError('%s: %s has unknown key%s %s (allowed: %s)'
                                 % (label, key, 's' if len(unknown) > 1 else '', ', '.join(unknown), ', '.join(allowed)))
    return value


def _database(label, app, out):
    """The app's MySQL/MariaDB database. The password moves into env, which every role keeps out of its output."""
    value = app.get('database')
    if value is None:
        out['database'] = None
        return
    _sub_mapping(label, 'database', value, _DATABASE_KEYS)
    name = _require_str(label, 'database.name', _or(value.get('name'), out['name'].replace('-', '_')))
    if not _DB_NAME_RE.fullmatch(name):
        raise _err(label, 'database.name', 'must match ^[A-Za-z0-9_]{1,64}$', name)
    user = _require_str(label, 'database.user', _or(value.get('user'), out['name']))
    if not _DB_USER_RE.fullmatch(user):
        raise _err(label, 'database.user', 'must match ^[A-Za-z0-9_-]{1,32}$', user)
    host = value.get('host')
    if host is not None:
        _require_str(label, 'database.host', host)
        if host.startswith('/'):
            host = _abs_path(label, 'database.host', host)
        elif not all(_HOST_LABEL_RE.fullmatch(part) for part in host.split('.')) or len(host) > 253:
            raise _err(label, 'database.host', 'must be a host name, an IPv4 address or the absolute path of a unix socket', host)
    port = value.get('port')
    port = 3306 if port is None else _require_int(label, 'database.port', port, 1, 65535)
    client_host = _require_str(label, 'database.client_host', _or(value.get('client_host'), 'localhost'))
    if not _DB_CLIENT_HOST_RE.fullmatch(client_host):
        raise _err(label, 'database.client_host', 'must be a MySQL account host (^[A-Za-z0-9.:%_-]{1,255}$)', client_host)

    # Secret from here on: messages name the key, never the value.
    password = value.get('password')
    in_env = out['env'].get(DB_PASSWORD_ENV)
    if password is not None:
        if not isinstance(password, str) or not password or any(char in password for char in _LINE_BREAKING):
            raise AnsibleFilterError('%s: database.password must be a non-empty string on one line, got %s'
                                     % (label, _type_word(password) if not isinstance(password, str) else 'an invalid string'))
        if in_env is not None and in_env != password:
            raise AnsibleFilterError('%s: database.password and env %s are both set and differ; set only one' % (label, DB_PASSWORD_ENV))
        out['env'] = dict(out['env'], **{DB_PASSWORD_ENV: password})
    elif not in_env and set(value) != set(_DATABASE_KEYS) - {'password'}:
        # A normalized database (every key but the password) comes from an app whose env a
        # role has stripped: the roles that need the password check it is there.
        raise AnsibleFilterError('%s: database.password is required (or env %s)' % (label, DB_PASSWORD_ENV))
    out['database'] = {'name': name, 'user': user, 'host': host, 'port': port, 'client_host': client_host}


def _cache(label, app, out):
    """The app's Redis database number; the server and its password are site settings."""
    value = app.get('cache')
    if value is None:
        out['cache'] = None
        return
    _sub_mapping(label, 'cache', value, _CACHE_KEYS)
    if value.get('db') is None:
        raise AnsibleFilterError('%s: cache.db is required (a Redis database number, 0-%d, one per app)' % (label, _REDIS_DATABASES - 1))
    out['cache'] = {'db': _require_int(label, 'cache.db', value['db'], 0, _REDIS_DATABASES - 1)}


def _derived(out):
    """The keys computed from the others: paths and names nobody may override."""
    name = out['name']
    unix = out['socket'] == 'unix'
    return {
        'socket_type': 'unix' if unix else 'tcp',
        'runtime_dir': '/run/uwsgi-%s' % name,
        'socket_dir': '/run/uwsgi-%s' % name if unix else None,
        'socket_path': '/run/uwsgi-%s/%s.sock' % (name, name) if unix else None,
        'code_dir': _code_dir(out),
        'venv_dir': _venv_dir(out),
        'data_dir': _data_dir(out),
        'unit': 'uwsgi-%s' % name,
        'env_file': '/etc/webstack/%s.env' % name,
    }


def normalize_app(app, index=None):
    """Validate one app declaration and return a new, fully populated dict.

    ``index`` (position in a list) is only used to label error messages when
    the app has no valid name.  Normalizing an already normalized app returns
    an equal dict.
    """
    label = _check_keys(app, index)
    out = {}
    _identity(label, app, out)
    _aliases(label, app, out)
    _serving(label, app, out)
    _deployment(label, app, out)
    _database(label, app, out)
    _cache(label, app, out)
    derived = _derived(out)
    for key in _DERIVED_KEYS:
        if key in app and app[key] != derived[key]:
            raise _err(label, key, 'is derived from the other keys and cannot be set (expected %s)' % _shown(derived[key]), app[key])
    out.update(derived)
    return out


def django_apps(apps):
    """Validate and normalize a list of app declarations (see django_apps.yml)."""
    if not isinstance(apps, (list, tuple)):
        raise AnsibleFilterError('django_apps expects a list of app declarations, got %s' % _type_word(apps))
    result = [normalize_app(app, index) for index, app in enumerate(apps)]

    names, roots, tcp_sockets, listens, defaults = {}, {}, {}, {}, {}
    databases, db_users, cache_dbs = {}, {}, {}
    for index, app in enumerate(result):
        label = "app '%s'" % app['name']
        if app['name'] in names:
            raise AnsibleFilterError("%s: name '%s' is used by the apps at index %d and %d" % (label, app['name'], names[app['name']], index))
        names[app['name']] = index
        if app['root'] in roots:
            raise AnsibleFilterError("%s: root '%s' is already used by app '%s'" % (label, app['root'], roots[app['root']]))
        roots[app['root']] = app['name']
        if app['socket_type'] == 'tcp':
            if app['socket'] in tcp_sockets:
                raise AnsibleFilterError("%s: socket '%s' is already used by app '%s'" % (label, app['socket'], tcp_sockets[app['socket']]))
            tcp_sockets[app['socket']] = app['name']
        for server_name in app['server_names']:
            pair = (app['port'], server_name)
            if pair in listens:
                raise AnsibleFilterError(
                    "%s: server_names entry '%s' on port %d is already used by app '%s'" % (label, server_name, app['port'], listens[pair]))
            listens[pair] = app['name']
        if app['database'] is not None:
            for key, seen in (('name', databases), ('user', db_users)):
                value = app['database'][key]
                if value in seen:
                    raise AnsibleFilterError("%s: database.%s '%s' is already used by app '%s'" % (label, key, value, seen[value]))
                seen[value] = app['name']
        if app['cache'] is not None:
            if app['cache']['db'] in cache_dbs:
                raise AnsibleFilterError("%s: cache.db %d is already used by app '%s'" % (label, app['cache']['db'], cache_dbs[app['cache']['db']]))
            cache_dbs[app['cache']['db']] = app['name']
        if app['default_server']:
            if app['port'] in defaults:
                raise AnsibleFilterError("%s: default_server is already set by app '%s' for port %d; at most one app per port may set it"
                                         % (label, defaults[app['port']], app['port']))
            defaults[app['port']] = app['name']

    # No app claimed a port's default server: the first app listening on it does.
    for app in result:
        if app['port'] not in defaults:
            app['default_server'] = True
            defaults[app['port']] = app['name']
    return result


def uwsgi_socket(app):
    """The value of uWSGI's ``socket`` option for an app."""
    app = normalize_app(app)
    return app['socket_path'] if app['socket_type'] == 'unix' else app['socket']


def nginx_upstream(app):
    """The address nginx passes requests to (``uwsgi_pass`` / upstream ``server``)."""
    app = normalize_app(app)
    return 'unix:' + app['socket_path'] if app['socket_type'] == 'unix' else app['socket']


def alias_locations(app):
    """nginx ``location``/``alias`` pairs for the static and media directories."""
    app = normalize_app(app)
    return [
        {'location': app['static_url'], 'alias': app['static_root']},
        {'location': app['media_url'], 'alias': app['media_root']},
    ]


class FilterModule(object):
    """webstack.django filters linking nginx and uWSGI."""

    def filters(self):
        return {
            'django_apps': django_apps,
            'uwsgi_socket': uwsgi_socket,
            'nginx_upstream': nginx_upstream,
            'alias_locations': alias_locations,
        }
