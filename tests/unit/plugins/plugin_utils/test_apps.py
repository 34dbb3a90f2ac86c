# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The app contract: defaults, derived keys, list rules, the deployment split, and properties.

Every refusal with its exact message is in test_refusals.py.
"""

from __future__ import annotations

import copy
import keyword
import re

import pytest
from ansible.errors import AnsibleFilterError
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.webstack.django.plugins.plugin_utils.apps import (
    DERIVED_KEYS,
    INPUT_KEYS,
    RESERVED_ENV,
    SECRET_INPUT_KEYS,
    SYSTEM_ACCOUNTS,
    alias_locations,
    allowed_hosts,
    csrf_trusted_origins,
    deployment,
    is_system_account,
    normalize_app,
    normalize_apps,
)

SAFE_URL = re.compile(r'[A-Za-z0-9._~/-]+')
SAFE_PATH = re.compile(r'[A-Za-z0-9._~/+@-]+')
SECRET = 'hunter2-TOPSECRET'
# A key Django's check security.W009 accepts: 50+ characters, 5+ distinct ones, not 'django-insecure-'.
STRONG_KEY = 'Zq3vTENDnW0b1mR7fX9kLp2sY8cH4uJ6gA5eV_-oQiKxMtBzrUyd'
GIT = 'https://git.example.com/shop.git'


def app(**overrides):
    decl = {'name': 'demo', 'src': 'files/demo'}
    decl.update(overrides)
    return decl


def error(func, *args, **kwargs):
    with pytest.raises(AnsibleFilterError) as excinfo:
        func(*args, **kwargs)
    return str(excinfo.value)


def segments(value):
    return value.strip('/').split('/')


# --- defaults ----------------------------------------------------------------

DEFAULTS = {
    'name': 'demo',
    'root': '/srv/demo',
    'user': 'demo',
    'group': 'demo',
    'project': 'demo',
    'wsgi_module': 'demo.wsgi',
    'settings_module': 'demo.settings',
    'static_url': '/static/',
    'media_url': '/media/',
    'static_root': '/srv/demo/static/',
    'media_root': '/srv/demo/media/',
    'socket': 'unix',
    'public_socket': False,
    'server_names': ['demo'],
    'port': 80,
    'default_server': False,
    'tls': None,
    'balance': 'round_robin',
    'max_fails': 1,
    'fail_timeout': 10,
    'client_max_body_size': '10m',
    'processes': 2,
    'threads': 2,
    'max_requests': 1000,
    'listen': 1024,
    'harakiri': 30,
    'env': {},
    'src': 'files/demo',
    'git': None,
    'version': None,
    'requirements': 'requirements.txt',
    'packages': [],
    'system_packages': [],
    'python': None,
    'settings_overlay': True,
    'pre_switch_commands': [],
    'keep_releases': 5,
    'health_url': '/',
    'health_status': [],
    'database': None,
    'backup_before_migrate': True,
    'keep_backups': 5,
    'cache': None,
    'schedule': [],
    'socket_type': 'unix',
    'socket_port': None,
    'runtime_dir': '/run/uwsgi-demo',
    'socket_path': '/run/uwsgi-demo/demo.sock',
    'uwsgi_socket': '/run/uwsgi-demo/demo.sock',
    'nginx_upstream': 'unix:/run/uwsgi-demo/demo.sock',
    'allowed_hosts': ['demo'],
    'csrf_trusted_origins': ['http://demo', 'https://demo'],
    'releases_dir': '/srv/demo/releases',
    'venvs_dir': '/srv/demo/venvs',
    'current_dir': '/srv/demo/current',
    'code_dir': '/srv/demo/current/src',
    'venv_dir': '/srv/demo/current/venv',
    'data_dir': '/srv/demo/data',
    'backup_dir': '/srv/demo/data/backups',
    'unit': 'uwsgi-demo',
    'env_file': '/etc/webstack/demo.env',
}


def test_defaults():
    assert normalize_app(app()) == DEFAULTS


def test_keys_come_in_contract_order():
    assert list(normalize_app(app())) == list(INPUT_KEYS + DERIVED_KEYS)
    assert list(normalize_app(app(secret_key=STRONG_KEY))) == list(INPUT_KEYS + DERIVED_KEYS)
    assert 'socket_dir' not in DERIVED_KEYS
    assert not set(SECRET_INPUT_KEYS) & set(INPUT_KEYS + DERIVED_KEYS)


def test_defaults_follow_name_project_and_root():
    result = normalize_app({'name': 'my-shop', 'git': GIT, 'version': 'HEAD', 'root': '/opt/shop/'})
    assert result['project'] == 'my_shop'
    assert result['wsgi_module'] == 'my_shop.wsgi'
    assert result['settings_module'] == 'my_shop.settings'
    assert result['root'] == '/opt/shop'
    assert result['static_root'] == '/opt/shop/static/'
    assert result['media_root'] == '/opt/shop/media/'
    assert result['releases_dir'] == '/opt/shop/releases'
    assert result['venvs_dir'] == '/opt/shop/venvs'
    assert result['current_dir'] == '/opt/shop/current'
    assert result['code_dir'] == '/opt/shop/current/src'
    assert result['venv_dir'] == '/opt/shop/current/venv'
    assert result['data_dir'] == '/opt/shop/data'
    assert result['backup_dir'] == '/opt/shop/data/backups'
    assert result['env_file'] == '/etc/webstack/my-shop.env'
    assert result['src'] is None
    assert result['git'] == GIT
    assert result['version'] == 'HEAD'
    assert result['unit'] == 'uwsgi-my-shop'


def test_null_means_default():
    explicit_nulls = app(
        root=None,
        socket=None,
        public_socket=None,
        env=None,
        packages=None,
        port=None,
        python=None,
        version=None,
        database=None,
        cache=None,
        system_packages=None,
        settings_overlay=None,
        pre_switch_commands=None,
        keep_releases=None,
        health_url=None,
        health_status=None,
        backup_before_migrate=None,
        keep_backups=None,
        secret_key=None,
    )
    assert normalize_app(explicit_nulls) == normalize_app(app())


def test_explicit_values_are_kept():
    decl = app(
        root='/home/demo',
        user='web',
        group='webapps',
        project='site',
        wsgi_module='site.asgi_compat.wsgi',
        settings_module='site.settings.production',
        static_url='/assets',
        media_url='/uploads/files/',
        static_root='/var/www/demo/assets',
        media_root='/var/www/demo/uploads/',
        server_names=['Demo.Example.com', '*.example.org'],
        port=8443,
        default_server=True,
        balance='least_conn',
        max_fails=0,
        fail_timeout=3,
        client_max_body_size='512k',
        processes=8,
        threads=1,
        max_requests=1,
        listen=128,
        harakiri=0,
        env={'DEBUG': 'false', 'WORKERS': '3', 'DJANGO_DB_PASSWORD': SECRET},
        requirements='',
        packages=['gunicorn>=21', 'psycopg[binary]'],
        system_packages=['libpq-dev', 'g++', 'libc6:amd64', 'python3.12-dev', 'libxml2_x'],
        python='/usr/bin/python3.12',
        settings_overlay=False,
        pre_switch_commands=['./manage.py check --deploy --fail-level WARNING', 'python -c "import demo.celery"'],
        keep_releases=2,
        health_url='/healthz/?full=1&x=%20',
        health_status=[302, 200, 200],
        backup_before_migrate=False,
        keep_backups=1,
    )
    result = normalize_app(decl)
    assert result['static_url'] == '/assets/'
    assert result['media_url'] == '/uploads/files/'
    assert result['static_root'] == '/var/www/demo/assets/'
    assert result['media_root'] == '/var/www/demo/uploads/'
    assert result['server_names'] == ['demo.example.com', '*.example.org']
    assert result['allowed_hosts'] == ['demo.example.com', '.example.org']
    assert result['env'] == {'DEBUG': 'false', 'WORKERS': '3', 'DJANGO_DB_PASSWORD': SECRET}
    assert result['requirements'] == ''
    assert result['harakiri'] == 0
    assert result['python'] == '/usr/bin/python3.12'
    assert result['code_dir'] == '/home/demo/current/src'
    assert result['health_status'] == [200, 302]
    assert result['csrf_trusted_origins'] == ['http://demo.example.com', 'https://demo.example.com', 'http://*.example.org', 'https://*.example.org']
    for key in (
        'user',
        'group',
        'project',
        'wsgi_module',
        'settings_module',
        'port',
        'default_server',
        'balance',
        'max_fails',
        'fail_timeout',
        'client_max_body_size',
        'processes',
        'threads',
        'max_requests',
        'listen',
        'packages',
        'system_packages',
        'settings_overlay',
        'pre_switch_commands',
        'keep_releases',
        'health_url',
        'backup_before_migrate',
        'keep_backups',
    ):
        assert result[key] == decl[key], key


def test_git_app_keeps_its_version():
    result = normalize_app(app(src=None, git=GIT, version='v1.4.2'))
    assert (result['src'], result['git'], result['version']) == (None, GIT, 'v1.4.2')


def test_input_is_not_mutated_and_output_is_new():
    decl = app(
        env={'A': 'b'},
        server_names=['demo'],
        packages=['x'],
        system_packages=['libpq-dev'],
        pre_switch_commands=['true'],
        health_status=[200],
        database={'password': SECRET},
        secret_key=STRONG_KEY,
    )
    apps = [decl]
    snapshot = copy.deepcopy(apps)
    result = normalize_apps(apps)
    assert apps == snapshot
    assert result[0] is not decl
    assert result[0]['env'] is not decl['env']
    assert result[0]['server_names'] is not decl['server_names']
    assert result[0]['packages'] is not decl['packages']
    assert result[0]['system_packages'] is not decl['system_packages']
    assert result[0]['pre_switch_commands'] is not decl['pre_switch_commands']
    assert result[0]['health_status'] is not decl['health_status']
    assert result[0]['database'] is not decl['database']
    normalized = result[0]
    snapshot = copy.deepcopy(normalized)
    normalize_app(normalized)
    deployment([normalized])
    assert normalized == snapshot


def test_single_app_normalization_does_not_pick_a_default_server():
    assert normalize_app(app())['default_server'] is False


# --- accepted values at the edge of a rule ---------------------------------------------------------------


@pytest.mark.parametrize(
    'root', ['/srv/demo', '/var/www/demo', '/var/apps/demo', '/home/demo', '/opt/demo', '/data/demo', '/usrx/demo', '/etcetera/demo', '/srv/demo/nested']
)
def test_roots_outside_system_directories_are_accepted(root):
    assert normalize_app(app(root=root))['root'] == root


@pytest.mark.parametrize(
    'key, value',
    [
        ('static_root', '/srv/demo/assets'),  # inside root
        ('static_root', '/srv/demo-static'),  # inside the data dir /srv
        ('media_root', '/var/www/demo/media'),  # inside the data dir /var/www
        ('media_root', '/srv/demo/releasesmedia'),  # beside releases_dir, not inside it
        ('static_root', '/srv/demo/current-static'),  # beside current_dir, not inside it
        ('media_root', '/srv/demo/venvs-media'),  # beside venvs_dir, not inside it
        ('media_root', '/srv/demo/srcmedia'),  # beside the former code directory, not inside it
    ],
)
def test_alias_directories_inside_root_or_a_data_dir_are_accepted(key, value):
    assert normalize_app(app(**{key: value}))[key] == value + '/'


@pytest.mark.parametrize('key, value', [('media_root', '/srv/demo/src/media'), ('static_root', '/srv/demo/venv')])
def test_the_former_code_and_virtualenv_directories_are_refused(key, value):
    # The first release removes them (webstack_release.py prune): uploads there would be lost.
    legacy = value if value.endswith('venv') else '/srv/demo/src'
    message = "app 'demo': %s must not be or be inside '%s': versions before releases kept the code and virtualenv there, and the first " % (key, legacy)
    with pytest.raises(AnsibleFilterError) as error:
        normalize_app(app(**{key: value}))
    assert str(error.value) == message + "release removes it, got '%s'" % value


def test_data_dirs_argument_replaces_the_default():
    assert normalize_app(app(media_root='/data/demo/media/'), data_dirs=['/data'])['media_root'] == '/data/demo/media/'
    assert normalize_apps([app(media_root='/data/demo/media')], data_dirs=('/data/',))[0]['media_root'] == '/data/demo/media/'
    assert normalize_apps([app(media_root='/srv/demo/media')], data_dirs=[])[0]['media_root'] == '/srv/demo/media/'


def test_redis_databases_argument_bounds_cache_db():
    assert normalize_apps([app(cache={'db': 31})], redis_databases=32)[0]['cache'] == {'db': 31}
    assert normalize_app(app(cache={'db': 0}), redis_databases=1)['cache'] == {'db': 0}


@pytest.mark.parametrize('user', ['web', 'demo', 'systemd', 'mysqlx', 'www'])
def test_app_accounts_are_accepted(user):
    assert normalize_app(app(user=user, group=user))['user'] == user


def test_system_accounts_constant():
    for name in ('root', 'www-data', 'nobody', 'nginx', 'mysql', 'redis', 'postgres', 'sshd', 'daemon', 'mariadb', 'messagebus'):
        assert name in SYSTEM_ACCOUNTS
    assert is_system_account('systemd-timesync') is True
    assert is_system_account('shop') is False


@pytest.mark.parametrize('socket', ['0.0.0.0:8001', '[::]:8001'])
def test_wildcard_socket_with_public_socket(socket):
    result = normalize_app(app(socket=socket, public_socket=True))
    assert result['public_socket'] is True
    assert result['uwsgi_socket'] == socket


def test_env_db_password_is_allowed_and_the_reserved_table_is_complete():
    assert normalize_app(app(env={'DJANGO_DB_PASSWORD': SECRET, 'DJANGO_SECRET_KEY': SECRET}))['env']['DJANGO_DB_PASSWORD'] == SECRET
    assert 'DJANGO_DB_PASSWORD' not in RESERVED_ENV
    assert 'DJANGO_SECRET_KEY' not in RESERVED_ENV
    assert sorted(RESERVED_ENV) == sorted(
        [
            'DJANGO_SETTINGS_MODULE',
            'DJANGO_ALLOWED_HOSTS',
            'DJANGO_STATIC_URL',
            'DJANGO_STATIC_ROOT',
            'DJANGO_MEDIA_URL',
            'DJANGO_MEDIA_ROOT',
            'DJANGO_DATA_DIR',
            'DJANGO_DB_ENGINE',
            'DJANGO_DB_NAME',
            'DJANGO_DB_USER',
            'DJANGO_DB_HOST',
            'DJANGO_DB_PORT',
            'DJANGO_REDIS_URL',
            'DJANGO_CSRF_TRUSTED_ORIGINS',
            'DJANGO_SECURE_SSL_REDIRECT',
            'DJANGO_SESSION_COOKIE_SECURE',
            'DJANGO_CSRF_COOKIE_SECURE',
            'DJANGO_SECURE_HSTS_SECONDS',
            'DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS',
            'DJANGO_SECURE_HSTS_PRELOAD',
            'SECRET_KEY',
            'ALLOWED_HOSTS',
            'DATABASE_URL',
            'REDIS_URL',
        ]
    )
    assert set(RESERVED_ENV.values()) <= set(INPUT_KEYS + SECRET_INPUT_KEYS)


@pytest.mark.parametrize('key', ['webstack_release', 'WEBSTACKX', 'MY_WEBSTACK_X', 'DJANGO_SECRET_KEY', 'SECRET_KEY_FALLBACKS'])
def test_env_names_near_the_reserved_ones_are_allowed(key):
    assert key in normalize_app(app(env={key: STRONG_KEY}))['env']


@pytest.mark.parametrize('names', [['.example.com'], ['*.example.com', 'example.com'], ['localhost', '_']])
def test_server_name_forms_are_accepted(names):
    assert normalize_app(app(server_names=names))['server_names'] == names


# --- derived keys ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'socket, uwsgi, nginx',
    [
        ('unix', '/run/uwsgi-demo/demo.sock', 'unix:/run/uwsgi-demo/demo.sock'),
        (None, '/run/uwsgi-demo/demo.sock', 'unix:/run/uwsgi-demo/demo.sock'),
        ('127.0.0.1:8001', '127.0.0.1:8001', '127.0.0.1:8001'),
        ('10.0.0.5:08001', '10.0.0.5:8001', '10.0.0.5:8001'),
        ('App.Example.COM:08001', 'app.example.com:8001', 'app.example.com:8001'),
        ('localhost:65535', 'localhost:65535', 'localhost:65535'),
        ('[::1]:8000', '[::1]:8000', '[::1]:8000'),
        ('[0:0:0:0:0:0:0:1]:8000', '[::1]:8000', '[::1]:8000'),
        ('[2001:DB8::1]:8443', '[2001:db8::1]:8443', '[2001:db8::1]:8443'),
    ],
)
def test_socket_derived_keys(socket, uwsgi, nginx):
    result = normalize_app(app(socket=socket))
    assert result['uwsgi_socket'] == uwsgi
    assert result['nginx_upstream'] == nginx
    assert result['socket_type'] == ('unix' if nginx.startswith('unix:') else 'tcp')
    assert result['socket_path'] == (uwsgi if nginx.startswith('unix:') else None)
    assert result['runtime_dir'] == '/run/uwsgi-demo'


@pytest.mark.parametrize(
    'socket, nginx',
    [
        ('0.0.0.0:8001', '127.0.0.1:8001'),
        ('[::]:8001', '[::1]:8001'),
        ('[0:0::0]:1', '[::1]:1'),
    ],
)
def test_nginx_connects_to_loopback_for_a_wildcard_bind(socket, nginx):
    result = normalize_app(app(socket=socket, public_socket=True))
    assert result['nginx_upstream'] == nginx
    assert result['uwsgi_socket'] == result['socket']


@pytest.mark.parametrize('socket', ['private:8001', 'PRIVATE:08001'])
def test_a_private_socket_has_a_port_and_no_single_address(socket):
    result = normalize_app(app(socket=socket))
    assert result['socket'] == 'private:8001'
    assert result['socket_type'] == 'private'
    assert result['socket_port'] == 8001
    assert result['uwsgi_socket'] is None
    assert result['nginx_upstream'] is None
    assert result['socket_path'] is None
    assert normalize_app(result) == result


def test_a_tcp_socket_has_its_port():
    assert normalize_app(app(socket='127.0.0.1:8001'))['socket_port'] == 8001


def test_a_private_socket_is_not_a_wildcard():
    assert normalize_app(app(socket='private:8001'))['public_socket'] is False


def test_socket_derived_keys_follow_the_name():
    result = normalize_app({'name': 'shop_2', 'git': GIT, 'version': 'main'})
    assert result['uwsgi_socket'] == '/run/uwsgi-shop_2/shop_2.sock'
    assert result['nginx_upstream'] == 'unix:/run/uwsgi-shop_2/shop_2.sock'


@pytest.mark.parametrize(
    'names, hosts',
    [
        (['shop.example.com'], ['shop.example.com']),
        (['*.example.com'], ['.example.com']),
        (['.example.com'], ['.example.com']),
        (['_'], ['*']),
        (['*.example.com', '.example.com', 'example.com'], ['.example.com', 'example.com']),
        (['WWW.Example.com', 'localhost'], ['www.example.com', 'localhost']),
    ],
)
def test_allowed_hosts(names, hosts):
    assert normalize_app(app(server_names=names))['allowed_hosts'] == hosts
    assert allowed_hosts([name.lower() for name in names]) == hosts


@pytest.mark.parametrize(
    'names, origins',
    [
        (['shop.example.com'], ['http://shop.example.com', 'https://shop.example.com']),
        (['*.example.com'], ['http://*.example.com', 'https://*.example.com']),
        (['.example.com'], ['http://*.example.com', 'https://*.example.com']),
        (['_'], []),
        (['_', 'localhost'], ['http://localhost', 'https://localhost']),
        (
            ['*.example.com', '.example.com', 'example.com', '_'],
            ['http://*.example.com', 'https://*.example.com', 'http://example.com', 'https://example.com'],
        ),
        (['WWW.Example.com'], ['http://www.example.com', 'https://www.example.com']),
    ],
)
def test_csrf_trusted_origins(names, origins):
    assert normalize_app(app(server_names=names))['csrf_trusted_origins'] == origins
    assert csrf_trusted_origins([name.lower() for name in names]) == origins


def test_release_layout_follows_the_root():
    result = normalize_app(app(root='/var/apps/demo/'))
    assert {key: result[key] for key in ('releases_dir', 'venvs_dir', 'current_dir', 'code_dir', 'venv_dir', 'data_dir', 'backup_dir')} == {
        'releases_dir': '/var/apps/demo/releases',
        'venvs_dir': '/var/apps/demo/venvs',
        'current_dir': '/var/apps/demo/current',
        'code_dir': '/var/apps/demo/current/src',
        'venv_dir': '/var/apps/demo/current/venv',
        'data_dir': '/var/apps/demo/data',
        'backup_dir': '/var/apps/demo/data/backups',
    }


def test_default_server_name_is_the_app_name_even_when_not_a_host_name():
    result = normalize_app({'name': 'shop_2-', 'src': 'x'})
    assert result['server_names'] == ['shop_2-']
    assert result['allowed_hosts'] == ['shop_2-']
    assert normalize_app(result) == result


def test_derived_keys_with_their_own_values_are_accepted():
    decl = app(
        releases_dir='/srv/demo/releases',
        venvs_dir='/srv/demo/venvs',
        current_dir='/srv/demo/current',
        code_dir='/srv/demo/current/src',
        venv_dir='/srv/demo/current/venv',
        data_dir='/srv/demo/data',
        backup_dir='/srv/demo/data/backups',
        csrf_trusted_origins=['http://demo', 'https://demo'],
        unit='uwsgi-demo',
        socket_type='unix',
        socket_path='/run/uwsgi-demo/demo.sock',
        uwsgi_socket='/run/uwsgi-demo/demo.sock',
        nginx_upstream='unix:/run/uwsgi-demo/demo.sock',
        allowed_hosts=['demo'],
    )
    assert normalize_app(decl) == normalize_app(app())


# --- releases, health checks, backups, settings overlay, system packages ---------------------------


@pytest.mark.parametrize(
    'value, normalized',
    [
        (200, [200]),
        ([], []),
        ([302, 200, 302], [200, 302]),
        ((204, 100, 599), [100, 204, 599]),
    ],
)
def test_health_status_is_a_sorted_list_without_repeats(value, normalized):
    once = normalize_app(app(health_status=value))
    assert once['health_status'] == normalized
    assert normalize_app(once) == once


def test_schedule_is_kept_in_order_with_exactly_its_keys():
    jobs = [
        {'name': 'clear-sessions', 'command': 'python manage.py clearsessions', 'on_calendar': 'daily'},
        {'on_calendar': 'Mon..Fri *-*-* 02:30:00', 'command': 'date +%F > "$HOME/x"', 'name': 'report2'},
    ]
    once = normalize_app(app(schedule=jobs))
    assert once['schedule'] == [dict(job) for job in jobs]
    assert [list(job) for job in once['schedule']] == [['name', 'command', 'on_calendar']] * 2
    assert once['schedule'][0] is not jobs[0]
    assert normalize_app(once) == once


@pytest.mark.parametrize('url', ['/', '/healthz', '/health/?verbose=1', '/a/b%20c#frag', "/~user/!$&'()*+,;=:@"])
def test_health_url_forms_are_kept(url):
    assert normalize_app(app(health_url=url))['health_url'] == url


@pytest.mark.parametrize('keep_releases, keep_backups', [(2, 1), (5, 5), (100, 30)])
def test_numbers_of_releases_and_backups_at_their_minimum_and_above(keep_releases, keep_backups):
    result = normalize_app(app(keep_releases=keep_releases, keep_backups=keep_backups))
    assert (result['keep_releases'], result['keep_backups']) == (keep_releases, keep_backups)


def test_lists_of_commands_and_packages_are_kept_in_order():
    commands = ('python manage.py check --deploy', 'test -f manage.py && echo ok', 'x')
    result = normalize_app(app(pre_switch_commands=commands, system_packages=('libmariadb-dev', 'pkg-config', 'libpq-dev')))
    assert result['pre_switch_commands'] == list(commands)
    assert result['system_packages'] == ['libmariadb-dev', 'pkg-config', 'libpq-dev']


def test_backup_settings_apply_without_a_database():
    # Nothing to dump then; the keys are still validated and kept, so adding a database later needs no change.
    result = normalize_app(app(backup_before_migrate=False, keep_backups=3))
    assert (result['database'], result['backup_before_migrate'], result['keep_backups']) == (None, False, 3)


# --- secret_key: Django's SECRET_KEY, a secret like the database password --------------------------


def test_secret_key_moves_to_env():
    once = normalize_app(app(secret_key=STRONG_KEY, env={'A': 'b'}))
    assert 'secret_key' not in once
    assert once['env'] == {'A': 'b', 'DJANGO_SECRET_KEY': STRONG_KEY}
    assert normalize_app(once) == once
    split = deployment([app(secret_key=STRONG_KEY, database={'password': SECRET})])
    assert split['secrets'] == {'demo': {'DJANGO_SECRET_KEY': STRONG_KEY, 'DJANGO_DB_PASSWORD': SECRET}}
    assert STRONG_KEY not in repr(split['apps'])


def test_secret_key_may_also_be_given_in_env_alike():
    assert normalize_app(app(secret_key=STRONG_KEY, env={'DJANGO_SECRET_KEY': STRONG_KEY}))['env'] == {'DJANGO_SECRET_KEY': STRONG_KEY}


def test_env_secret_key_is_accepted_as_before():
    # Back-compat: a key given in env is the app's own choice, checked only like every env value.
    assert normalize_app(app(env={'DJANGO_SECRET_KEY': SECRET}))['env'] == {'DJANGO_SECRET_KEY': SECRET}


def test_without_a_secret_key_env_has_none():
    # The django role then makes one on the host.
    assert normalize_app(app())['env'] == {}
    assert deployment([app()])['secrets'] == {'demo': {}}


@pytest.mark.parametrize(
    'key',
    [
        'x' * 45 + 'abcde',  # exactly 50 characters, exactly 5 distinct ones
        'django-insecurE-' + STRONG_KEY,  # the insecure prefix is case-sensitive, as in Django
        STRONG_KEY + ' with spaces and \u00e9',
    ],
)
def test_secret_keys_at_the_edge_of_djangos_rule_are_accepted(key):
    assert normalize_app(app(secret_key=key))['env'] == {'DJANGO_SECRET_KEY': key}


@pytest.mark.parametrize(
    'overrides',
    [
        {'secret_key': SECRET},
        {'secret_key': SECRET + '\n' + STRONG_KEY},
        {'secret_key': 'django-insecure-' + SECRET * 4},
        {'secret_key': [SECRET]},
        {'secret_key': {SECRET: SECRET}},
        {'secret_key': STRONG_KEY + SECRET, 'env': {'DJANGO_SECRET_KEY': SECRET}},
        {'secret_key': SECRET * 4, 'name': 'Bad'},
        {'secret_key': SECRET * 4, 'statc_url': '/s/'},
        {'secret_key': SECRET * 4, 'database': {'password': SECRET, 'user': 'root'}},
    ],
)
def test_secret_key_never_appears_in_error_messages(overrides):
    message = error(normalize_apps, [app(**overrides)])
    assert SECRET not in message
    assert STRONG_KEY not in message


def test_alias_locations_of_a_normalized_app():
    assert alias_locations(normalize_app(app(static_url='/assets', static_root='/var/www/demo/assets'))) == [
        {'kind': 'static', 'location': '/assets/', 'alias': '/var/www/demo/assets/'},
        {'kind': 'media', 'location': '/media/', 'alias': '/srv/demo/media/'},
    ]


# --- normalized input is validated like raw input ---------------------------------------------------------


def test_normalized_app_is_accepted_unchanged():
    once = normalize_app(app(socket='[::1]:8000', static_url='/s', env={'N': '1'}))
    assert normalize_app(once) == once
    assert once['socket_path'] is None
    assert normalize_apps(normalize_apps([once])) == normalize_apps([once])


def test_normalized_app_without_env_loses_the_database_password():
    # The former shortcut (a spelled-out database without password passed) is gone.
    once = normalize_app(app(database={'password': SECRET}))
    stripped = {key: value for key, value in once.items() if key != 'env'}
    assert error(normalize_app, stripped) == "app 'demo': database.password is required (or env DJANGO_DB_PASSWORD)"
    assert error(normalize_app, dict(once, env={})) == "app 'demo': database.password is required (or env DJANGO_DB_PASSWORD)"


def test_normalized_app_without_database_needs_no_env():
    once = normalize_app(app())
    stripped = {key: value for key, value in once.items() if key != 'env'}
    assert normalize_app(stripped) == once


# --- list rules ----------------------------------------------------------------


def test_empty_list():
    assert normalize_apps([]) == []


def test_tuple_input_is_accepted():
    assert normalize_apps((app(),)) == normalize_apps([app()])


def test_index_labels_apps_with_invalid_names():
    assert error(normalize_apps, [app(), app(name='Bad', server_names=['b'])]).startswith('app at index 1: name must match')


def test_two_private_sockets_on_one_port_collide():
    apps = [app(), app(name='blog', socket='private:8001'), app(name='api', socket='Private:8001')]
    assert error(normalize_apps, apps) == "app 'api': socket 'private:8001' is already used by app 'blog'"


def test_a_private_socket_collides_with_a_wildcard_on_its_port():
    apps = [app(socket='0.0.0.0:8001', public_socket=True), app(name='blog', socket='private:8001')]
    assert error(normalize_apps, apps).startswith("app 'blog': socket 'private:8001' collides with socket '0.0.0.0:8001' of app 'demo'")


def test_a_private_socket_and_a_loopback_one_share_a_port():
    apps = normalize_apps([app(socket='127.0.0.1:8001'), app(name='blog', socket='private:8001')])
    assert [a['socket_type'] for a in apps] == ['tcp', 'private']


def test_distinct_sockets_are_fine():
    apps = normalize_apps(
        [
            app(),
            app(name='blog'),
            app(name='api', socket='127.0.0.1:8000'),
            app(name='web', socket='127.0.0.1:8001'),
            app(name='v6', socket='[::1]:8000'),
            app(name='wild', socket='0.0.0.0:8002', public_socket=True),
        ]
    )
    assert [a['nginx_upstream'] for a in apps] == [
        'unix:/run/uwsgi-demo/demo.sock',
        'unix:/run/uwsgi-blog/blog.sock',
        '127.0.0.1:8000',
        '127.0.0.1:8001',
        '[::1]:8000',
        '127.0.0.1:8002',
    ]


def test_same_server_name_on_different_ports_is_fine():
    apps = normalize_apps([app(server_names=['example.com']), app(name='blog', server_names=['example.com'], port=8080)])
    assert [(a['port'], a['default_server']) for a in apps] == [(80, True), (8080, True)]


def test_dot_server_name_does_not_clash_with_another_domain():
    apps = normalize_apps([app(server_names=['.example.com']), app(name='blog', server_names=['.example.org', 'blog.example.net'])])
    assert [a['allowed_hosts'] for a in apps] == [['.example.com'], ['.example.org', 'blog.example.net']]


def test_default_server_goes_to_first_app_per_port_unless_claimed():
    apps = normalize_apps(
        [
            app(name='a'),
            app(name='b', port=8080),
            app(name='c'),
            app(name='d', port=8080, default_server=True),
            app(name='e', port=81),
        ]
    )
    assert {a['name']: a['default_server'] for a in apps} == {'a': True, 'b': False, 'c': False, 'd': True, 'e': True}


def test_explicit_default_server_false_does_not_block_the_rule():
    apps = normalize_apps([app(default_server=False), app(name='blog', default_server=False)])
    assert [a['default_server'] for a in apps] == [True, False]


def test_apps_may_share_a_data_dir_in_separate_directories():
    apps = normalize_apps(
        [
            app(static_root='/var/www/demo/static', media_root='/var/www/demo/media'),
            app(name='blog', static_root='/var/www/blog/static', media_root='/var/www/blog/media'),
        ]
    )
    assert [a['static_root'] for a in apps] == ['/var/www/demo/static/', '/var/www/blog/static/']


def test_databases_users_and_cache_dbs_distinct_are_fine():
    apps = normalize_apps([app(database={'password': 'a'}, cache={'db': 1}), app(name='blog', database={'password': 'b'}, cache={'db': 2})])
    assert [(a['database']['name'], a['cache']['db']) for a in apps] == [('demo', 1), ('blog', 2)]


# --- the deployment split -------------------------------------------------------------------------


def test_deployment_splits_env_from_the_apps():
    decls = [app(database={'password': SECRET}, env={'DJANGO_SECRET_KEY': SECRET + '-key'}, cache={'db': 0}), app(name='blog', src=None, git=GIT, version='v2')]
    result = deployment(decls)
    assert sorted(result) == ['apps', 'secrets', 'tls_keys']
    assert result['secrets'] == {'demo': {'DJANGO_SECRET_KEY': SECRET + '-key', 'DJANGO_DB_PASSWORD': SECRET}, 'blog': {}}
    assert [list(a) for a in result['apps']] == [[key for key in INPUT_KEYS + DERIVED_KEYS if key != 'env']] * 2
    normalized = normalize_apps(decls)
    assert result['apps'] == [{key: value for key, value in a.items() if key != 'env'} for a in normalized]
    assert SECRET not in repr(result['apps'])


def test_deployment_applies_the_list_rules_and_arguments():
    assert error(deployment, [app(), app()]) == "app 'demo': name 'demo' is used by the apps at index 0 and 1"
    assert error(deployment, [app(cache={'db': 4})], redis_databases=4) == (
        "app 'demo': cache.db must be below redis_databases (4, the number of databases the Redis server has), got 4"
    )
    assert deployment([app(media_root='/data/demo')], data_dirs=['/data'])['apps'][0]['media_root'] == '/data/demo/'
    assert error(deployment, {'name': 'demo'}) == 'webstack_apps must be a list of app declarations, got a mapping'


def test_deployment_of_no_apps():
    assert deployment([]) == {'apps': [], 'secrets': {}, 'tls_keys': {}}


# --- the data tier: database and cache ------------------------------------------------------


def test_database_defaults_and_the_password_moves_to_env():
    result = normalize_app(app(name='my-shop', database={'password': SECRET}, cache={'db': 3}))
    assert result['database'] == {'name': 'my_shop', 'user': 'my-shop', 'host': None, 'port': 3306, 'client_host': 'localhost'}
    assert result['env'] == {'DJANGO_DB_PASSWORD': SECRET}
    assert result['cache'] == {'db': 3}
    assert SECRET not in repr(dict(result, env={}))


@pytest.mark.parametrize(
    'host, normalized',
    [
        ('db1.example.com', 'db1.example.com'),
        ('DB1.Example.com', 'db1.example.com'),
        ('10.0.0.7', '10.0.0.7'),
        ('[0:0::1]', '[::1]'),
        ('/run/mysqld/mysqld.sock/', '/run/mysqld/mysqld.sock'),
    ],
)
def test_database_host_forms(host, normalized):
    assert normalize_app(app(database={'password': SECRET, 'host': host}))['database']['host'] == normalized


def test_database_explicit_values_are_kept():
    decl = app(database={'name': 'shop', 'user': 'shop_rw', 'password': SECRET, 'host': 'db1.example.com', 'port': 3307, 'client_host': '10.0.0.%'})
    assert normalize_app(decl)['database'] == {'name': 'shop', 'user': 'shop_rw', 'host': 'db1.example.com', 'port': 3307, 'client_host': '10.0.0.%'}


def test_database_password_may_come_from_env():
    assert normalize_app(app(database={}, env={'DJANGO_DB_PASSWORD': SECRET}))['database']['name'] == 'demo'
    assert normalize_app(app(database={'password': SECRET}, env={'DJANGO_DB_PASSWORD': SECRET}))['env'] == {'DJANGO_DB_PASSWORD': SECRET}


@pytest.mark.parametrize(
    'database',
    [
        {'password': SECRET + '\n'},
        {'password': [SECRET]},
        {'password': SECRET, 'name': 'bad name'},
        {'password': SECRET, 'name': 'mysql'},
        {'password': SECRET, 'user': 'root'},
        {'password': SECRET, 'port': 'x'},
    ],
)
def test_database_password_never_appears_in_error_messages(database):
    assert SECRET not in error(normalize_app, app(database=database))


# --- env values are secrets -----------------------------------------------------------


@pytest.mark.parametrize(
    'env',
    [
        {'API_TOKEN': SECRET + '\n'},
        {'API_TOKEN': SECRET + '\r'},
        {'API_TOKEN': '\x00' + SECRET},
        {'API_TOKEN': [SECRET]},
        {'API_TOKEN': {SECRET: SECRET}},
        {'API_TOKEN': (SECRET,)},
        [SECRET],
        SECRET,
    ],
)
def test_env_values_never_appear_in_error_messages(env):
    message = error(normalize_app, app(env=env))
    assert SECRET not in message
    assert message.startswith("app 'demo': env ")


@pytest.mark.parametrize(
    'overrides',
    [
        {'static_url': 'static/'},
        {'statc_url': '/s/'},
        {'code_dir': '/opt'},
        {'name': 'Bad'},
        {'src': None},
        {'user': 'root'},
    ],
)
def test_env_values_do_not_leak_through_other_errors(overrides):
    message = error(normalize_apps, [app(env={'API_TOKEN': SECRET}, **overrides)])
    assert SECRET not in message


@given(st.tuples(st.text(max_size=10), st.sampled_from('\n\r\x00'), st.text(max_size=10)).map(''.join))
def test_env_values_with_line_breaks_are_rejected_without_echo(value):
    message = error(normalize_app, app(env={'API_TOKEN': SECRET + value}))
    assert message == "app 'demo': env value for key 'API_TOKEN' must not contain newline, carriage return or NUL characters"


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans()))
def test_env_scalars_yaml_did_not_read_as_strings_are_refused(value):
    message = error(normalize_app, app(env={'PIN': value}))
    assert message.startswith("app 'demo': env value for key 'PIN' must be a string, but YAML read it as the ")
    assert message.endswith(': quote the value in the inventory')


# --- property-based tests ----------------------------------------------------------

LOWER = 'abcdefghijklmnopqrstuvwxyz'
ALNUM = LOWER + LOWER.upper() + '0123456789'


def _word(first, rest, max_size, last=None):
    """Strings of one character from ``first`` then up to ``max_size`` from ``rest`` (ending in ``last`` if given)."""
    middle = st.text(alphabet=rest, max_size=max_size)
    if last is None:
        return st.builds(lambda head, tail: head + tail, st.sampled_from(first), middle)
    return st.one_of(st.sampled_from(first), st.builds(lambda head, mid, end: head + mid + end, st.sampled_from(first), middle, st.sampled_from(last)))


# Segments never consist of dots only, so they cannot be '.' or '..'.
URL_SEGMENT = _word(ALNUM + '_~-', ALNUM + '._~-', 8)
PATH_SEGMENT = _word(ALNUM + '_~+@-', ALNUM + '._~+@-', 8)
TRAILING = st.sampled_from(['', '/'])
HOST_LABEL = _word(ALNUM[:52], ALNUM + '-', 10, last=ALNUM)  # a leading letter: all-digit hosts are read as IPv4
PORT = st.integers(min_value=1024, max_value=65535)
NGINX_PORT = st.integers(min_value=1, max_value=1023).filter(lambda port: port != 443)


def _path(prefix, segments_strategy=PATH_SEGMENT):
    return st.builds(lambda parts, end: prefix + '/'.join(parts) + end, st.lists(segments_strategy, min_size=1, max_size=3), TRAILING)


SOCKETS = st.one_of(
    st.just('unix'),
    st.builds('{0}:{1}'.format, st.ip_addresses(v=4).map(str), PORT),
    st.builds('[{0}]:{1}'.format, st.ip_addresses(v=6).map(str), PORT),
    st.builds(lambda labels, port: '%s:%d' % ('.'.join(labels), port), st.lists(HOST_LABEL, min_size=1, max_size=3), PORT),
)
ENV_VALUES = st.text(st.characters(blacklist_characters='\n\r\x00'), max_size=20)
# Names the collection sets itself ('SECRET_KEY', 'WEBSTACK_X') are refused: test_refusals.py.
ENV_NAMES = _word(ALNUM[:52] + '_', ALNUM + '_', 10).filter(lambda name: name not in RESERVED_ENV and not name.startswith('WEBSTACK_'))
STRONG_KEYS = st.text(st.characters(blacklist_characters='\n\r\x00'), min_size=50, max_size=80).filter(
    lambda key: len(set(key)) >= 5 and not key.startswith('django-insecure-')
)


VALID_APPS = (
    st.fixed_dictionaries(
        # A name whose default project would be a Python keyword ('if', 'class') needs an explicit project;
        # a name that is a system account ('bin', 'man') needs an explicit user and group.
        {'name': _word(LOWER, LOWER + '0123456789_-', 30).filter(lambda name: not keyword.iskeyword(name.replace('-', '_')) and not is_system_account(name))},
        optional={
            'root': _path('/srv/'),
            'static_url': _path('/st', URL_SEGMENT),
            'media_url': _path('/me', URL_SEGMENT),
            'static_root': _path('/var/www/static/'),
            'media_root': _path('/var/www/media/'),
            'socket': SOCKETS,
            'public_socket': st.booleans(),
            'server_names': st.lists(
                st.sampled_from(['', '*.', '.']).flatmap(lambda wild: _word(ALNUM, ALNUM + '.-', 10, last=ALNUM).map(wild.__add__)) | st.just('_'),
                min_size=1,
                max_size=3,
                unique_by=str.lower,
            ),
            'port': NGINX_PORT,
            'default_server': st.booleans(),
            'client_max_body_size': st.builds('{0}{1}'.format, st.integers(min_value=0, max_value=9999), st.sampled_from(['', 'k', 'K', 'm', 'M', 'g', 'G'])),
            'processes': st.integers(min_value=1, max_value=64),
            'harakiri': st.integers(min_value=0, max_value=600),
            'env': st.dictionaries(ENV_NAMES, ENV_VALUES, max_size=3),
            'requirements': st.sampled_from(['', 'requirements.txt', 'requirements/prod.txt']),
            'packages': st.lists(st.sampled_from(['django>=4.2', 'psycopg[binary]', 'whitenoise']), max_size=2),
            'python': st.sampled_from([None, '/usr/bin/python3', '/opt/python3.12/bin/python3']),
            'system_packages': st.lists(st.sampled_from(['libpq-dev', 'g++', 'libc6:amd64', 'python3.12-dev']), max_size=2),
            'settings_overlay': st.booleans(),
            'pre_switch_commands': st.lists(st.text(st.characters(blacklist_characters='\n\r\x00'), min_size=1, max_size=20), max_size=2),
            'keep_releases': st.integers(min_value=2, max_value=50),
            'health_url': st.sampled_from(['/', '/healthz', '/health/?full=1']),
            'health_status': st.one_of(st.integers(100, 599), st.lists(st.integers(100, 599), max_size=4)),
            'backup_before_migrate': st.booleans(),
            'keep_backups': st.integers(min_value=1, max_value=50),
            'secret_key': STRONG_KEYS,
        },
    )
    .map(
        # A wildcard bind needs public_socket: true.
        lambda decl: dict(decl, public_socket=True) if decl.get('socket', 'unix').startswith(('0.0.0.0:', '[::]:')) else decl
    )
    .flatmap(
        lambda decl: st.one_of(
            st.just(dict(decl, src='files/' + decl['name'])),
            st.builds(
                lambda version: dict(decl, git='https://git.example.com/%s.git' % decl['name'], version=version),
                st.sampled_from(['HEAD', 'main', 'v1.2.3', '0123abcd']),
            ),
        )
    )
)


def _assert_safe_prefix(value, chars):
    assert chars.fullmatch(value), value
    assert value.startswith('/') and value.endswith('/') and not value.endswith('//'), value
    assert '//' not in value, value
    assert value != '/'
    assert not set(segments(value)) & {'', '.', '..'}, value


@given(VALID_APPS)
def test_property_links_are_safe_and_agree(decl):
    result = normalize_app(decl)
    static, media = alias_locations(result)
    for item in (static, media):
        _assert_safe_prefix(item['location'], SAFE_URL)
        _assert_safe_prefix(item['alias'], SAFE_PATH)
    assert not static['location'].startswith(media['location']) and not media['location'].startswith(static['location'])
    uwsgi, nginx = result['uwsgi_socket'], result['nginx_upstream']
    if decl.get('socket', 'unix') == 'unix':
        assert nginx == 'unix:' + uwsgi
        assert uwsgi == '/run/uwsgi-{0}/{0}.sock'.format(decl['name'])
    else:
        host, port = uwsgi.rsplit(':', 1)
        assert 1024 <= int(port) <= 65535 and host
        assert nginx == '%s:%s' % ({'0.0.0.0': '127.0.0.1', '[::]': '[::1]'}.get(host, host), port)
        assert nginx.rsplit(':', 1)[0] not in ('0.0.0.0', '[::]')
    assert '*' not in ''.join(host for host in result['allowed_hosts'] if host != '*')


@given(VALID_APPS)
def test_property_normalize_is_idempotent(decl):
    once = normalize_app(decl)
    assert normalize_app(once) == once
    assert normalize_app(copy.deepcopy(once)) == once


@settings(max_examples=100)
@given(st.lists(VALID_APPS, max_size=4, unique_by=lambda decl: decl['name']))
def test_property_normalize_apps_is_idempotent_with_one_default_per_port(decls):
    # Keep the list rules satisfiable: distinct roots, directories, server names and TCP sockets follow from distinct names.
    decls = [
        dict(
            decl,
            root='/srv/' + decl['name'],
            server_names=['app%d.example' % index],
            static_root=None,
            media_root=None,
            socket='unix' if decl.get('socket', 'unix') == 'unix' else '127.0.0.1:%d' % (10000 + index),
        )
        for index, decl in enumerate(decls)
    ]
    for decl in decls:
        decl.pop('default_server', None)
    once = normalize_apps(decls)
    assert normalize_apps(once) == once
    ports = [decl['port'] for decl in once]
    defaults = [decl['port'] for decl in once if decl['default_server']]
    assert sorted(defaults) == sorted(set(ports))
    for port in set(ports):
        assert next(decl for decl in once if decl['port'] == port)['default_server'] is True
    split = deployment(decls)
    assert split['apps'] == [{key: value for key, value in decl.items() if key != 'env'} for decl in once]
    assert split['secrets'] == {decl['name']: decl['env'] for decl in once}


NASTY_PIECES = st.sampled_from(
    [
        '/',
        '//',
        '.',
        '..',
        '/../',
        '/./',
        'static',
        'srv',
        'demo',
        'a',
        '%2e',
        '%2f',
        '\\',
        '\n',
        '\r',
        '\x00',
        '\t',
        ' ',
        ';',
        '{',
        '}',
        '$',
        '#',
        "'",
        '"',
        '~',
        '+',
        '@',
        '-',
        '_',
        '*',
        '?',
        '&',
        '\u00e9',
        '\u2028',
        '\uff0e',
    ]
)
ARBITRARY = st.one_of(st.text(), st.lists(NASTY_PIECES, max_size=12).map(''.join), st.none(), st.integers(), st.lists(st.text(), max_size=2))


@pytest.mark.parametrize(
    'key, chars',
    [
        ('static_url', SAFE_URL),
        ('media_url', SAFE_URL),
        ('static_root', SAFE_PATH),
        ('media_root', SAFE_PATH),
    ],
)
@given(value=ARBITRARY)
def test_property_arbitrary_input_is_rejected_or_safe(key, chars, value):
    try:
        result = normalize_app(app(**{key: value}))
    except AnsibleFilterError:
        return
    _assert_safe_prefix(result[key], chars)
    for item in alias_locations(result):
        _assert_safe_prefix(item['location'], SAFE_URL)
        _assert_safe_prefix(item['alias'], SAFE_PATH)
    for directory in (result['static_root'], result['media_root']):
        assert directory.startswith(('/srv/demo/', '/srv/', '/var/www/'))
        for private in ('releases_dir', 'venvs_dir', 'current_dir', 'code_dir', 'data_dir', 'backup_dir'):
            assert not directory.startswith(result[private] + '/')
            assert not (result[private] + '/').startswith(directory)


@given(value=ARBITRARY)
def test_property_arbitrary_root_is_rejected_or_safe(value):
    try:
        result = normalize_app(app(root=value))
    except AnsibleFilterError:
        return
    assert SAFE_PATH.fullmatch(result['root']) and result['root'].startswith('/') and not result['root'].endswith('/')
    assert not set(segments(result['root'])) & {'', '.', '..'}
    assert segments(result['root'])[0] not in ('etc', 'proc', 'sys', 'dev', 'boot', 'usr', 'bin', 'sbin', 'lib', 'run', 'tmp', 'root')
    for key in ('releases_dir', 'venvs_dir', 'current_dir', 'code_dir', 'venv_dir', 'data_dir', 'backup_dir'):
        assert result[key].startswith(result['root'] + '/')


@given(password=st.text(st.characters(blacklist_characters='\n\r\x00'), min_size=1, max_size=30), db=st.integers(0, 15))
def test_property_data_tier_secrets_stay_in_env(password, db):
    once = normalize_app(app(database={'password': password}, cache={'db': db}))
    assert once['env'] == {'DJANGO_DB_PASSWORD': password}
    assert normalize_app(once) == once
    assert 'password' not in once['database']
    assert deployment([once])['secrets'] == {'demo': {'DJANGO_DB_PASSWORD': password}}


@given(key=STRONG_KEYS)
def test_property_secret_key_stays_in_env(key):
    once = normalize_app(app(secret_key=key))
    assert once['env'] == {'DJANGO_SECRET_KEY': key}
    assert 'secret_key' not in once
    assert normalize_app(once) == once
    split = deployment([app(secret_key=key)])
    assert split['secrets'] == {'demo': {'DJANGO_SECRET_KEY': key}}
    assert key not in repr(split['apps'])


@given(key=st.text(st.characters(blacklist_characters='\n\r\x00'), min_size=1, max_size=80))
def test_property_weak_secret_keys_are_refused_by_djangos_rule(key):
    weak = len(key) < 50 or len(set(key)) < 5 or key.startswith('django-insecure-')
    try:
        normalize_app(app(secret_key=key))
    except AnsibleFilterError as exc:
        assert weak
        assert str(exc).startswith("app 'demo': secret_key is weak by Django's check security.W009 (")
        return
    assert not weak


# --- tls: HTTPS ---------------------------------------------------------------------------------------

CHAIN = '-----BEGIN CERTIFICATE-----\nMIIBdemo+/=\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIIBca==\n-----END CERTIFICATE-----'
TLS_KEY = '-----BEGIN PRIVATE KEY-----\nMIIEsecret/key+material==\n-----END PRIVATE KEY-----\n'


def test_tls_defaults():
    assert normalize_app(app(tls={'certificate': 'selfsigned'}))['tls'] == {
        'certificate': 'selfsigned',
        'port': 443,
        'redirect': True,
        'hsts_max_age': 63072000,
        'hsts_include_subdomains': False,
        'hsts_preload': False,
        'ocsp_stapling': False,
        'chain': None,
        'key': None,
    }


def test_tls_allows_port_443_for_https_and_plain_http_beside_it():
    normalized = normalize_app(app(port=8080, tls={'certificate': 'selfsigned', 'port': 8443}))
    assert (normalized['port'], normalized['tls']['port']) == (8080, 8443)
    assert normalize_app(app(port=443, tls={'certificate': 'selfsigned', 'port': 8443}))['port'] == 443


def test_provided_key_leaves_the_apps_for_tls_keys():
    declared = app(tls={'certificate': 'provided', 'chain': CHAIN, 'key': TLS_KEY.strip()})
    once = normalize_app(declared)
    assert once['tls']['chain'] == CHAIN + '\n' and once['tls']['key'] == TLS_KEY
    assert normalize_app(once) == once
    split = deployment([declared, app(name='blog', server_names=['blog.example.com'], tls={'certificate': 'acme', 'hsts_max_age': 300})])
    assert split['tls_keys'] == {'demo': TLS_KEY}
    assert 'key' not in split['apps'][0]['tls'] and split['apps'][0]['tls']['chain'] == CHAIN + '\n'
    assert 'secret/key' not in repr(split['apps'])
    assert split['apps'][1]['tls']['hsts_max_age'] == 300


def test_acme_names_must_be_full_dns_names():
    assert normalize_app(app(server_names=['shop.example.com', 'www.shop.example.com'], tls={'certificate': 'acme'}))['tls']['certificate'] == 'acme'
    for name in ('localhost', '_', '*.example.com', '.example.com', '10.0.0.1'):
        message = error(normalize_app, app(server_names=[name], tls={'certificate': 'acme'}))
        assert message.startswith("app 'demo': server_names entry '%s' cannot get an ACME certificate" % name)


def test_a_weak_key_in_env_is_refused_only_with_tls():
    assert normalize_app(app(env={'DJANGO_SECRET_KEY': SECRET}))['env'] == {'DJANGO_SECRET_KEY': SECRET}
    message = error(normalize_app, app(env={'DJANGO_SECRET_KEY': SECRET}, tls={'certificate': 'selfsigned'}))
    assert message == (
        "app 'demo': env DJANGO_SECRET_KEY is weak by Django's check security.W009 (too short: 17 characters of 50), refused with tls; "
        "make one with python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
    assert normalize_app(app(env={'DJANGO_SECRET_KEY': STRONG_KEY}, tls={'certificate': 'selfsigned'}))['env'] == {'DJANGO_SECRET_KEY': STRONG_KEY}


def test_a_port_is_plain_http_or_https_for_every_app():
    blog = app(name='blog', server_names=['blog.example.com'], port=8443)
    assert error(normalize_apps, [app(tls={'certificate': 'selfsigned', 'port': 8443}), blog]) == (
        "app 'blog': port 8443 is app 'demo''s tls.port; a port serves either plain HTTP or HTTPS"
    )
    blog_tls = app(name='blog', server_names=['demo'], port=8080, tls={'certificate': 'selfsigned'})
    assert error(normalize_apps, [app(tls={'certificate': 'selfsigned'}), blog_tls]) == (
        "app 'blog': server_names entry 'demo' on port 443 is already used by app 'demo'"
    )


def test_a_socket_may_not_take_the_https_port():
    assert error(normalize_app, app(socket='127.0.0.1:8443', tls={'certificate': 'selfsigned', 'port': 8443})) == (
        "app 'demo': socket '127.0.0.1:8443' uses port 8443, which nginx listens on for app 'demo'; nginx and uWSGI may share a host, "
        'so give the socket another port'
    )
