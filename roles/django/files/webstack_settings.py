# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Settings overlay of webstack.django: a project's own settings, plus what the deploy declared.

With ``settings_overlay: true`` the deploy runs Django with
``DJANGO_SETTINGS_MODULE=webstack_settings`` and ``WEBSTACK_SETTINGS_MODULE=<the
project's settings module>``; this module is installed outside the code and put on
``PYTHONPATH``.  It imports the project's module and copies its UPPERCASE names
(the settings Django reads), so the project's settings are the base; then it
overrides, from the process environment (the env file the deploy writes), only
what the host decides.  Nothing is baked in here, and a variable that is unset or
empty leaves the project's value alone.

Overridden, and why:

* ``STATIC_URL``, ``STATIC_ROOT``, ``MEDIA_URL``, ``MEDIA_ROOT`` (``DJANGO_STATIC_*``,
  ``DJANGO_MEDIA_*``): nginx serves these directories by alias at these URLs.
* ``FILE_UPLOAD_PERMISSIONS`` 0o644 and ``FILE_UPLOAD_DIRECTORY_PERMISSIONS`` 0o755,
  unless the project chose a mode: see the comment below.
* ``ALLOWED_HOSTS`` (``DJANGO_ALLOWED_HOSTS``, a comma list): replaced, as the
  inventory says which host names nginx sends here.  ``CSRF_TRUSTED_ORIGINS``
  (``DJANGO_CSRF_TRUSTED_ORIGINS``): merged with the project's own.
* ``SECRET_KEY`` (``SECRET_KEY``, else ``DJANGO_SECRET_KEY``): declared in the
  inventory, or generated on the host and kept, never the one in the code.
* ``DATABASES['default']``: with ``DJANGO_DB_ENGINE=mysql``, the declared MySQL/MariaDB
  database (``DJANGO_DB_*``; a HOST starting with '/' is a unix socket).  Without a
  declared database, a SQLite file inside the code tree (read-only, and replaced by
  every release) moves into ``DJANGO_DATA_DIR``, keeping its file name.
* ``CACHES['default']``: with ``DJANGO_REDIS_URL``, Django's own RedisCache there.
* ``SECURE_SSL_REDIRECT``, ``SESSION_COOKIE_SECURE``, ``CSRF_COOKIE_SECURE``,
  ``SECURE_HSTS_SECONDS``, ``SECURE_HSTS_INCLUDE_SUBDOMAINS``, ``SECURE_HSTS_PRELOAD``
  (``DJANGO_`` and the name; ``true`` or ``false``, the seconds a number): set for an
  app served over HTTPS, where nginx passes ``HTTPS=on`` so Django knows the request
  is secure.
* ``WEBSTACK_RELEASE``: the id of the running release (informational).

Everything else stays as the project set it.  DEBUG in particular is not forced:
production settings are the project's to choose (the example project's settings
module for production only sets ``DEBUG = False``).

Standard library and Django only; Python 3.9+ and Django 4.2 to 6.x.
"""

import importlib
import os

from django.core.exceptions import ImproperlyConfigured


def _env(name):
    return os.environ.get(name, '').strip()


def _env_list(name):
    return [item.strip() for item in _env(name).split(',') if item.strip()]


def _inside(path, directory):
    path, directory = os.path.realpath(path), os.path.realpath(directory)
    return os.path.commonpath([path, directory]) == directory


# The project's settings are the base.
_project_name = _env('WEBSTACK_SETTINGS_MODULE')
if not _project_name or _project_name == __name__:
    raise ImproperlyConfigured('webstack_settings: WEBSTACK_SETTINGS_MODULE must name the project\'s own settings module (such as mysite.settings).')
_project = importlib.import_module(_project_name)
globals().update((name, getattr(_project, name)) for name in dir(_project) if name.isupper())


# Static files and uploads, at the paths and URLs nginx serves.
for _name in ('STATIC_URL', 'STATIC_ROOT', 'MEDIA_URL', 'MEDIA_ROOT'):
    if _env('DJANGO_' + _name):
        globals()[_name] = _env('DJANGO_' + _name)

# nginx runs as another user: it reads uploads and collected static files as "other"
# (both storages use these two settings).  Django's own defaults are 0o644 for files
# and None for directories, and None means the process umask, which the deploy's
# uWSGI unit sets to 0027: directories under MEDIA_ROOT would be closed to nginx.
# So None (or unset) becomes a mode nginx can read; a mode the project chose wins,
# as it may mean uploads that are not to be served.
if globals().get('FILE_UPLOAD_PERMISSIONS') is None:
    FILE_UPLOAD_PERMISSIONS = 0o644
if globals().get('FILE_UPLOAD_DIRECTORY_PERMISSIONS') is None:
    FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o755


# Hosts and origins.
if _env_list('DJANGO_ALLOWED_HOSTS'):
    ALLOWED_HOSTS = _env_list('DJANGO_ALLOWED_HOSTS')
if _env_list('DJANGO_CSRF_TRUSTED_ORIGINS'):
    # dict.fromkeys: no duplicates, the project's origins first.
    CSRF_TRUSTED_ORIGINS = list(dict.fromkeys(list(globals().get('CSRF_TRUSTED_ORIGINS', [])) + _env_list('DJANGO_CSRF_TRUSTED_ORIGINS')))

if _env('SECRET_KEY') or _env('DJANGO_SECRET_KEY'):
    SECRET_KEY = _env('SECRET_KEY') or _env('DJANGO_SECRET_KEY')


# The database.  New dictionaries throughout: the project's module keeps its own.
_databases = dict(globals().get('DATABASES', {}))
_default = dict(_databases.get('default', {}))
_engine = _env('DJANGO_DB_ENGINE')
if _engine == 'mysql':
    # Keys that mean the same with any backend are kept; OPTIONS and TEST only when
    # the project's database was MySQL already (SQLite's OPTIONS mean nothing to MySQL).
    _was_mysql = _default.get('ENGINE') == 'django.db.backends.mysql'
    _kept = ('ATOMIC_REQUESTS', 'AUTOCOMMIT', 'CONN_MAX_AGE', 'CONN_HEALTH_CHECKS', 'TIME_ZONE') + (('TEST',) if _was_mysql else ())
    _databases['default'] = dict(
        {key: _default[key] for key in _kept if key in _default},
        ENGINE='django.db.backends.mysql',
        NAME=_env('DJANGO_DB_NAME'),
        USER=_env('DJANGO_DB_USER'),
        PASSWORD=os.environ.get('DJANGO_DB_PASSWORD', ''),  # as written: a password may end in a space
        HOST=_env('DJANGO_DB_HOST'),  # '/run/mysqld/mysqld.sock': Django passes it as unix_socket
        PORT=_env('DJANGO_DB_PORT'),
        # Full Unicode on the connection (Django 5.2's own default; 4.2 to 5.1 used utf8, 3 bytes),
        # as in the databases the deploy creates (mysql57_character_set: utf8mb4).
        OPTIONS=dict(_default.get('OPTIONS', {}) if _was_mysql else {}, charset='utf8mb4'),
    )
    DATABASES = _databases
    # Django's MySQL backend imports MySQLdb (mysqlclient); PyMySQL (1.2 or later for
    # Django 6) can stand in for it in a virtualenv that has no compiler for mysqlclient.
    try:
        importlib.import_module('MySQLdb')
    except ImportError:
        try:
            import pymysql
        except ImportError:
            pass  # Django's own error names mysqlclient when it connects
        else:
            pymysql.install_as_MySQLdb()
elif _engine:
    raise ImproperlyConfigured('webstack_settings: DJANGO_DB_ENGINE=%r is not known (mysql is).' % _engine)
elif _default.get('ENGINE') == 'django.db.backends.sqlite3' and _env('DJANGO_DATA_DIR'):
    _sqlite = str(_default.get('NAME') or '')
    # In memory, or a 'file:' URI (OPTIONS uri): nothing on disk to move.
    _on_disk = _sqlite and _sqlite != ':memory:' and not _sqlite.startswith('file:')
    if _on_disk and not (os.path.isabs(_sqlite) and _inside(_sqlite, _env('DJANGO_DATA_DIR'))):
        _default['NAME'] = os.path.join(_env('DJANGO_DATA_DIR'), os.path.basename(_sqlite))
        _databases['default'] = _default
        DATABASES = _databases


# The cache.  Django's own RedisCache; the deploy installs the redis package.  Django
# splits a LOCATION string at ',' and ';' (several servers): the deploy percent-encodes
# the password in the URL, which keeps it whole.
if _env('DJANGO_REDIS_URL'):
    _caches = dict(globals().get('CACHES', {}))
    _cache = _caches.get('default', {})
    _redis_backend = 'django.core.cache.backends.redis.RedisCache'
    # Options any backend understands are kept; OPTIONS only from a RedisCache already.
    _kept = ('TIMEOUT', 'KEY_PREFIX', 'VERSION', 'KEY_FUNCTION') + (('OPTIONS',) if _cache.get('BACKEND') == _redis_backend else ())
    _caches['default'] = dict(
        {key: _cache[key] for key in _kept if key in _cache},
        BACKEND=_redis_backend,
        LOCATION=_env('DJANGO_REDIS_URL'),
    )
    CACHES = _caches


# HTTPS: what nginx does for an app served over TLS, Django is told too.
for _name in ('SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD'):
    if _env('DJANGO_' + _name):
        globals()[_name] = _env('DJANGO_' + _name).lower() == 'true'
if _env('DJANGO_SECURE_HSTS_SECONDS'):
    SECURE_HSTS_SECONDS = int(_env('DJANGO_SECURE_HSTS_SECONDS'))


# The release serving (webstack-manage and the uWSGI unit's env set it), for display.
WEBSTACK_RELEASE = _env('WEBSTACK_RELEASE') or globals().get('WEBSTACK_RELEASE', '')
