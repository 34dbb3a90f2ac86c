# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The settings overlay (roles/django/files/webstack_settings.py) with Django, for real.

Each case runs Django in a subprocess (settings are process-global) on a copy of
examples/startproject_site, the unedited output of `django-admin startproject`, with
the environment the deploy's env file gives: PYTHONPATH holds the overlay's directory
and the project, DJANGO_SETTINGS_MODULE=webstack_settings and WEBSTACK_SETTINGS_MODULE
names the project's module. Variants of the project's settings are modules written
into the copy. Django comes from requirements-dev.txt.

The last cases read examples/envreader_site's settings, which take DATABASE_URL through
dj-database-url (not a controller tool: they skip when it is not importable).
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
OVERLAY_DIR = REPO / 'roles' / 'django' / 'files'
STARTPROJECT_SITE = REPO / 'examples' / 'startproject_site'
ENVREADER_SITE = REPO / 'examples' / 'envreader_site'

# What the deploy or a developer's shell may have set: none of it leaks into a case.
ECOSYSTEM = {'SECRET_KEY', 'ALLOWED_HOSTS', 'DATABASE_URL', 'REDIS_URL', 'PYTHONPATH'}
SOCKET = '/run/mysqld/mysqld.sock'
# A declared database, as the deploy writes it: through the local server's socket.
MYSQL = {
    'DJANGO_DB_ENGINE': 'mysql',
    'DJANGO_DB_NAME': 'shop',
    'DJANGO_DB_USER': 'shop',
    'DJANGO_DB_PASSWORD': 'p@ss/w:rd',
    'DJANGO_DB_HOST': SOCKET,
    'DJANGO_DB_PORT': '3306',
}

SHOW_SETTINGS = textwrap.dedent(
    """
    import json
    from django.conf import settings  # settings only: django.setup() would load the MySQL driver
    names = ['DATABASES', 'CACHES', 'STATIC_URL', 'STATIC_ROOT', 'MEDIA_URL', 'MEDIA_ROOT', 'ALLOWED_HOSTS',
             'CSRF_TRUSTED_ORIGINS', 'SECRET_KEY', 'DEBUG', 'FILE_UPLOAD_PERMISSIONS', 'FILE_UPLOAD_DIRECTORY_PERMISSIONS',
             'WEBSTACK_RELEASE', 'INSTALLED_APPS', 'ROOT_URLCONF']
    shown = {name: getattr(settings, name, None) for name in names}
    shown['MySQLdb'] = getattr(__import__('sys').modules.get('MySQLdb'), 'FAKE', None)
    print(json.dumps(shown, default=str))
    """
)


def clean_env():
    env = {key: value for key, value in os.environ.items() if not key.startswith(('DJANGO_', 'WEBSTACK_')) and key not in ECOSYSTEM}
    env['PYTHONDONTWRITEBYTECODE'] = '1'  # nothing written next to the overlay or the examples
    return env


@pytest.fixture
def site(tmp_path):
    """A copy of the unedited project, as a release's code tree."""
    copy = tmp_path / 'src'
    shutil.copytree(STARTPROJECT_SITE, copy, ignore=shutil.ignore_patterns('__pycache__', '*.sqlite3'))
    return copy


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / 'data'
    path.mkdir()
    return path


@pytest.fixture
def deploy_env(site, data_dir, tmp_path):
    """The environment an app without database or cache gets from the deploy."""
    env = clean_env()
    env.update(
        PYTHONPATH=os.pathsep.join([str(OVERLAY_DIR), str(site)]),
        DJANGO_SETTINGS_MODULE='webstack_settings',
        WEBSTACK_SETTINGS_MODULE='startproject_site.production',
        DJANGO_ALLOWED_HOSTS='www.example.com, localhost',
        ALLOWED_HOSTS='www.example.com,localhost',
        DJANGO_CSRF_TRUSTED_ORIGINS='https://www.example.com',
        DJANGO_STATIC_URL='/static/',
        DJANGO_STATIC_ROOT=str(tmp_path / 'static'),
        DJANGO_MEDIA_URL='/media/',
        DJANGO_MEDIA_ROOT=str(tmp_path / 'media'),
        DJANGO_DATA_DIR=str(data_dir),
        SECRET_KEY='kept-on-the-host-0123456789-abcdefghijklmnopqrstuvwxyz',
        DJANGO_SECRET_KEY='kept-on-the-host-0123456789-abcdefghijklmnopqrstuvwxyz',
        WEBSTACK_RELEASE='20260101T000000Z-0123abcd',
    )
    return env


def run(site, env, *args, **kwargs):
    return subprocess.run([sys.executable, *args], cwd=site, env=env, capture_output=True, text=True, timeout=120, check=False, **kwargs)


def settings_of(site, env):
    done = run(site, env, '-c', SHOW_SETTINGS)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def failure_of(site, env):
    done = run(site, env, '-c', SHOW_SETTINGS)
    assert done.returncode != 0, done.stdout
    return done.stderr


def variant(site, env, body):
    """The project's production settings with some more lines: a project that set more."""
    module = site / 'startproject_site' / 'variant.py'
    module.write_text('from .production import *  # noqa: F403\n' + textwrap.dedent(body))
    return dict(env, WEBSTACK_SETTINGS_MODULE='startproject_site.variant')


def test_unedited_startproject(site, deploy_env, data_dir, tmp_path):
    shown = settings_of(site, deploy_env)
    default = shown['DATABASES']['default']
    assert default['ENGINE'] == 'django.db.backends.sqlite3'
    # BASE_DIR / 'db.sqlite3' lies in the code tree: it moves to the data directory.
    assert default['NAME'] == str(data_dir / 'db.sqlite3')
    assert shown['STATIC_URL'] == '/static/'
    assert shown['STATIC_ROOT'] == str(tmp_path / 'static')
    assert shown['MEDIA_URL'] == '/media/'
    assert shown['MEDIA_ROOT'] == str(tmp_path / 'media')
    assert shown['ALLOWED_HOSTS'] == ['www.example.com', 'localhost']
    assert shown['CSRF_TRUSTED_ORIGINS'] == ['https://www.example.com']
    assert shown['SECRET_KEY'] == deploy_env['SECRET_KEY']
    assert not shown['SECRET_KEY'].startswith('django-insecure-')
    # The project's production module set DEBUG = False; the overlay does not touch it.
    assert shown['DEBUG'] is False
    assert shown['FILE_UPLOAD_PERMISSIONS'] == 0o644
    assert shown['FILE_UPLOAD_DIRECTORY_PERMISSIONS'] == 0o755
    assert shown['WEBSTACK_RELEASE'] == '20260101T000000Z-0123abcd'
    # The rest is the project's.
    assert shown['ROOT_URLCONF'] == 'startproject_site.urls'
    assert 'django.contrib.admin' in shown['INSTALLED_APPS']
    assert shown['CACHES']['default']['BACKEND'] == 'django.core.cache.backends.locmem.LocMemCache'


def test_debug_is_not_forced(site, deploy_env):
    # The unedited settings module itself has DEBUG = True: it stays so.
    shown = settings_of(site, dict(deploy_env, WEBSTACK_SETTINGS_MODULE='startproject_site.settings'))
    assert shown['DEBUG'] is True


def test_unset_variables_leave_the_project_alone(site, deploy_env):
    env = dict(clean_env(), DJANGO_SETTINGS_MODULE='webstack_settings', WEBSTACK_SETTINGS_MODULE='startproject_site.production')
    env['PYTHONPATH'] = deploy_env['PYTHONPATH']
    shown = settings_of(site, env)
    assert shown['DATABASES']['default']['NAME'] == str(site / 'db.sqlite3')
    assert shown['STATIC_URL'] == '/static/'  # startproject's 'static/', as Django gives it
    assert shown['STATIC_ROOT'] is None
    assert shown['ALLOWED_HOSTS'] == []
    assert shown['CSRF_TRUSTED_ORIGINS'] == []
    assert shown['SECRET_KEY'].startswith('django-insecure-')
    assert shown['WEBSTACK_RELEASE'] == ''


def test_project_settings_module_is_required(site, deploy_env):
    env = dict(deploy_env)
    del env['WEBSTACK_SETTINGS_MODULE']
    assert 'ImproperlyConfigured' in failure_of(site, env)
    assert 'ImproperlyConfigured' in failure_of(site, dict(deploy_env, WEBSTACK_SETTINGS_MODULE='webstack_settings'))


def test_csrf_origins_merge_without_duplicates(site, deploy_env):
    env = variant(site, deploy_env, "CSRF_TRUSTED_ORIGINS = ['https://www.example.com', 'https://old.example.com']\n")
    env['DJANGO_CSRF_TRUSTED_ORIGINS'] = 'https://www.example.com,https://new.example.com'
    shown = settings_of(site, env)
    assert shown['CSRF_TRUSTED_ORIGINS'] == ['https://www.example.com', 'https://old.example.com', 'https://new.example.com']


def test_allowed_hosts_are_the_declared_ones(site, deploy_env):
    env = variant(site, deploy_env, "ALLOWED_HOSTS = ['*']\n")
    assert settings_of(site, env)['ALLOWED_HOSTS'] == ['www.example.com', 'localhost']


def test_mysql_through_the_socket(site, deploy_env):
    default = settings_of(site, {**deploy_env, **MYSQL})['DATABASES']['default']
    assert default['ENGINE'] == 'django.db.backends.mysql'
    assert (default['NAME'], default['USER'], default['PASSWORD'], default['HOST'], default['PORT']) == ('shop', 'shop', 'p@ss/w:rd', SOCKET, '3306')
    assert default['OPTIONS'] == {'charset': 'utf8mb4'}


def test_mysql_keeps_what_means_the_same_with_any_backend(site, deploy_env):
    env = variant(
        site,
        deploy_env,
        """
        DATABASES['default']['CONN_MAX_AGE'] = 60
        DATABASES['default']['ATOMIC_REQUESTS'] = True
        DATABASES['default']['OPTIONS'] = {'timeout': 20}
        """,
    )
    env.update(MYSQL, DJANGO_DB_HOST='db.internal', DJANGO_DB_PORT='3307')
    default = settings_of(site, env)['DATABASES']['default']
    assert (default['HOST'], default['PORT']) == ('db.internal', '3307')
    assert default['CONN_MAX_AGE'] == 60
    assert default['ATOMIC_REQUESTS'] is True
    # SQLite's options mean nothing to MySQL.
    assert default['OPTIONS'] == {'charset': 'utf8mb4'}


def test_mysql_options_of_a_mysql_project_are_kept(site, deploy_env):
    env = variant(
        site,
        deploy_env,
        """
        DATABASES = {'default': {'ENGINE': 'django.db.backends.mysql', 'NAME': 'dev', 'HOST': 'localhost',
                                 'OPTIONS': {'charset': 'utf8', 'init_command': "SET sql_mode='STRICT_TRANS_TABLES'"}}}
        """,
    )
    env.update(MYSQL)
    default = settings_of(site, env)['DATABASES']['default']
    assert (default['NAME'], default['HOST']) == ('shop', SOCKET)
    assert default['OPTIONS'] == {'charset': 'utf8mb4', 'init_command': "SET sql_mode='STRICT_TRANS_TABLES'"}


@pytest.mark.skipif(importlib.util.find_spec('MySQLdb') is not None, reason='mysqlclient is installed here')
def test_pymysql_stands_in_for_mysqlclient(site, deploy_env, tmp_path):
    fake = tmp_path / 'fake'
    fake.mkdir()
    (fake / 'pymysql.py').write_text('import sys, types\n\ndef install_as_MySQLdb():\n    sys.modules["MySQLdb"] = types.SimpleNamespace(FAKE="pymysql")\n')
    env = {**deploy_env, **MYSQL}
    assert settings_of(site, env)['MySQLdb'] is None
    env['PYTHONPATH'] += os.pathsep + str(fake)
    assert settings_of(site, env)['MySQLdb'] == 'pymysql'


def test_unknown_database_engine_is_refused(site, deploy_env):
    assert 'DJANGO_DB_ENGINE' in failure_of(site, dict(deploy_env, DJANGO_DB_ENGINE='postgresql'))


def test_redis_cache(site, deploy_env):
    url = 'unix://:s%40cret@/run/redis/redis.sock?db=3'
    locmem = {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache', 'TIMEOUT': 600, 'OPTIONS': {'MAX_ENTRIES': 10}}
    env = variant(site, deploy_env, 'CACHES = {"default": %r}\n' % locmem)
    env['DJANGO_REDIS_URL'] = url
    cache = settings_of(site, env)['CACHES']['default']
    assert cache == {'BACKEND': 'django.core.cache.backends.redis.RedisCache', 'LOCATION': url, 'TIMEOUT': 600}


def test_sqlite_in_memory_is_left_alone(site, deploy_env):
    env = variant(site, deploy_env, "DATABASES['default']['NAME'] = ':memory:'\n")
    assert settings_of(site, env)['DATABASES']['default']['NAME'] == ':memory:'


def test_sqlite_inside_the_data_dir_is_left_alone(site, deploy_env, data_dir, tmp_path):
    name = data_dir / 'sub' / 'app.db'
    env = variant(site, deploy_env, "DATABASES['default']['NAME'] = %r\n" % str(name))
    assert settings_of(site, env)['DATABASES']['default']['NAME'] == str(name)
    # Also through a symlink to the data directory.
    (tmp_path / 'link').symlink_to(data_dir)
    env = variant(site, deploy_env, "DATABASES['default']['NAME'] = %r\n" % str(tmp_path / 'link' / 'app.db'))
    assert settings_of(site, env)['DATABASES']['default']['NAME'] == str(tmp_path / 'link' / 'app.db')


@pytest.mark.parametrize('name', ['db.sqlite3', 'var/db.sqlite3', '/elsewhere/db.sqlite3'])
def test_sqlite_elsewhere_moves_into_the_data_dir(site, deploy_env, data_dir, name):
    env = variant(site, deploy_env, "DATABASES['default']['NAME'] = %r\n" % name)
    assert settings_of(site, env)['DATABASES']['default']['NAME'] == str(data_dir / 'db.sqlite3')


def test_upload_modes_the_project_chose_win(site, deploy_env):
    env = variant(site, deploy_env, 'FILE_UPLOAD_PERMISSIONS = 0o600\nFILE_UPLOAD_DIRECTORY_PERMISSIONS = None\n')
    shown = settings_of(site, env)
    assert shown['FILE_UPLOAD_PERMISSIONS'] == 0o600
    # None is the process umask, not a mode: the overlay's applies.
    assert shown['FILE_UPLOAD_DIRECTORY_PERMISSIONS'] == 0o755


def test_the_project_module_is_not_changed(site, deploy_env, data_dir):
    script = textwrap.dedent(
        """
        import django
        django.setup()
        from django.conf import settings
        import startproject_site.settings as project
        print(project.DATABASES['default']['NAME'], settings.DATABASES['default']['NAME'])
        """
    )
    done = run(site, deploy_env, '-c', script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(site / 'db.sqlite3'), str(data_dir / 'db.sqlite3')]


def test_manage_py_under_the_overlay(site, deploy_env, data_dir, tmp_path):
    """check, migrate and collectstatic, as the deploy runs them (with the uWSGI unit's umask)."""
    for command in (['check', '--fail-level', 'WARNING'], ['migrate', '--noinput'], ['collectstatic', '--noinput']):
        done = run(site, deploy_env, 'manage.py', *command, umask=0o027)
        assert done.returncode == 0, done.stderr
    assert (data_dir / 'db.sqlite3').is_file()
    assert not (site / 'db.sqlite3').exists()
    # nginx reads collected files as "other", through directories made under umask 0027.
    static = tmp_path / 'static'
    assert (static / 'admin' / 'css' / 'base.css').is_file()
    for path in [static, *static.rglob('*')]:
        assert path.stat().st_mode & 0o777 == (0o755 if path.is_dir() else 0o644), path


def test_startproject_site_is_what_startproject_generates(tmp_path):
    import django

    if django.VERSION[:2] != (5, 2):
        pytest.skip('examples/startproject_site was generated by Django 5.2')
    # An empty PATH: startproject runs black on what it generates when it finds it.
    (tmp_path / 'empty').mkdir()
    done = subprocess.run(
        [sys.executable, '-m', 'django', 'startproject', 'startproject_site'],
        cwd=tmp_path,
        env=dict(clean_env(), PATH=str(tmp_path / 'empty')),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    generated = tmp_path / 'startproject_site'

    def files(root):
        return sorted(str(path.relative_to(root)) for path in root.rglob('*') if path.is_file() and '__pycache__' not in path.parts)

    assert files(STARTPROJECT_SITE) == sorted([*files(generated), 'requirements.txt', 'startproject_site/production.py'])

    def normal(text):
        # The secret key is random, and the header names the patch release.
        return [line for line in text.splitlines() if not line.startswith(('SECRET_KEY = ', "Generated by 'django-admin startproject'"))]

    for name in files(generated):
        assert normal((STARTPROJECT_SITE / name).read_text()) == normal((generated / name).read_text()), name
    assert "SECRET_KEY = 'django-insecure-" in (STARTPROJECT_SITE / 'startproject_site' / 'settings.py').read_text()


# examples/envreader_site reads the ecosystem's names itself, without the overlay.

needs_dj_database_url = pytest.mark.skipif(importlib.util.find_spec('dj_database_url') is None, reason='dj-database-url is not installed (no controller tool)')


def envreader_env(**extra):
    env = clean_env()
    env.update(PYTHONPATH=str(ENVREADER_SITE), DJANGO_SETTINGS_MODULE='envreader_site.settings')
    env.update(extra)
    return env


@needs_dj_database_url
def test_envreader_site_reads_a_socket_database_url(tmp_path):
    env = envreader_env(
        SECRET_KEY='from-the-host',
        # The deploy's form: user and password percent-encoded, the socket path as the host.
        DATABASE_URL='mysql://shop:p%40ss%2Fw%3Ard@%2Frun%2Fmysqld%2FMySQL.sock/shop',
        ALLOWED_HOSTS='www.example.com,localhost',
        DJANGO_CSRF_TRUSTED_ORIGINS='https://www.example.com',
        DJANGO_STATIC_ROOT=str(tmp_path / 'static'),
        DJANGO_MEDIA_ROOT=str(tmp_path / 'media'),
    )
    shown = settings_of(tmp_path, env)
    default = shown['DATABASES']['default']
    assert default['ENGINE'] == 'django.db.backends.mysql'
    # Decoded, and the path's case kept: Django's MySQL backend passes a HOST starting with '/' as unix_socket.
    assert (default['NAME'], default['USER'], default['PASSWORD'], default['HOST']) == ('shop', 'shop', 'p@ss/w:rd', '/run/mysqld/MySQL.sock')
    assert shown['SECRET_KEY'] == 'from-the-host'
    assert shown['ALLOWED_HOSTS'] == ['www.example.com', 'localhost']
    assert shown['CSRF_TRUSTED_ORIGINS'] == ['https://www.example.com']
    assert (shown['STATIC_ROOT'], shown['MEDIA_ROOT']) == (str(tmp_path / 'static'), str(tmp_path / 'media'))
    assert shown['DEBUG'] is False


@needs_dj_database_url
def test_envreader_site_reads_a_tcp_database_url(tmp_path):
    env = envreader_env(SECRET_KEY='k', DATABASE_URL='mysql://shop:pw@[2001:db8::5]:3307/shop')
    default = settings_of(tmp_path, env)['DATABASES']['default']
    assert (default['HOST'], str(default['PORT'])) == ('2001:db8::5', '3307')


@needs_dj_database_url
def test_envreader_site_needs_its_secret_key_and_database(tmp_path):
    assert 'SECRET_KEY' in failure_of(tmp_path, envreader_env(DATABASE_URL='sqlite:///:memory:'))
    assert 'DATABASE_URL' in failure_of(tmp_path, envreader_env(SECRET_KEY='k'))


# What the django role writes for an app with tls (redirect on, HSTS with every option).
TLS = {
    'DJANGO_SECURE_SSL_REDIRECT': 'true',
    'DJANGO_SESSION_COOKIE_SECURE': 'true',
    'DJANGO_CSRF_COOKIE_SECURE': 'true',
    'DJANGO_SECURE_HSTS_SECONDS': '63072000',
    'DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS': 'true',
    'DJANGO_SECURE_HSTS_PRELOAD': 'true',
}


def test_tls_makes_the_deploy_check_clean(site, deploy_env):
    env = {**deploy_env, **TLS}
    done = run(site, env, '-m', 'django', 'check', '--deploy', '--fail-level', 'WARNING')
    assert (done.returncode, done.stdout.strip()) == (0, 'System check identified no issues (0 silenced).'), done.stdout + done.stderr
    # Without it, the unedited project is told what HTTPS would fix.
    done = run(site, deploy_env, '-m', 'django', 'check', '--deploy')
    for warning in ('W004', 'W008', 'W012', 'W016'):
        assert 'security.%s' % warning in done.stdout + done.stderr


def test_tls_false_values_and_the_projects_own_choice(site, deploy_env):
    show = "from django.conf import settings; print(settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS)"
    env = variant(site, deploy_env, 'SESSION_COOKIE_SECURE = True\nSECURE_HSTS_SECONDS = 60\n')
    # Unset: the project's settings stay.
    assert run(site, env, '-c', show).stdout.split() == ['False', 'True', '60']
    # Set: the declaration wins, false included.
    env = {**env, **TLS, 'DJANGO_SECURE_SSL_REDIRECT': 'false', 'DJANGO_SESSION_COOKIE_SECURE': 'false', 'DJANGO_SECURE_HSTS_SECONDS': '0'}
    assert run(site, env, '-c', show).stdout.split() == ['False', 'False', '0']
