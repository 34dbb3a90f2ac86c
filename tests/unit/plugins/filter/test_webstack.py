# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy
import keyword
import re

import pytest
from hypothesis import given, settings, strategies as st

from ansible.errors import AnsibleFilterError
from ansible_collections.webstack.django.plugins.filter.webstack import (
    FilterModule,
    alias_locations,
    django_apps,
    nginx_upstream,
    normalize_app,
    uwsgi_socket,
)

SAFE_URL = re.compile(r'[A-Za-z0-9._~/-]+')
SAFE_PATH = re.compile(r'[A-Za-z0-9._~/+@-]+')
DERIVED = ('socket_type', 'runtime_dir', 'socket_dir', 'socket_path', 'code_dir', 'venv_dir', 'data_dir', 'unit', 'env_file')


def app(**overrides):
    decl = {'name': 'demo', 'src': 'files/demo'}
    decl.update(overrides)
    return decl


def error(func, *args):
    with pytest.raises(AnsibleFilterError) as excinfo:
        func(*args)
    return str(excinfo.value)


def segments(value):
    return value.strip('/').split('/')


# --- filter registration ----------------------------------------------------

def test_filter_module_registers_the_four_filters():
    assert FilterModule().filters() == {
        'django_apps': django_apps,
        'uwsgi_socket': uwsgi_socket,
        'nginx_upstream': nginx_upstream,
        'alias_locations': alias_locations,
    }


# --- defaults ----------------------------------------------------------------

def test_defaults():
    assert normalize_app(app()) == {
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
        'server_names': ['demo'],
        'port': 80,
        'default_server': False,
        'client_max_body_size': '10m',
        'processes': 2,
        'threads': 2,
        'max_requests': 1000,
        'listen': 1024,
        'harakiri': 30,
        'env': {},
        'src': 'files/demo',
        'git': None,
        'version': 'HEAD',
        'requirements': 'requirements.txt',
        'packages': [],
        'python': None,
        'database': None,
        'cache': None,
        'socket_type': 'unix',
        'runtime_dir': '/run/uwsgi-demo',
        'socket_dir': '/run/uwsgi-demo',
        'socket_path': '/run/uwsgi-demo/demo.sock',
        'code_dir': '/srv/demo/src',
        'venv_dir': '/srv/demo/venv',
        'data_dir': '/srv/demo/data',
        'unit': 'uwsgi-demo',
        'env_file': '/etc/webstack/demo.env',
    }


def test_defaults_follow_name_project_and_root():
    result = normalize_app({'name': 'my-shop', 'git': 'https://git.example.com/shop.git', 'root': '/opt/shop/'})
    assert result['project'] == 'my_shop'
    assert result['wsgi_module'] == 'my_shop.wsgi'
    assert result['settings_module'] == 'my_shop.settings'
    assert result['root'] == '/opt/shop'
    assert result['static_root'] == '/opt/shop/static/'
    assert result['media_root'] == '/opt/shop/media/'
    assert result['code_dir'] == '/opt/shop/src'
    assert result['venv_dir'] == '/opt/shop/venv'
    assert result['data_dir'] == '/opt/shop/data'
    assert result['env_file'] == '/etc/webstack/my-shop.env'
    assert result['src'] is None
    assert result['git'] == 'https://git.example.com/shop.git'
    assert result['unit'] == 'uwsgi-my-shop'


def test_null_means_default():
    explicit_nulls = app(root=None, socket=None, env=None, packages=None, port=None, python=None, version=None, database=None, cache=None)
    assert normalize_app(explicit_nulls) == normalize_app(app())


def test_explicit_values_are_kept():
    decl = app(
        root='/var/lib/demo', user='www', group='www-data', project='site', wsgi_module='site.asgi_compat.wsgi',
        settings_module='site.settings.production', static_url='/assets', media_url='/uploads/files/',
        static_root='/var/www/demo/assets', media_root='/var/www/demo/uploads/', server_names=['Demo.Example.com', '*.example.org'],
        port=8443, default_server=True, client_max_body_size='512k', processes=8, threads=1, max_requests=1, listen=128,
        harakiri=0, env={'DEBUG': False, 'WORKERS': 3, 'RATIO': 0.5, 'NAME': 'x'}, requirements='', packages=['gunicorn>=21', 'psycopg[binary]'],
        python='/usr/bin/python3.12', version='v1.2.3',
    )
    result = normalize_app(decl)
    assert result['static_url'] == '/assets/'
    assert result['media_url'] == '/uploads/files/'
    assert result['static_root'] == '/var/www/demo/assets/'
    assert result['media_root'] == '/var/www/demo/uploads/'
    assert result['server_names'] == ['demo.example.com', '*.example.org']
    assert result['env'] == {'DEBUG': 'False', 'WORKERS': '3', 'RATIO': '0.5', 'NAME': 'x'}
    assert result['requirements'] == ''
    assert result['harakiri'] == 0
    assert result['python'] == '/usr/bin/python3.12'
    assert result['code_dir'] == '/var/lib/demo/src'
    for key in ('user', 'group', 'project', 'wsgi_module', 'settings_module', 'port', 'default_server',
                'client_max_body_size', 'processes', 'threads', 'max_requests', 'listen', 'packages', 'version'):
        assert result[key] == decl[key], key


def test_input_is_not_mutated_and_output_is_new():
    decl = app(env={'A': 'b'}, server_names=['demo'], packages=['x'])
    apps = [decl]
    snapshot = copy.deepcopy(apps)
    result = django_apps(apps)
    assert apps == snapshot
    assert result[0] is not decl
    assert result[0]['env'] is not decl['env']
    assert result[0]['server_names'] is not decl['server_names']
    assert result[0]['packages'] is not decl['packages']
    normalized = result[0]
    snapshot = copy.deepcopy(normalized)
    for func in (normalize_app, uwsgi_socket, nginx_upstream, alias_locations):
        func(normalized)
    assert normalized == snapshot


def test_single_app_normalization_does_not_pick_a_default_server():
    assert normalize_app(app())['default_server'] is False


# --- validation: every key, message names the app, the key and the value ------------

INVALID = [
    # (overrides, expected message fragments)
    ({'name': 'Demo'}, ["app: name must match", "got 'Demo'"]),
    ({'name': 'a' * 32}, ['name must match', "got '" + 'a' * 32 + "'"]),
    ({'name': '1demo'}, ['name must match', "got '1demo'"]),
    ({'name': 'demo\n'}, ['name must match', "got 'demo\\n'"]),
    ({'name': 5}, ['name must be a string', 'got 5']),
    ({'root': 'srv/demo'}, ["app 'demo': root must be an absolute path", "got 'srv/demo'"]),
    ({'root': '/'}, ["root must not be '/' alone", "got '/'"]),
    ({'root': '/srv/../etc'}, ["root must not contain a '.' or '..' segment", "got '/srv/../etc'"]),
    ({'root': '/srv/./demo'}, ["root must not contain a '.' or '..' segment"]),
    ({'root': '/srv//demo'}, ["root must not contain an empty segment", "got '/srv//demo'"]),
    ({'root': '/srv/my demo'}, ['root may only contain', "got '/srv/my demo'"]),
    ({'root': '/srv/demo;'}, ['root may only contain']),
    ({'root': ['/srv']}, ['root must be a string', 'got a list']),
    ({'user': 'Root'}, ["app 'demo': user must match", "got 'Root'"]),
    ({'group': 'www data'}, ['group must match', "got 'www data'"]),
    ({'group': 0}, ['group must be a string', 'got 0']),
    ({'project': 'my-site'}, ['project must be a Python identifier', "got 'my-site'"]),
    ({'project': 'class'}, ['project must be a Python identifier', "got 'class'"]),
    ({'name': 'import'}, ["app 'import': project must be a Python identifier", "got 'import'"]),
    ({'wsgi_module': 'demo..wsgi'}, ['wsgi_module must be a dotted Python module path', "got 'demo..wsgi'"]),
    ({'settings_module': 'demo.settings.'}, ['settings_module must be a dotted Python module path', "got 'demo.settings.'"]),
    ({'settings_module': 'demo-settings'}, ['settings_module must be a dotted Python module path']),
    ({'static_url': 'static/'}, ["app 'demo': static_url must start with '/', got 'static/'"]),
    ({'static_url': '/'}, ["static_url must not be '/' alone, got '/'"]),
    ({'static_url': '/static//'}, ['static_url must not contain an empty segment', "got '/static//'"]),
    ({'static_url': '/a/../b/'}, ["static_url must not contain a '.' or '..' segment", "got '/a/../b/'"]),
    ({'static_url': '/./'}, ["static_url must not contain a '.' or '..' segment"]),
    ({'static_url': '/sta tic/'}, ['static_url may only contain', "got '/sta tic/'"]),
    ({'static_url': '/static/\n'}, ['static_url may only contain', "got '/static/\\n'"]),
    ({'static_url': '/static;/'}, ['static_url may only contain']),
    ({'static_url': '/st%41tic/'}, ['static_url may only contain']),
    ({'media_url': 'media'}, ["media_url must start with '/', got 'media'"]),
    ({'media_url': '/static'}, ["media_url must differ from static_url '/static/'", "got '/static/'"]),
    ({'media_url': '/static/media/'}, ['media_url must differ from static_url', "got '/static/media/'"]),
    ({'static_url': '/media/static/'}, ["media_url must differ from static_url '/media/static/'", "got '/media/'"]),
    ({'static_root': 'static'}, ['static_root must be an absolute path', "got 'static'"]),
    ({'static_root': '/srv/demo/static/..'}, ["static_root must not contain a '.' or '..' segment"]),
    ({'static_root': '/srv/de mo'}, ['static_root may only contain', "got '/srv/de mo'"]),
    ({'static_root': '/srv/{x}'}, ['static_root may only contain']),
    ({'static_root': '/srv/$x'}, ['static_root may only contain']),
    ({'static_root': '/srv/#x'}, ['static_root may only contain']),
    ({'static_root': "/srv/'x"}, ['static_root may only contain']),
    ({'static_root': '/srv/x\n'}, ['static_root may only contain']),
    ({'static_root': '/srv/x\x00'}, ['static_root may only contain']),
    ({'static_root': '/'}, ["static_root must not be '/' alone"]),
    ({'static_root': '/srv/demo'}, ['static_root must not be the project root', "got '/srv/demo'"]),
    ({'static_root': '/srv'}, ['static_root must not be the project root', "got '/srv'"]),
    ({'static_root': '/srv/demo/src/'}, ['static_root must not be the project root', "got '/srv/demo/src/'"]),
    ({'media_root': '/srv/demo/venv/lib'}, ['media_root must not be the project root', "got '/srv/demo/venv/lib'"]),
    ({'media_root': '/srv/demo/static'}, ["media_root must differ from static_root '/srv/demo/static/'", "got '/srv/demo/static/'"]),
    ({'media_root': '/srv/demo/static/media'}, ['media_root must differ from static_root']),
    ({'socket': 'tcp'}, ["socket must be 'unix' or 'HOST:PORT'", "got 'tcp'"]),
    ({'socket': 'unix:/tmp/demo.sock'}, ["socket must end with a port", "got 'unix:/tmp/demo.sock'"]),
    ({'socket': 'UNIX'}, ["socket must be 'unix' or 'HOST:PORT'", "got 'UNIX'"]),
    ({'socket': '127.0.0.1'}, ["socket must be 'unix' or 'HOST:PORT'", "got '127.0.0.1'"]),
    ({'socket': ':8000'}, ["socket must be 'unix' or 'HOST:PORT'", "got ':8000'"]),
    ({'socket': '127.0.0.1:0'}, ['socket must end with a port between 1 and 65535', "got '127.0.0.1:0'"]),
    ({'socket': '127.0.0.1:65536'}, ['socket must end with a port', "got '127.0.0.1:65536'"]),
    ({'socket': '127.0.0.1:+80'}, ['socket must end with a port']),
    ({'socket': '127.0.0.1:80\n'}, ['socket must end with a port']),
    ({'socket': '256.1.1.1:80'}, ['socket has an invalid IPv4 address', "got '256.1.1.1:80'"]),
    ({'socket': '01.2.3.4:80'}, ['socket has an invalid IPv4 address']),
    ({'socket': '1.2.3:80'}, ['socket has an invalid IPv4 address']),
    ({'socket': '127.1:8000'}, ['socket has an invalid IPv4 address', "got '127.1:8000'"]),
    ({'socket': '0:80'}, ['socket has an invalid IPv4 address', "got '0:80'"]),
    ({'socket': '::1:8000'}, ['IPv6 addresses must be in brackets', "got '::1:8000'"]),
    ({'socket': '[::1]8000'}, ["socket must be 'unix' or 'HOST:PORT'"]),
    ({'socket': '[::g]:80'}, ["socket must be 'unix' or 'HOST:PORT'", "got '[::g]:80'"]),
    ({'socket': '[1::2::3]:80'}, ['socket has an invalid IPv6 address', "got '[1::2::3]:80'"]),
    ({'socket': '[fe80::1%eth0]:80'}, ["socket must be 'unix' or 'HOST:PORT'"]),
    ({'socket': 'exa_mple:80'}, ["socket must be 'unix' or 'HOST:PORT'", "got 'exa_mple:80'"]),
    ({'socket': '-bad.example.com:80'}, ["socket must be 'unix' or 'HOST:PORT'"]),
    ({'socket': 'bad..example.com:80'}, ["socket must be 'unix' or 'HOST:PORT'"]),
    ({'socket': 'a b:80'}, ["socket must be 'unix' or 'HOST:PORT'"]),
    ({'socket': ('a' * 64) + '.com:80'}, ["socket must be 'unix' or 'HOST:PORT'"]),
    ({'socket': 8000}, ["socket must be 'unix' or 'HOST:PORT'", 'got 8000']),
    ({'server_names': 'demo.example.com'}, ["server_names must be a list of strings, got 'demo.example.com'"]),
    ({'server_names': []}, ['server_names must not be empty']),
    ({'server_names': ['exa mple.com']}, ['server_names items must be host names', "got 'exa mple.com'"]),
    ({'server_names': ['*']}, ['server_names items must be host names', "got '*'"]),
    ({'server_names': ['example.com.']}, ['server_names items must be host names', "got 'example.com.'"]),
    ({'server_names': ['~^regex$']}, ['server_names items must be host names']),
    ({'server_names': ['demo_x']}, ['server_names items must be host names', "got 'demo_x'"]),
    ({'name': 'shop_2', 'server_names': ['shop_2.example.com']}, ["app 'shop_2': server_names items must be host names"]),
    ({'server_names': ['a;b']}, ['server_names items must be host names']),
    ({'server_names': [5]}, ['server_names items must be strings', 'got 5']),
    ({'server_names': ['demo', 'DEMO']}, ['server_names must not list a name twice', "got 'DEMO'"]),
    ({'port': 0}, ["app 'demo': port must be an integer between 1 and 65535, got 0"]),
    ({'port': 65536}, ['port must be an integer between 1 and 65535, got 65536']),
    ({'port': '80'}, ["port must be an integer, got '80'"]),
    ({'port': True}, ['port must be an integer, got True']),
    ({'port': 80.0}, ['port must be an integer, got 80.0']),
    ({'default_server': 'yes'}, ["default_server must be a boolean, got 'yes'"]),
    ({'default_server': 1}, ['default_server must be a boolean, got 1']),
    ({'client_max_body_size': '10 m'}, ['client_max_body_size must be a size like 10m', "got '10 m'"]),
    ({'client_max_body_size': '10mb'}, ['client_max_body_size must be a size like 10m', "got '10mb'"]),
    ({'client_max_body_size': '10m\n'}, ['client_max_body_size must be a size like 10m']),
    ({'client_max_body_size': 10}, ['client_max_body_size must be a string, got 10']),
    ({'processes': 0}, ['processes must be an integer >= 1, got 0']),
    ({'processes': '2'}, ["processes must be an integer, got '2'"]),
    ({'processes': True}, ['processes must be an integer, got True']),
    ({'threads': 0}, ['threads must be an integer >= 1, got 0']),
    ({'threads': 2.5}, ['threads must be an integer, got 2.5']),
    ({'max_requests': -5}, ['max_requests must be an integer >= 1, got -5']),
    ({'listen': 0}, ['listen must be an integer >= 1, got 0']),
    ({'harakiri': -1}, ['harakiri must be an integer >= 0, got -1']),
    ({'harakiri': False}, ['harakiri must be an integer, got False']),
    ({'env': ['A=b']}, ['env must be a mapping of variable names to values, got a list']),
    ({'env': {'1BAD': 'x'}}, ["env keys must match", "got '1BAD'"]),
    ({'env': {'BAD-KEY': 'x'}}, ["env keys must match", "got 'BAD-KEY'"]),
    ({'env': {'KEY\n': 'x'}}, ["env keys must match", "got 'KEY\\n'"]),
    ({'env': {1: 'x'}}, ['env keys must match', 'got 1']),
    ({'env': {'A': None}}, ["env value for key 'A' must be a string, number or boolean, got null"]),
    ({'env': {'A': ['x']}}, ["env value for key 'A' must be a string, number or boolean, got a list"]),
    ({'env': {'A': {'x': 1}}}, ["env value for key 'A' must be a string, number or boolean, got a mapping"]),
    ({'env': {'A': 'x\ny'}}, ["env value for key 'A' must not contain newline, carriage return or NUL characters"]),
    ({'git': 'https://git.example.com/demo.git'}, ["app 'demo': exactly one of src or git is required, got both"]),
    ({'src': None}, ["app 'demo': exactly one of src or git is required, got neither"]),
    ({'src': ''}, ["src must not be empty, got ''"]),
    ({'src': 'files/x\ny'}, ['src must not contain newline', "got 'files/x\\ny'"]),
    ({'src': ['files']}, ['src must be a string, got a list']),
    ({'src': None, 'git': '-oProxyCommand=evil'}, ["git must not start with '-'", "got '-oProxyCommand=evil'"]),
    ({'src': None, 'git': 'https://x y'}, ['git must not contain whitespace', "got 'https://x y'"]),
    ({'version': '--upload-pack=evil'}, ["version must not start with '-'", "got '--upload-pack=evil'"]),
    ({'version': ''}, ["version must not be empty, got ''"]),
    ({'version': 1.0}, ['version must be a string, got 1.0']),
    ({'requirements': '/etc/requirements.txt'}, ['requirements must be relative', "got '/etc/requirements.txt'"]),
    ({'requirements': '../requirements.txt'}, ["requirements must not contain a '..' segment", "got '../requirements.txt'"]),
    ({'requirements': 'req/../../x.txt'}, ["requirements must not contain a '..' segment"]),
    ({'requirements': 'req.txt\n-e evil'}, ['requirements must not contain newline']),
    ({'packages': 'django'}, ["packages must be a list of strings, got 'django'"]),
    ({'packages': [5]}, ['packages must be a string, got 5']),
    ({'packages': ['']}, ["packages must not be empty, got ''"]),
    ({'packages': ['django\n--index-url=x']}, ['packages must not contain newline']),
    ({'python': 'python3'}, ['python must be an absolute path', "got 'python3'"]),
    ({'python': '/usr/bin/'}, ['python must be the path of an interpreter', "got '/usr/bin/'"]),
    ({'python': '/opt/my python/bin/python'}, ['python may only contain']),
    ({'code_dir': '/opt/code'}, ["app 'demo': code_dir is derived from the other keys and cannot be set (expected '/srv/demo/src')", "got '/opt/code'"]),
    ({'venv_dir': '/opt/venv'}, ['venv_dir is derived', "got '/opt/venv'"]),
    ({'unit': 'demo'}, ["unit is derived from the other keys and cannot be set (expected 'uwsgi-demo')", "got 'demo'"]),
    ({'socket_path': '/tmp/demo.sock'}, ['socket_path is derived', "got '/tmp/demo.sock'"]),
    ({'socket_dir': None}, ["socket_dir is derived from the other keys and cannot be set (expected '/run/uwsgi-demo')", 'got None']),
    ({'socket_type': 'tcp'}, ["socket_type is derived", "got 'tcp'"]),
    ({'socket': '127.0.0.1:8000', 'socket_path': '/run/uwsgi-demo/demo.sock'}, ['socket_path is derived', '(expected None)']),
    ({'statc_url': '/s/'}, ["app 'demo': unknown key 'statc_url' (did you mean 'static_url'?)"]),
    ({'zzz': 1, 'servernames': ['x']}, ["app 'demo': unknown keys 'servernames' (did you mean 'server_names'?), 'zzz'"]),
]


@pytest.mark.parametrize('overrides, fragments', INVALID, ids=[repr(sorted(case[0])) + str(i) for i, case in enumerate(INVALID)])
def test_invalid_declaration_is_rejected_with_a_precise_message(overrides, fragments):
    message = error(normalize_app, app(**overrides))
    for fragment in fragments:
        assert fragment in message
    # The same rule applies through every entry point.
    for func in (uwsgi_socket, nginx_upstream, alias_locations):
        assert error(func, app(**overrides)) == message
    assert error(django_apps, [app(**overrides)]) == message.replace('app: ', 'app at index 0: ', 1)


def test_name_is_required():
    assert error(normalize_app, {'src': 'x'}) == 'app: name is required'
    assert error(django_apps, [app(), {'src': 'x'}]) == 'app at index 1: name is required'


def test_app_must_be_a_mapping():
    assert error(normalize_app, 'demo') == 'app must be a mapping (dict), got a string'
    assert error(django_apps, [app(), ['demo']]) == 'app at index 1 must be a mapping (dict), got a list'


# --- env values are secrets -----------------------------------------------------------

SECRET = 'hunter2-TOPSECRET'


@pytest.mark.parametrize('env', [
    {'SECRET_KEY': SECRET + '\n'},
    {'SECRET_KEY': SECRET + '\r'},
    {'SECRET_KEY': '\x00' + SECRET},
    {'SECRET_KEY': [SECRET]},
    {'SECRET_KEY': {SECRET: SECRET}},
    {'SECRET_KEY': (SECRET,)},
    [SECRET],
    SECRET,
])
def test_env_values_never_appear_in_error_messages(env):
    message = error(normalize_app, app(env=env))
    assert SECRET not in message
    assert 'env' in message
    if isinstance(env, dict):
        assert "key 'SECRET_KEY'" in message


@pytest.mark.parametrize('overrides', [
    {'static_url': 'static/'},
    {'statc_url': '/s/'},
    {'code_dir': '/opt'},
    {'name': 'Bad'},
    {'src': None},
])
def test_env_values_do_not_leak_through_other_errors(overrides):
    message = error(django_apps, [app(env={'SECRET_KEY': SECRET}, **overrides)])
    assert SECRET not in message


@given(st.tuples(st.text(max_size=10), st.sampled_from('\n\r\x00'), st.text(max_size=10)).map(''.join))
def test_env_values_with_line_breaks_are_rejected_without_echo(value):
    message = error(normalize_app, app(env={'SECRET_KEY': SECRET + value}))
    assert message == "app 'demo': env value for key 'SECRET_KEY' must not contain newline, carriage return or NUL characters"


# --- idempotence and derived keys -------------------------------------------------------

def test_normalized_app_is_accepted_unchanged():
    once = normalize_app(app(socket='[::1]:8000', static_url='/s', env={'N': 1}))
    assert normalize_app(once) == once
    assert once['socket_dir'] is None and once['socket_path'] is None
    assert django_apps(django_apps([once])) == django_apps([once])


def test_derived_keys_with_their_own_values_are_accepted():
    decl = app(code_dir='/srv/demo/src', venv_dir='/srv/demo/venv', unit='uwsgi-demo', socket_type='unix',
               socket_dir='/run/uwsgi-demo', socket_path='/run/uwsgi-demo/demo.sock')
    assert normalize_app(decl) == normalize_app(app())


def test_link_filters_accept_raw_and_normalized_apps_alike():
    raw = app(socket='LocalHost:08001')
    normalized = django_apps([raw])[0]
    for func in (uwsgi_socket, nginx_upstream, alias_locations):
        assert func(raw) == func(normalized)


# --- list rules ----------------------------------------------------------------

@pytest.mark.parametrize('value, kind', [({'name': 'demo'}, 'a mapping'), ('demo', 'a string'), (None, 'null'), (3, 'a number')])
def test_django_apps_requires_a_list(value, kind):
    assert error(django_apps, value) == 'django_apps expects a list of app declarations, got ' + kind


def test_empty_list():
    assert django_apps([]) == []


def test_tuple_input_is_accepted():
    assert django_apps((app(),)) == django_apps([app()])


def test_index_labels_apps_with_invalid_names():
    assert error(django_apps, [app(), app(name='Bad', server_names=['b'])]).startswith('app at index 1: name must match')


def test_duplicate_names():
    message = error(django_apps, [app(), app(root='/opt/demo', server_names=['other'])])
    assert message == "app 'demo': name 'demo' is used by the apps at index 0 and 1"


def test_duplicate_roots():
    message = error(django_apps, [app(), app(name='blog', root='/srv/demo/')])
    assert message == "app 'blog': root '/srv/demo' is already used by app 'demo'"


def test_duplicate_tcp_sockets_compare_normalized():
    apps = [app(socket='LOCALHOST:8000'), app(name='blog', socket='localhost:08000')]
    assert error(django_apps, apps) == "app 'blog': socket 'localhost:8000' is already used by app 'demo'"
    apps = [app(socket='[::1]:8000'), app(name='blog', socket='[0:0::1]:8000')]
    assert error(django_apps, apps) == "app 'blog': socket '[::1]:8000' is already used by app 'demo'"


def test_distinct_sockets_are_fine():
    apps = django_apps([app(), app(name='blog'), app(name='api', socket='127.0.0.1:8000'), app(name='web', socket='127.0.0.1:8001')])
    assert [nginx_upstream(a) for a in apps] == [
        'unix:/run/uwsgi-demo/demo.sock', 'unix:/run/uwsgi-blog/blog.sock', '127.0.0.1:8000', '127.0.0.1:8001']


def test_server_name_clash_on_same_port():
    apps = [app(server_names=['www.example.com', 'example.com']), app(name='blog', server_names=['EXAMPLE.com'])]
    assert error(django_apps, apps) == "app 'blog': server_names entry 'example.com' on port 80 is already used by app 'demo'"
    apps = [app(), app(name='blog', server_names=['demo'])]
    assert error(django_apps, apps) == "app 'blog': server_names entry 'demo' on port 80 is already used by app 'demo'"


def test_same_server_name_on_different_ports_is_fine():
    apps = django_apps([app(server_names=['example.com']), app(name='blog', server_names=['example.com'], port=8080)])
    assert [(a['port'], a['default_server']) for a in apps] == [(80, True), (8080, True)]


def test_two_default_servers_on_one_port():
    apps = [app(default_server=True), app(name='blog'), app(name='api', default_server=True)]
    message = error(django_apps, apps)
    assert message == "app 'api': default_server is already set by app 'demo' for port 80; at most one app per port may set it"


def test_default_server_goes_to_first_app_per_port_unless_claimed():
    apps = django_apps([
        app(name='a'), app(name='b', port=8080), app(name='c'), app(name='d', port=8080, default_server=True), app(name='e', port=81),
    ])
    assert {a['name']: a['default_server'] for a in apps} == {'a': True, 'b': False, 'c': False, 'd': True, 'e': True}


def test_explicit_default_server_false_does_not_block_the_rule():
    apps = django_apps([app(default_server=False), app(name='blog', default_server=False)])
    assert [a['default_server'] for a in apps] == [True, False]


# --- link filters: exact outputs ------------------------------------------------

@pytest.mark.parametrize('socket, uwsgi, nginx', [
    ('unix', '/run/uwsgi-demo/demo.sock', 'unix:/run/uwsgi-demo/demo.sock'),
    (None, '/run/uwsgi-demo/demo.sock', 'unix:/run/uwsgi-demo/demo.sock'),
    ('127.0.0.1:8001', '127.0.0.1:8001', '127.0.0.1:8001'),
    ('0.0.0.0:80', '0.0.0.0:80', '0.0.0.0:80'),
    ('App.Example.COM:08001', 'app.example.com:8001', 'app.example.com:8001'),
    ('localhost:65535', 'localhost:65535', 'localhost:65535'),
    ('[::1]:8000', '[::1]:8000', '[::1]:8000'),
    ('[0:0:0:0:0:0:0:1]:8000', '[::1]:8000', '[::1]:8000'),
    ('[2001:DB8::1]:443', '[2001:db8::1]:443', '[2001:db8::1]:443'),
    ('[::]:1', '[::]:1', '[::]:1'),
])
def test_socket_outputs(socket, uwsgi, nginx):
    decl = app(socket=socket)
    assert uwsgi_socket(decl) == uwsgi
    assert nginx_upstream(decl) == nginx
    assert normalize_app(decl)['socket_type'] == ('unix' if nginx.startswith('unix:') else 'tcp')


def test_default_server_name_is_the_app_name_even_when_not_a_host_name():
    result = normalize_app({'name': 'shop_2-', 'src': 'x'})
    assert result['server_names'] == ['shop_2-']
    assert normalize_app(result) == result


def test_socket_outputs_follow_the_name():
    decl = {'name': 'shop_2', 'git': 'https://git.example.com/shop.git'}
    assert uwsgi_socket(decl) == '/run/uwsgi-shop_2/shop_2.sock'
    assert nginx_upstream(decl) == 'unix:/run/uwsgi-shop_2/shop_2.sock'


def test_alias_locations_defaults():
    assert alias_locations(app()) == [
        {'location': '/static/', 'alias': '/srv/demo/static/'},
        {'location': '/media/', 'alias': '/srv/demo/media/'},
    ]


def test_alias_locations_custom_values_get_one_trailing_slash():
    decl = app(static_url='/assets', media_url='/u/files/', static_root='/var/www/demo/static', media_root='/data/demo-media/')
    assert alias_locations(decl) == [
        {'location': '/assets/', 'alias': '/var/www/demo/static/'},
        {'location': '/u/files/', 'alias': '/data/demo-media/'},
    ]


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
PORT = st.integers(min_value=1, max_value=65535)


def _path(prefix, segments_strategy=PATH_SEGMENT):
    return st.builds(lambda parts, end: prefix + '/'.join(parts) + end,
                     st.lists(segments_strategy, min_size=1, max_size=3), TRAILING)


SOCKETS = st.one_of(
    st.just('unix'),
    st.builds('{0}:{1}'.format, st.ip_addresses(v=4).map(str), PORT),
    st.builds('[{0}]:{1}'.format, st.ip_addresses(v=6).map(str), PORT),
    st.builds(lambda labels, port: '%s:%d' % ('.'.join(labels), port), st.lists(HOST_LABEL, min_size=1, max_size=3), PORT),
)
ENV_VALUES = st.one_of(
    st.text(st.characters(blacklist_characters='\n\r\x00'), max_size=20),
    st.integers(),
    st.floats(),
    st.booleans(),
)

VALID_APPS = st.fixed_dictionaries(
    # A name whose default project would be a Python keyword ('if', 'class') needs an explicit project.
    {'name': _word(LOWER, LOWER + '0123456789_-', 30).filter(lambda name: not keyword.iskeyword(name.replace('-', '_')))},
    optional={
        'root': _path('/srv/'),
        'static_url': _path('/st', URL_SEGMENT),
        'media_url': _path('/me', URL_SEGMENT),
        'static_root': _path('/var/www/static/'),
        'media_root': _path('/var/www/media/'),
        'socket': SOCKETS,
        'server_names': st.lists(st.sampled_from(['', '*.']).flatmap(lambda wild: _word(ALNUM, ALNUM + '.-', 10, last=ALNUM).map(wild.__add__)) | st.just('_'),
                                 min_size=1, max_size=3, unique_by=str.lower),
        'port': PORT,
        'default_server': st.booleans(),
        'client_max_body_size': st.builds('{0}{1}'.format, st.integers(min_value=0, max_value=9999), st.sampled_from(['', 'k', 'K', 'm', 'M', 'g', 'G'])),
        'processes': st.integers(min_value=1, max_value=64),
        'harakiri': st.integers(min_value=0, max_value=600),
        'env': st.dictionaries(_word(ALNUM[:52] + '_', ALNUM + '_', 10), ENV_VALUES, max_size=3),
        'requirements': st.sampled_from(['', 'requirements.txt', 'requirements/prod.txt']),
        'packages': st.lists(st.sampled_from(['django>=4.2', 'psycopg[binary]', 'whitenoise']), max_size=2),
        'python': st.sampled_from([None, '/usr/bin/python3', '/opt/python3.12/bin/python3']),
    },
).flatmap(lambda decl: st.one_of(
    st.just(dict(decl, src='files/' + decl['name'])),
    st.just(dict(decl, git='https://git.example.com/%s.git' % decl['name'])),
))


def _assert_safe_prefix(value, chars):
    assert chars.fullmatch(value), value
    assert value.startswith('/') and value.endswith('/') and not value.endswith('//'), value
    assert '//' not in value, value
    assert value != '/'
    assert not set(segments(value)) & {'', '.', '..'}, value


@given(VALID_APPS)
def test_property_links_are_safe_and_agree(decl):
    static, media = alias_locations(decl)
    for item in (static, media):
        _assert_safe_prefix(item['location'], SAFE_URL)
        _assert_safe_prefix(item['alias'], SAFE_PATH)
    assert not static['location'].startswith(media['location']) and not media['location'].startswith(static['location'])
    uwsgi, nginx = uwsgi_socket(decl), nginx_upstream(decl)
    if decl.get('socket', 'unix') == 'unix':
        assert nginx == 'unix:' + uwsgi
        assert uwsgi == '/run/uwsgi-{0}/{0}.sock'.format(decl['name'])
    else:
        assert nginx == uwsgi
        host, port = uwsgi.rsplit(':', 1)
        assert 1 <= int(port) <= 65535 and host


@given(VALID_APPS)
def test_property_normalize_is_idempotent(decl):
    once = normalize_app(decl)
    assert normalize_app(once) == once
    assert normalize_app(copy.deepcopy(once)) == once
    for func in (uwsgi_socket, nginx_upstream, alias_locations):
        assert func(once) == func(decl)


@settings(max_examples=100)
@given(st.lists(VALID_APPS, max_size=4, unique_by=lambda decl: decl['name']))
def test_property_django_apps_is_idempotent_with_one_default_per_port(decls):
    # Keep the list rules satisfiable: distinct roots, server names and TCP sockets follow from distinct names.
    decls = [dict(decl, root='/srv/' + decl['name'], server_names=['app%d.example' % index],
                  socket='unix' if decl.get('socket', 'unix') == 'unix' else '127.0.0.1:%d' % (10000 + index))
             for index, decl in enumerate(decls)]
    for decl in decls:
        decl.pop('default_server', None)
    once = django_apps(decls)
    assert django_apps(once) == once
    ports = [decl['port'] for decl in once]
    defaults = [decl['port'] for decl in once if decl['default_server']]
    assert sorted(defaults) == sorted(set(ports))
    for port in set(ports):
        assert next(decl for decl in once if decl['port'] == port)['default_server'] is True


NASTY_PIECES = st.sampled_from([
    '/', '//', '.', '..', '/../', '/./', 'static', 'srv', 'demo', 'a', '%2e', '%2f', '\\', '\n', '\r', '\x00', '\t', ' ',
    ';', '{', '}', '$', '#', "'", '"', '~', '+', '@', '-', '_', '*', '?', '&', '\u00e9', '\u2028', '\uff0e',
])
ARBITRARY = st.one_of(st.text(), st.lists(NASTY_PIECES, max_size=12).map(''.join), st.none(), st.integers(), st.lists(st.text(), max_size=2))


@pytest.mark.parametrize('key, chars', [
    ('static_url', SAFE_URL), ('media_url', SAFE_URL), ('static_root', SAFE_PATH), ('media_root', SAFE_PATH),
])
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


@given(value=ARBITRARY)
def test_property_arbitrary_root_is_rejected_or_safe(value):
    try:
        result = normalize_app(app(root=value))
    except AnsibleFilterError:
        return
    assert SAFE_PATH.fullmatch(result['root']) and result['root'].startswith('/') and not result['root'].endswith('/')
    assert not set(segments(result['root'])) & {'', '.', '..'}
    for key in ('code_dir', 'venv_dir'):
        assert result[key].startswith(result['root'] + '/')


@pytest.mark.parametrize('key', ['static_root', 'media_root'])
def test_alias_dirs_never_expose_the_app_data(key):
    with pytest.raises(AnsibleFilterError, match="%s must not be .*data_dir.*got '/srv/demo/data/db'" % key):
        normalize_app({'name': 'demo', 'src': '/x', key: '/srv/demo/data/db'})


# --- the data tier: database and cache ------------------------------------------------------

def test_database_defaults_and_the_password_moves_to_env():
    result = normalize_app(app(name='my-shop', database={'password': SECRET}, cache={'db': 3}))
    assert result['database'] == {'name': 'my_shop', 'user': 'my-shop', 'host': None, 'port': 3306, 'client_host': 'localhost'}
    assert result['env'] == {'DJANGO_DB_PASSWORD': SECRET}
    assert result['cache'] == {'db': 3}
    # Stripping env (as every role does) leaves no secret anywhere in the app.
    assert SECRET not in repr(dict(result, env={}))


def test_database_explicit_values_are_kept():
    decl = app(database={'name': 'shop', 'user': 'shop_rw', 'password': SECRET, 'host': 'db1.example.com', 'port': 3307,
                         'client_host': '10.0.0.%'})
    assert normalize_app(decl)['database'] == {'name': 'shop', 'user': 'shop_rw', 'host': 'db1.example.com', 'port': 3307,
                                               'client_host': '10.0.0.%'}
    assert normalize_app(app(database={'password': SECRET, 'host': '/run/mysqld/mysqld.sock/'}))['database']['host'] == '/run/mysqld/mysqld.sock'


def test_database_password_may_come_from_env_and_normalizing_twice_is_stable():
    once = normalize_app(app(database={'password': SECRET}, env={'A': 1}))
    assert normalize_app(once) == once
    assert normalize_app(app(database={}, env={'DJANGO_DB_PASSWORD': SECRET}))['database']['name'] == 'demo'
    assert normalize_app(app(database={'password': SECRET}, env={'DJANGO_DB_PASSWORD': SECRET}))['env'] == {'DJANGO_DB_PASSWORD': SECRET}
    # The roles strip env before they use the link filters: a stripped normalized app stays valid.
    stripped = dict(once, env={})
    assert normalize_app(stripped) == stripped
    assert uwsgi_socket(stripped) == uwsgi_socket(once)


@pytest.mark.parametrize('overrides, fragments', [
    ({'database': 'demo'}, ["app 'demo': database must be a mapping, got 'demo'"]),
    ({'database': {'password': 'x', 'nmae': 'a'}}, ["app 'demo': database has unknown key 'nmae' (allowed: name, user, password"]),
    ({'database': {'password': 'x', 'name': 'my-db'}}, ['database.name must match', "got 'my-db'"]),
    ({'database': {'password': 'x', 'name': 'a' * 65}}, ['database.name must match']),
    ({'database': {'password': 'x', 'user': 'a b'}}, ['database.user must match', "got 'a b'"]),
    ({'database': {'password': 'x', 'host': 'db host'}}, ['database.host must be a host name', "got 'db host'"]),
    ({'database': {'password': 'x', 'host': '/run/../x'}}, ["database.host must not contain a '.' or '..' segment"]),
    ({'database': {'password': 'x', 'port': 0}}, ['database.port must be an integer between 1 and 65535', 'got 0']),
    ({'database': {'password': 'x', 'client_host': "10.0.0.1'"}}, ['database.client_host must be a MySQL account host']),
    ({'database': {}}, ["app 'demo': database.password is required (or env DJANGO_DB_PASSWORD)"]),
    ({'database': {'password': ''}}, ['database.password must be a non-empty string on one line, got an invalid string']),
    ({'database': {'password': 5}}, ['database.password must be a non-empty string on one line, got a number']),
    ({'cache': 1}, ["app 'demo': cache must be a mapping, got 1"]),
    ({'cache': {}}, ["app 'demo': cache.db is required"]),
    ({'cache': {'db': 16}}, ['cache.db must be an integer between 0 and 15', 'got 16']),
    ({'cache': {'db': '1'}}, ['cache.db must be an integer', "got '1'"]),
    ({'cache': {'db': 1, 'prefix': 'x'}}, ["cache has unknown key 'prefix'"]),
])
def test_invalid_data_tier_is_rejected_with_a_precise_message(overrides, fragments):
    message = error(normalize_app, app(**overrides))
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize('database', [
    {'password': SECRET + '\n'},
    {'password': [SECRET]},
    {'password': SECRET, 'name': 'bad name'},
    {'password': SECRET, 'port': 'x'},
])
def test_database_password_never_appears_in_error_messages(database):
    assert SECRET not in error(normalize_app, app(database=database))


def test_database_password_conflicting_with_env_is_rejected_without_echo():
    message = error(normalize_app, app(database={'password': SECRET}, env={'DJANGO_DB_PASSWORD': SECRET + 'x'}))
    assert message == "app 'demo': database.password and env DJANGO_DB_PASSWORD are both set and differ; set only one"


def test_databases_users_and_cache_dbs_are_unique_per_list():
    first = app(database={'password': 'a'}, cache={'db': 1})
    second = dict(app(name='blog', root='/srv/blog', server_names=['blog']))
    assert "app 'blog': database.name 'demo' is already used by app 'demo'" in error(
        django_apps, [first, dict(second, database={'password': 'b', 'name': 'demo'})])
    assert "app 'blog': database.user 'demo' is already used by app 'demo'" in error(
        django_apps, [first, dict(second, database={'password': 'b', 'user': 'demo'})])
    assert "app 'blog': cache.db 1 is already used by app 'demo'" in error(django_apps, [first, dict(second, cache={'db': 1})])
    assert len(django_apps([first, dict(second, database={'password': 'b'}, cache={'db': 2})])) == 2


@given(password=st.text(st.characters(blacklist_characters='\n\r\x00'), min_size=1, max_size=30), db=st.integers(0, 15))
def test_property_data_tier_secrets_stay_in_env(password, db):
    once = normalize_app(app(database={'password': password}, cache={'db': db}))
    assert once['env'] == {'DJANGO_DB_PASSWORD': password}
    assert normalize_app(once) == once
    assert 'password' not in once['database']
