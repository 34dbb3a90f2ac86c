# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One table of wrong declarations, each with the exact, complete message it must be refused with."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.webstack.django.plugins.plugin_utils.apps import normalize_app, normalize_apps

GIT = 'https://git.example.com/demo.git'
SECRET = 'hunter2-TOPSECRET'
NAME_RULE = "must match ^[a-z][a-z0-9_-]{0,30}$ (a lowercase letter, then up to 30 lowercase letters, digits, '_' or '-')"
SOCKET_RULE = (
    "must be 'unix', 'private:PORT' (each app host's private address) or 'HOST:PORT' (HOST an IPv4 address, a hostname or a bracketed "
    'IPv6 address, PORT 1-65535)'
)
PATH_CHARS = 'may only contain the characters A-Z a-z 0-9 . _ ~ / + @ -'
SERVER_NAME_RULE = "items must be host names (optionally starting with '*.' or '.'), '_', 'localhost' or the app name"
ACCOUNT = (
    "must not be a system account: the collection refuses to take over an existing system account; "
    "choose a name of the app's own (user and group default to the app's name)"
)
PARENTS = 'must not be the project root, releases_dir, venvs_dir, current_dir, data_dir, one of their parents or inside venvs_dir or data_dir'
OUTSIDE = "must be inside root '/srv/demo' or inside one of data_dirs ('/srv', '/var/www')"
WILDCARD = (
    'must not bind a wildcard address unless public_socket is true: the uwsgi protocol has no authentication and lets its peer '
    'run code, so bind a loopback or private address, or set public_socket: true if a firewall protects it'
)
SHARED = 'apps must not share static or media directories'
GIT_VERSION = 'version is required with git: pin a tag, branch or commit, or write version: HEAD to follow the default branch'
PASSWORD = 'database.password must be a non-empty string on one line'
SCHEMA = 'must not be a MySQL/MariaDB system schema: the app would get the grant tables'
DB_ACCOUNT = "must not be root or a MySQL/MariaDB system account: the app would get root's login"
DB_HOST_RULE = 'must be a host name, an IPv4 address, a bracketed IPv6 address or the absolute path of a unix socket'
REDIS = 'must be below redis_databases (%d, the number of databases the Redis server has)'
YAML_HINT = 'quote the value in the inventory'
SECRET_KEY_RULE = 'secret_key must be a non-empty string on one line'
STRONG_KEY = 'Zq3vTENDnW0b1mR7fX9kLp2sY8cH4uJ6gA5eV_-oQiKxMtBzrUyd'
MAKE_KEY = "make one with python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
HTTP_STATUS = 'an HTTP status code (an integer 100-599)'
HTTP_STATUS_ENTRIES = 'entries must be HTTP status codes (integers 100-599)'
SYSTEM_PACKAGE_RULE = 'entries must be OS package names (^[A-Za-z0-9][A-Za-z0-9+._:-]*$, one package per entry, no spaces)'
JOB = {'name': 'clear', 'command': 'python manage.py clearsessions', 'on_calendar': 'daily'}
JOB_KEYS = 'name, command and on_calendar'
RELEASE_CODE = "must not be inside releases_dir '/srv/demo/releases' or current_dir: each deploy builds a new release and old releases are deleted, "


def app(**overrides):
    decl = {'name': 'demo', 'src': 'files/demo'}
    decl.update(overrides)
    return decl


def git_app(**overrides):
    return app(**dict({'src': None, 'git': GIT, 'version': 'v1.0'}, **overrides))


def blog(**overrides):
    return app(name='blog', **overrides)


def root_dir(name, value):
    return "app 'demo': root must not be the system directory '%s' or inside it; choose a directory of the app's own such as '/srv/demo', got %r" % (
        name,
        value,
    )


def shared_dir(value, shown=None):
    return (
        "app 'demo': root must not be '%s' itself, a directory the system and other apps share; choose a directory of the app's own "
        "such as '%s/demo', got %r" % (value, value, value if shown is None else shown)
    )


def reserved(env_key, app_key):
    return "app 'demo': env key '%s' is derived by the collection from the app key %s; set %s instead" % (env_key, app_key, app_key)


def weak_key(reasons):
    return "app 'demo': secret_key is weak by Django's check security.W009 (%s); %s" % (reasons, MAKE_KEY)


def case(case_id, apps, message, **kwargs):
    """``apps``: a dict is one app's overrides of app(); anything else is passed to the filter as it is."""
    return pytest.param([app(**apps)] if isinstance(apps, dict) else apps, kwargs, message, id=case_id)


CASES = [
    # --- identity: name, root, user, group, Python names -------------------------------------------------
    case('name-upper', {'name': 'Demo'}, 'app at index 0: name %s, got %r' % (NAME_RULE, 'Demo')),
    case('name-long', {'name': 'a' * 32}, 'app at index 0: name %s, got %r' % (NAME_RULE, 'a' * 32)),
    case('name-newline', {'name': 'demo\n'}, "app at index 0: name %s, got 'demo\\n'" % NAME_RULE),
    case('name-number', {'name': 5}, 'app at index 0: name must be a string, got 5'),
    case('name-missing', [{'src': 'x'}], 'app at index 0: name is required'),
    case('root-relative', {'root': 'srv/demo'}, "app 'demo': root must be an absolute path (start with '/'), got 'srv/demo'"),
    case('root-slash', {'root': '/'}, "app 'demo': root must not be '/' alone, got '/'"),
    case('root-dotdot', {'root': '/srv/../etc'}, "app 'demo': root must not contain a '.' or '..' segment, got '/srv/../etc'"),
    case('root-empty-segment', {'root': '/srv//demo'}, "app 'demo': root must not contain an empty segment ('//'), got '/srv//demo'"),
    case('root-space', {'root': '/srv/my demo'}, "app 'demo': root %s, got '/srv/my demo'" % PATH_CHARS),
    case('root-list', {'root': ['/srv']}, "app 'demo': root must be a string, got a list"),
    case('root-etc', {'root': '/etc'}, root_dir('/etc', '/etc')),
    case('root-var-lib', {'root': '/var/lib/demo'}, root_dir('/var/lib', '/var/lib/demo')),
    case('root-usr-local', {'root': '/usr/local/demo'}, root_dir('/usr', '/usr/local/demo')),
    case('root-tmp', {'root': '/tmp/demo/'}, root_dir('/tmp', '/tmp/demo/')),
    case('root-root-home', {'root': '/root/demo'}, root_dir('/root', '/root/demo')),
    case('root-run', {'root': '/run/demo'}, root_dir('/run', '/run/demo')),
    case('root-var-log', {'root': '/var/log/demo'}, root_dir('/var/log', '/var/log/demo')),
    case('root-lib64', {'root': '/lib64'}, root_dir('/lib64', '/lib64')),
    case('root-srv', {'root': '/srv'}, shared_dir('/srv')),
    case('root-var-slash', {'root': '/var/'}, shared_dir('/var', '/var/')),
    case('root-home', {'root': '/home'}, shared_dir('/home')),
    case('root-opt', {'root': '/opt'}, shared_dir('/opt')),
    case('user-root', {'user': 'root'}, "app 'demo': user %s, got 'root'" % ACCOUNT),
    case('user-www-data', {'user': 'www-data'}, "app 'demo': user %s, got 'www-data'" % ACCOUNT),
    case('user-systemd', {'user': 'systemd-network'}, "app 'demo': user %s, got 'systemd-network'" % ACCOUNT),
    case('group-nogroup', {'group': 'nogroup'}, "app 'demo': group %s, got 'nogroup'" % ACCOUNT),
    case('group-mysql', {'group': 'mysql'}, "app 'demo': group %s, got 'mysql'" % ACCOUNT),
    case('name-redis-default-user', {'name': 'redis'}, "app 'redis': user %s, got 'redis'" % ACCOUNT),
    case('user-upper', {'user': 'Root'}, "app 'demo': user %s, got 'Root'" % NAME_RULE),
    case('group-number', {'group': 0}, "app 'demo': group must be a string, got 0"),
    case('project-dash', {'project': 'my-site'}, "app 'demo': project must be a Python identifier (^[A-Za-z_][A-Za-z0-9_]*$, not a keyword), got 'my-site'"),
    case('project-keyword', {'name': 'import'}, "app 'import': project must be a Python identifier (^[A-Za-z_][A-Za-z0-9_]*$, not a keyword), got 'import'"),
    case(
        'wsgi-application',
        {'wsgi_module': 'shop.wsgi:application'},
        "app 'demo': wsgi_module must be a module path without ':': the collection adds ':application', so write 'shop.wsgi', got 'shop.wsgi:application'",
    ),
    case(
        'wsgi-other-callable',
        {'wsgi_module': 'shop.wsgi:app'},
        "app 'demo': wsgi_module must be a module path without ':': the collection adds ':application', so write 'shop.wsgi', got 'shop.wsgi:app'",
    ),
    case(
        'settings-colon',
        {'settings_module': 'shop.settings:prod'},
        "app 'demo': settings_module must be a module path without ':': Django imports the settings module itself, so write 'shop.settings', "
        "got 'shop.settings:prod'",
    ),
    case(
        'wsgi-double-dot',
        {'wsgi_module': 'demo..wsgi'},
        "app 'demo': wsgi_module must be a dotted Python module path (identifiers separated by dots), got 'demo..wsgi'",
    ),
    # --- URLs and the directories behind them --------------------------------------------------------------
    case('static-url-relative', {'static_url': 'static/'}, "app 'demo': static_url must start with '/', got 'static/'"),
    case('static-url-space', {'static_url': '/sta tic/'}, "app 'demo': static_url may only contain the characters A-Z a-z 0-9 . _ ~ / -, got '/sta tic/'"),
    case(
        'media-url-equals-static',
        {'media_url': '/static'},
        "app 'demo': media_url must differ from static_url '/static/' and neither may be a prefix of the other, got '/static/'",
    ),
    case('static-root-is-root', {'static_root': '/srv/demo'}, "app 'demo': static_root %s, got '/srv/demo'" % PARENTS),
    case('static-root-is-releases-dir', {'static_root': '/srv/demo/releases/'}, "app 'demo': static_root %s, got '/srv/demo/releases/'" % PARENTS),
    case('media-root-is-current-dir', {'media_root': '/srv/demo/current'}, "app 'demo': media_root %s, got '/srv/demo/current'" % PARENTS),
    case('static-root-is-venvs-dir', {'static_root': '/srv/demo/venvs'}, "app 'demo': static_root %s, got '/srv/demo/venvs'" % PARENTS),
    case(
        'static-root-in-venvs',
        {'static_root': '/srv/demo/venvs/0123abcd/static'},
        "app 'demo': static_root %s, got '/srv/demo/venvs/0123abcd/static'" % PARENTS,
    ),
    case('media-root-is-data-dir', {'media_root': '/srv/demo/data/'}, "app 'demo': media_root %s, got '/srv/demo/data/'" % PARENTS),
    case('media-root-in-data', {'media_root': '/srv/demo/data/media'}, "app 'demo': media_root %s, got '/srv/demo/data/media'" % PARENTS),
    case('media-root-in-backups', {'media_root': '/srv/demo/data/backups'}, "app 'demo': media_root %s, got '/srv/demo/data/backups'" % PARENTS),
    case('static-root-parent-of-root', {'root': '/srv/sites/demo', 'static_root': '/srv/sites'}, "app 'demo': static_root %s, got '/srv/sites'" % PARENTS),
    case(
        'media-root-in-current',
        {'media_root': '/srv/demo/current/src/media'},
        "app 'demo': media_root %sso the uploads would be lost; media must live outside them (the default is '/srv/demo/media'), "
        "got '/srv/demo/current/src/media'" % RELEASE_CODE,
    ),
    case(
        'media-root-in-a-release',
        {'media_root': '/srv/demo/releases/0123abcd/src/media/'},
        "app 'demo': media_root %sso the uploads would be lost; media must live outside them (the default is '/srv/demo/media'), "
        "got '/srv/demo/releases/0123abcd/src/media/'" % RELEASE_CODE,
    ),
    case(
        'static-root-in-current',
        {'static_root': '/srv/demo/current/src/static/'},
        "app 'demo': static_root %sso collected static files must live outside them (the default is '/srv/demo/static'), "
        "got '/srv/demo/current/src/static/'" % RELEASE_CODE,
    ),
    case(
        'static-root-in-releases',
        {'static_root': '/srv/demo/releases/static'},
        "app 'demo': static_root %sso collected static files must live outside them (the default is '/srv/demo/static'), "
        "got '/srv/demo/releases/static'" % RELEASE_CODE,
    ),
    case('media-root-outside', {'media_root': '/data/demo-media'}, "app 'demo': media_root %s, got '/data/demo-media'" % OUTSIDE),
    case('static-root-is-data-dir', {'static_root': '/var/www'}, "app 'demo': static_root %s, got '/var/www'" % OUTSIDE),
    case('static-root-etc', {'static_root': '/etc/nginx'}, "app 'demo': static_root %s, got '/etc/nginx'" % OUTSIDE),
    case(
        'media-root-other-data-dirs',
        {'media_root': '/var/www/demo/media'},
        "app 'demo': media_root must be inside root '/srv/demo' or inside one of data_dirs ('/data'), got '/var/www/demo/media'",
        data_dirs=['/data/'],
    ),
    case(
        'media-in-static',
        {'media_root': '/srv/demo/static/media'},
        "app 'demo': media_root must differ from static_root '/srv/demo/static/' and neither may contain the other, got '/srv/demo/static/media/'",
    ),
    # --- serving: socket, port, server names, uWSGI numbers ------------------------------------------------
    case('socket-word', {'socket': 'tcp'}, "app 'demo': socket %s, got 'tcp'" % SOCKET_RULE),
    case('socket-port-zero', {'socket': '127.0.0.1:0'}, "app 'demo': socket must end with a port between 1 and 65535, got '127.0.0.1:0'"),
    case('socket-bad-ipv4', {'socket': '256.1.1.1:80'}, "app 'demo': socket has an invalid IPv4 address, got '256.1.1.1:80'"),
    case('socket-short-ipv4', {'socket': '127.1:8000'}, "app 'demo': socket has an invalid IPv4 address, got '127.1:8000'"),
    case('socket-bare-ipv6', {'socket': '::1:8000'}, "app 'demo': socket %s; IPv6 addresses must be in brackets, got '::1:8000'" % SOCKET_RULE),
    case('socket-bad-ipv6', {'socket': '[1::2::3]:80'}, "app 'demo': socket has an invalid IPv6 address, got '[1::2::3]:80'"),
    case('socket-underscore-host', {'socket': 'exa_mple:80'}, "app 'demo': socket %s, got 'exa_mple:80'" % SOCKET_RULE),
    case('socket-number', {'socket': 8000}, "app 'demo': socket %s, got 8000" % SOCKET_RULE),
    case('socket-private-no-port', {'socket': 'private'}, "app 'demo': socket %s, got 'private'" % SOCKET_RULE),
    case('socket-private-port-zero', {'socket': 'private:0'}, "app 'demo': socket must end with a port between 1 and 65535, got 'private:0'"),
    case(
        'socket-private-on-nginx-port',
        {'socket': 'private:80'},
        "app 'demo': socket 'private:80' uses port 80, which nginx listens on for app 'demo'; nginx and uWSGI may share a host, "
        'so give the socket another port',
    ),
    case('balance-unknown', {'balance': 'fastest'}, "app 'demo': balance must be one of round_robin, least_conn, ip_hash, random, got 'fastest'"),
    case('balance-not-text', {'balance': 1}, "app 'demo': balance must be a string, got 1"),
    case('max-fails-negative', {'max_fails': -1}, "app 'demo': max_fails must be an integer >= 0, got -1"),
    case('fail-timeout-zero', {'fail_timeout': 0}, "app 'demo': fail_timeout must be an integer >= 1, got 0"),
    case('socket-wildcard-ipv4', {'socket': '0.0.0.0:8001'}, "app 'demo': socket %s, got '0.0.0.0:8001'" % WILDCARD),
    case('socket-wildcard-ipv6', {'socket': '[::]:8001'}, "app 'demo': socket %s, got '[::]:8001'" % WILDCARD),
    case('socket-wildcard-ipv6-long', {'socket': '[0::0]:8001', 'public_socket': False}, "app 'demo': socket %s, got '[0::0]:8001'" % WILDCARD),
    case('public-socket-string', {'public_socket': 'yes'}, "app 'demo': public_socket must be a boolean, got 'yes'"),
    case(
        'socket-on-own-nginx-port',
        {'socket': '127.0.0.1:80'},
        "app 'demo': socket '127.0.0.1:80' uses port 80, which nginx listens on for app 'demo'; nginx and uWSGI may share a host, "
        "so give the socket another port",
    ),
    case(
        'public-socket-on-own-nginx-port',
        {'socket': '0.0.0.0:8080', 'public_socket': True, 'port': 8080},
        "app 'demo': socket '0.0.0.0:8080' uses port 8080, which nginx listens on for app 'demo'; nginx and uWSGI may share a host, "
        "so give the socket another port",
    ),
    case('port-443', {'port': 443}, "app 'demo': port must not be 443 without tls: nginx would serve plain HTTP on the HTTPS port, got 443"),
    # --- tls --------------------------------------------------------------------------------------------
    case('tls-string', {'tls': 'on'}, "app 'demo': tls must be a mapping, got 'on'"),
    case('tls-no-certificate', {'tls': {}}, "app 'demo': tls.certificate must be one of provided, acme, selfsigned, got None"),
    case(
        'tls-unknown-certificate',
        {'tls': {'certificate': 'letsencrypt'}},
        "app 'demo': tls.certificate must be one of provided, acme, selfsigned, got 'letsencrypt'",
    ),
    case(
        'tls-unknown-key',
        {'tls': {'certificate': 'acme', 'hsts': 1}},
        "app 'demo': tls has unknown key 'hsts' (allowed: certificate, port, redirect, hsts_max_age, hsts_include_subdomains, hsts_preload, "
        'ocsp_stapling, chain, key)',
    ),
    case(
        'tls-port-is-http-port',
        {'port': 8443, 'tls': {'certificate': 'selfsigned', 'port': 8443}},
        "app 'demo': tls.port must differ from port 8443 (nginx serves plain HTTP there), got 8443",
    ),
    case('tls-port-zero', {'tls': {'certificate': 'selfsigned', 'port': 0}}, "app 'demo': tls.port must be an integer between 1 and 65535, got 0"),
    case('tls-redirect-string', {'tls': {'certificate': 'selfsigned', 'redirect': 'yes'}}, "app 'demo': tls.redirect must be a boolean, got 'yes'"),
    case('tls-hsts-negative', {'tls': {'certificate': 'selfsigned', 'hsts_max_age': -1}}, "app 'demo': tls.hsts_max_age must be an integer >= 0, got -1"),
    case(
        'tls-preload-short',
        {'tls': {'certificate': 'selfsigned', 'hsts_max_age': 300, 'hsts_include_subdomains': True, 'hsts_preload': True}},
        "app 'demo': tls.hsts_preload needs tls.hsts_include_subdomains and tls.hsts_max_age of at least 31536000 (a year)",
    ),
    case(
        'tls-subdomains-without-hsts',
        {'tls': {'certificate': 'selfsigned', 'hsts_max_age': 0, 'hsts_include_subdomains': True}},
        "app 'demo': tls.hsts_include_subdomains and tls.hsts_preload need tls.hsts_max_age above 0 (HSTS is off at 0)",
    ),
    case(
        'tls-provided-no-chain',
        {'tls': {'certificate': 'provided'}},
        "app 'demo': tls.chain must be the certificate followed by its intermediates in PEM form, got null",
    ),
    case(
        'tls-provided-key-not-pem',
        {'tls': {'certificate': 'provided', 'chain': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', 'key': SECRET}},
        "app 'demo': tls.key must be a private key (unencrypted) in PEM form, got something else",
    ),
    case(
        'tls-chain-for-acme',
        {'tls': {'certificate': 'acme', 'key': SECRET}},
        "app 'demo': tls.chain and tls.key are for tls.certificate provided only, not acme",
    ),
    case(
        'tls-ocsp-selfsigned',
        {'tls': {'certificate': 'selfsigned', 'ocsp_stapling': True}},
        "app 'demo': tls.ocsp_stapling needs a certificate from a CA with an OCSP responder, not a self-signed one",
    ),
    case(
        'tls-acme-localhost',
        {'server_names': ['localhost'], 'tls': {'certificate': 'acme'}},
        "app 'demo': server_names entry 'localhost' cannot get an ACME certificate (HTTP-01 needs a full DNS name: no wildcard, no '_', "
        'no address, no single label such as localhost); use tls.certificate provided for it',
    ),
    case(
        'tls-weak-env-key',
        {'env': {'DJANGO_SECRET_KEY': 'django-insecure-' + 'x' * 50}, 'tls': {'certificate': 'selfsigned'}},
        "app 'demo': env DJANGO_SECRET_KEY is weak by Django's check security.W009 (it starts with 'django-insecure-': Django's insecure "
        "default), refused with tls; make one with python3 -c 'import secrets; print(secrets.token_urlsafe(50))'",
    ),
    case('port-zero', {'port': 0}, "app 'demo': port must be an integer between 1 and 65535, got 0"),
    case('port-string', {'port': '80'}, "app 'demo': port must be an integer, got '80'"),
    case('server-names-string', {'server_names': 'example.com'}, "app 'demo': server_names must be a list of strings, got 'example.com'"),
    case('server-names-empty', {'server_names': []}, "app 'demo': server_names must not be empty, got a list"),
    case('server-names-star', {'server_names': ['*']}, "app 'demo': server_names %s, got '*'" % SERVER_NAME_RULE),
    case('server-names-two-dots', {'server_names': ['..example.com']}, "app 'demo': server_names %s, got '..example.com'" % SERVER_NAME_RULE),
    case('server-names-twice', {'server_names': ['example.com', 'EXAMPLE.com']}, "app 'demo': server_names must not list a name twice, got 'EXAMPLE.com'"),
    case('default-server-string', {'default_server': 'yes'}, "app 'demo': default_server must be a boolean, got 'yes'"),
    case('body-size', {'client_max_body_size': '10mb'}, "app 'demo': client_max_body_size must be a size like 10m (^[0-9]+[kKmMgG]?$), got '10mb'"),
    case('processes-zero', {'processes': 0}, "app 'demo': processes must be an integer >= 1, got 0"),
    case('harakiri-bool', {'harakiri': False}, "app 'demo': harakiri must be an integer, got False"),
    # --- env --------------------------------------------------------------------------------------------
    case('env-list', {'env': ['A=b']}, "app 'demo': env must be a mapping of variable names to values, got a list"),
    case('env-key-digit', {'env': {'1BAD': 'x'}}, "app 'demo': env keys must match ^[A-Za-z_][A-Za-z0-9_]*$, got '1BAD'"),
    case('env-integer', {'env': {'PIN': 5349}}, "app 'demo': env value for key 'PIN' must be a string, but YAML read it as the integer 5349: %s" % YAML_HINT),
    case(
        'env-boolean',
        {'env': {'DEBUG': False}},
        "app 'demo': env value for key 'DEBUG' must be a string, but YAML read it as the boolean False: %s" % YAML_HINT,
    ),
    case('env-float', {'env': {'RATIO': 1.1}}, "app 'demo': env value for key 'RATIO' must be a string, but YAML read it as the number 1.1: %s" % YAML_HINT),
    case('env-null', {'env': {'A': None}}, "app 'demo': env value for key 'A' must be a string, got null"),
    case('env-mapping', {'env': {'A': {'x': SECRET}}}, "app 'demo': env value for key 'A' must be a string, got a mapping"),
    case('env-newline', {'env': {'A': SECRET + '\n'}}, "app 'demo': env value for key 'A' must not contain newline, carriage return or NUL characters"),
    case('env-settings-module', {'env': {'DJANGO_SETTINGS_MODULE': 'x'}}, reserved('DJANGO_SETTINGS_MODULE', 'settings_module')),
    case('env-allowed-hosts', {'env': {'DJANGO_ALLOWED_HOSTS': 'x'}}, reserved('DJANGO_ALLOWED_HOSTS', 'server_names')),
    case('env-static-url', {'env': {'DJANGO_STATIC_URL': 'x'}}, reserved('DJANGO_STATIC_URL', 'static_url')),
    case('env-static-root', {'env': {'DJANGO_STATIC_ROOT': 'x'}}, reserved('DJANGO_STATIC_ROOT', 'static_root')),
    case('env-media-url', {'env': {'DJANGO_MEDIA_URL': 'x'}}, reserved('DJANGO_MEDIA_URL', 'media_url')),
    case('env-media-root', {'env': {'DJANGO_MEDIA_ROOT': 'x'}}, reserved('DJANGO_MEDIA_ROOT', 'media_root')),
    case('env-data-dir', {'env': {'DJANGO_DATA_DIR': 'x'}}, reserved('DJANGO_DATA_DIR', 'root')),
    case('env-db-engine', {'env': {'DJANGO_DB_ENGINE': 'x'}}, reserved('DJANGO_DB_ENGINE', 'database')),
    case('env-db-name', {'env': {'DJANGO_DB_NAME': 'x'}}, reserved('DJANGO_DB_NAME', 'database')),
    case('env-db-user', {'env': {'DJANGO_DB_USER': 'x'}}, reserved('DJANGO_DB_USER', 'database')),
    case('env-db-host', {'env': {'DJANGO_DB_HOST': 'x'}}, reserved('DJANGO_DB_HOST', 'database')),
    case('env-db-port', {'env': {'DJANGO_DB_PORT': '3306'}}, reserved('DJANGO_DB_PORT', 'database')),
    case('env-redis-url', {'env': {'DJANGO_REDIS_URL': 'x'}}, reserved('DJANGO_REDIS_URL', 'cache')),
    case('env-csrf-trusted-origins', {'env': {'DJANGO_CSRF_TRUSTED_ORIGINS': 'x'}}, reserved('DJANGO_CSRF_TRUSTED_ORIGINS', 'server_names')),
    case('env-ecosystem-secret-key', {'env': {'SECRET_KEY': SECRET}}, reserved('SECRET_KEY', 'secret_key')),
    case('env-ecosystem-allowed-hosts', {'env': {'ALLOWED_HOSTS': 'x'}}, reserved('ALLOWED_HOSTS', 'server_names')),
    case('env-ecosystem-database-url', {'env': {'DATABASE_URL': 'mysql://u:' + SECRET + '@h/d'}}, reserved('DATABASE_URL', 'database')),
    case('env-ecosystem-redis-url', {'env': {'REDIS_URL': 'x'}}, reserved('REDIS_URL', 'cache')),
    case(
        'env-webstack-prefix',
        {'env': {'WEBSTACK_RELEASE': SECRET}},
        "app 'demo': env key 'WEBSTACK_RELEASE' starts with WEBSTACK_, a prefix reserved for the collection's own variables; choose another name",
    ),
    case(
        'env-webstack-prefix-only',
        {'env': {'WEBSTACK_': 'x'}},
        "app 'demo': env key 'WEBSTACK_' starts with WEBSTACK_, a prefix reserved for the collection's own variables; choose another name",
    ),
    # --- secret_key -------------------------------------------------------------------------------------
    case('secret-key-number', {'secret_key': 123456}, "app 'demo': %s, but YAML read it as a number: %s" % (SECRET_KEY_RULE, YAML_HINT)),
    case('secret-key-boolean', {'secret_key': True}, "app 'demo': %s, but YAML read it as a boolean: %s" % (SECRET_KEY_RULE, YAML_HINT)),
    case('secret-key-float', {'secret_key': 1.5}, "app 'demo': %s, but YAML read it as a number: %s" % (SECRET_KEY_RULE, YAML_HINT)),
    case('secret-key-list', {'secret_key': [SECRET]}, "app 'demo': %s, got a list" % SECRET_KEY_RULE),
    case('secret-key-mapping', {'secret_key': {'vault': SECRET}}, "app 'demo': %s, got a mapping" % SECRET_KEY_RULE),
    case('secret-key-empty', {'secret_key': ''}, "app 'demo': %s (it is empty)" % SECRET_KEY_RULE),
    case('secret-key-newline', {'secret_key': STRONG_KEY + '\n'}, "app 'demo': %s (it contains a newline)" % SECRET_KEY_RULE),
    case('secret-key-carriage-return', {'secret_key': SECRET + '\r' + STRONG_KEY}, "app 'demo': %s (it contains a carriage return)" % SECRET_KEY_RULE),
    case('secret-key-nul', {'secret_key': '\x00' + STRONG_KEY}, "app 'demo': %s (it contains a NUL character)" % SECRET_KEY_RULE),
    case('secret-key-short', {'secret_key': SECRET}, weak_key('too short: 17 characters of 50')),
    case('secret-key-49', {'secret_key': STRONG_KEY[:49]}, weak_key('too short: 49 characters of 50')),
    case('secret-key-few-distinct', {'secret_key': 'abcd' * 20}, weak_key('too few distinct characters: 4 of 5')),
    case(
        'secret-key-insecure-default',
        {'secret_key': 'django-insecure-' + STRONG_KEY},
        weak_key("it starts with 'django-insecure-': Django's insecure default"),
    ),
    case(
        'secret-key-short-and-one-character',
        {'secret_key': 'aaaa'},
        weak_key('too short: 4 characters of 50; too few distinct characters: 1 of 5'),
    ),
    case(
        'secret-key-insecure-and-short',
        {'secret_key': 'django-insecure-' + SECRET},
        weak_key("it starts with 'django-insecure-': Django's insecure default; too short: 33 characters of 50"),
    ),
    case(
        'secret-key-differs-from-env',
        {'secret_key': STRONG_KEY, 'env': {'DJANGO_SECRET_KEY': SECRET}},
        "app 'demo': secret_key and env DJANGO_SECRET_KEY are both set and differ; set only one",
    ),
    case(
        'env-secret-key-empty',
        {'env': {'DJANGO_SECRET_KEY': ''}},
        "app 'demo': env DJANGO_SECRET_KEY must not be empty: set secret_key, or leave both out and a key is made on the host",
    ),
    case(
        'secret-key-typo',
        {'secretkey': SECRET},
        "app 'demo': unknown key 'secretkey' (did you mean 'secret_key'?)",
    ),
    # --- code and virtualenv ----------------------------------------------------------------------------
    case('src-and-git', {'git': GIT}, "app 'demo': exactly one of src or git is required, got both"),
    case('neither-src-nor-git', {'src': None}, "app 'demo': exactly one of src or git is required, got neither"),
    case('src-empty', {'src': ''}, "app 'demo': src must not be empty, got ''"),
    case('git-without-version', [git_app(version=None)], "app 'demo': " + GIT_VERSION),
    case('src-with-version', {'version': 'v1.0'}, "app 'demo': version must not be set for an app with src (version only applies to git), got 'v1.0'"),
    case('version-option', [git_app(version='--upload-pack=evil')], "app 'demo': version must not start with '-', got '--upload-pack=evil'"),
    case('git-option', [app(src=None, git='-oProxyCommand=evil', version='v1')], "app 'demo': git must not start with '-', got '-oProxyCommand=evil'"),
    case('git-space', [app(src=None, git='https://x y', version='v1')], "app 'demo': git must not contain whitespace, got 'https://x y'"),
    case('requirements-absolute', {'requirements': '/etc/r.txt'}, "app 'demo': requirements must be relative to the project code directory, got '/etc/r.txt'"),
    case('requirements-dotdot', {'requirements': '../r.txt'}, "app 'demo': requirements must not contain a '..' segment, got '../r.txt'"),
    case('packages-string', {'packages': 'django'}, "app 'demo': packages must be a list of strings, got 'django'"),
    case(
        'packages-index-url',
        {'packages': ['django', '--index-url=https://pypi.example.com/simple']},
        "app 'demo': packages entries must be requirement specifiers, not pip options (it starts with '-'), got '--index-url=https://pypi.example.com/simple'",
    ),
    case(
        'packages-editable', {'packages': ['-e']}, "app 'demo': packages entries must be requirement specifiers, not pip options (it starts with '-'), got '-e'"
    ),
    case(
        'packages-two-in-one',
        {'packages': ['django requests']},
        "app 'demo': packages entries must not contain whitespace (one requirement per entry, without options), got 'django requests'",
    ),
    case(
        'packages-tab',
        {'packages': ['django\t>=4.2']},
        "app 'demo': packages entries must not contain whitespace (one requirement per entry, without options), got 'django\\t>=4.2'",
    ),
    case(
        'packages-newline',
        {'packages': ['django\n--index-url=x']},
        "app 'demo': packages must not contain newline, carriage return or NUL characters, got 'django\\n--index-url=x'",
    ),
    case('python-relative', {'python': 'python3'}, "app 'demo': python must be an absolute path (start with '/'), got 'python3'"),
    case('python-directory', {'python': '/usr/bin/'}, "app 'demo': python must be the path of an interpreter, not a directory ending in '/', got '/usr/bin/'"),
    case('system-packages-string', {'system_packages': 'libpq-dev'}, "app 'demo': system_packages must be a list of strings, got 'libpq-dev'"),
    case('system-packages-number', {'system_packages': [5]}, "app 'demo': system_packages entries must be strings, got 5"),
    case('system-packages-empty', {'system_packages': ['']}, "app 'demo': system_packages entries must not be empty, got ''"),
    case(
        'system-packages-newline',
        {'system_packages': ['gcc\nmake']},
        "app 'demo': system_packages entries must not contain newline, carriage return or NUL characters, got 'gcc\\nmake'",
    ),
    case(
        'system-packages-option',
        {'system_packages': ['-y']},
        "app 'demo': system_packages entries must be package names, not options of the package manager (it starts with '-'), got '-y'",
    ),
    case('system-packages-two-in-one', {'system_packages': ['gcc make']}, "app 'demo': system_packages %s, got 'gcc make'" % SYSTEM_PACKAGE_RULE),
    case('system-packages-version', {'system_packages': ['libpq-dev>=15']}, "app 'demo': system_packages %s, got 'libpq-dev>=15'" % SYSTEM_PACKAGE_RULE),
    case('system-packages-glob', {'system_packages': ['lib*']}, "app 'demo': system_packages %s, got 'lib*'" % SYSTEM_PACKAGE_RULE),
    case('system-packages-leading-dot', {'system_packages': ['.x']}, "app 'demo': system_packages %s, got '.x'" % SYSTEM_PACKAGE_RULE),
    case('settings-overlay-string', {'settings_overlay': 'no'}, "app 'demo': settings_overlay must be a boolean, got 'no'"),
    # --- releases, health checks and backups --------------------------------------------------------------
    case('pre-switch-string', {'pre_switch_commands': 'manage.py check'}, "app 'demo': pre_switch_commands must be a list of strings, got 'manage.py check'"),
    case('pre-switch-number', {'pre_switch_commands': [1]}, "app 'demo': pre_switch_commands entries must be strings, got 1"),
    case('pre-switch-list', {'pre_switch_commands': [['true']]}, "app 'demo': pre_switch_commands entries must be strings, got a list"),
    case('pre-switch-empty', {'pre_switch_commands': ['true', '']}, "app 'demo': pre_switch_commands entries must not be empty, got ''"),
    case(
        'pre-switch-newline',
        {'pre_switch_commands': ['true\nfalse']},
        "app 'demo': pre_switch_commands entries must not contain newline, carriage return or NUL characters, got 'true\\nfalse'",
    ),
    case(
        'keep-releases-one',
        {'keep_releases': 1},
        "app 'demo': keep_releases must be an integer >= 2: the previous release is what a roll-back switches to, got 1",
    ),
    case(
        'keep-releases-zero',
        {'keep_releases': 0},
        "app 'demo': keep_releases must be an integer >= 2: the previous release is what a roll-back switches to, got 0",
    ),
    case('keep-releases-string', {'keep_releases': '5'}, "app 'demo': keep_releases must be an integer, got '5'"),
    case('keep-releases-boolean', {'keep_releases': True}, "app 'demo': keep_releases must be an integer, got True"),
    case('keep-backups-zero', {'keep_backups': 0}, "app 'demo': keep_backups must be an integer >= 1, got 0"),
    case('keep-backups-float', {'keep_backups': 2.0}, "app 'demo': keep_backups must be an integer, got 2.0"),
    case('backup-before-migrate-string', {'backup_before_migrate': 'yes'}, "app 'demo': backup_before_migrate must be a boolean, got 'yes'"),
    case('health-url-relative', {'health_url': 'healthz'}, "app 'demo': health_url must be a URL path starting with '/', got 'healthz'"),
    case('health-url-absolute-url', {'health_url': 'http://x/'}, "app 'demo': health_url must be a URL path starting with '/', got 'http://x/'"),
    case('health-url-empty', {'health_url': ''}, "app 'demo': health_url must not be empty, got ''"),
    case('health-url-number', {'health_url': 200}, "app 'demo': health_url must be a string, got 200"),
    case(
        'health-url-newline',
        {'health_url': '/\nHost: evil'},
        "app 'demo': health_url must not contain newline, carriage return or NUL characters, got '/\\nHost: evil'",
    ),
    case('health-url-space', {'health_url': '/health check'}, "app 'demo': health_url must not contain whitespace, got '/health check'"),
    case('health-url-tab', {'health_url': '/health\t'}, "app 'demo': health_url must not contain whitespace, got '/health\\t'"),
    case(
        'health-url-non-ascii',
        {'health_url': '/caf\u00e9'},
        "app 'demo': health_url may only contain printable ASCII characters (percent-encode the others), got '/caf\u00e9'",
    ),
    case('health-status-string', {'health_status': '200'}, "app 'demo': health_status must be %s or a list of them, got '200'" % HTTP_STATUS),
    case('health-status-boolean', {'health_status': True}, "app 'demo': health_status must be %s or a list of them, got True" % HTTP_STATUS),
    case('health-status-mapping', {'health_status': {'ok': 200}}, "app 'demo': health_status must be %s or a list of them, got a mapping" % HTTP_STATUS),
    case('health-status-600', {'health_status': 600}, "app 'demo': health_status must be %s, got 600" % HTTP_STATUS),
    case('health-status-99', {'health_status': 99}, "app 'demo': health_status must be %s, got 99" % HTTP_STATUS),
    case('health-status-entry-string', {'health_status': [200, '302']}, "app 'demo': health_status %s, got '302'" % HTTP_STATUS_ENTRIES),
    case('health-status-entry-boolean', {'health_status': [True]}, "app 'demo': health_status %s, got True" % HTTP_STATUS_ENTRIES),
    case('health-status-entry-range', {'health_status': [200, 1000]}, "app 'demo': health_status %s, got 1000" % HTTP_STATUS_ENTRIES),
    # --- scheduled jobs ----------------------------------------------------------------------------------
    case('schedule-mapping', {'schedule': JOB}, "app 'demo': schedule must be a list of jobs, each a mapping with %s, got a mapping" % JOB_KEYS),
    case('schedule-string', {'schedule': ['clearsessions']}, "app 'demo': schedule[0] must be a mapping with %s, got 'clearsessions'" % JOB_KEYS),
    case(
        'schedule-unknown-key',
        {'schedule': [dict(JOB, oncalendar='daily', user='root')]},
        "app 'demo': schedule[0] takes only name, command and on_calendar, got oncalendar, user",
    ),
    case('schedule-missing', {'schedule': [{'name': 'clear'}]}, "app 'demo': schedule[0] needs command and on_calendar"),
    case(
        'schedule-name-unit-injection',
        {'schedule': [dict(JOB, name='x.service ../../etc')]},
        "app 'demo': schedule[0].name must be lowercase letters and digits in words joined by single hyphens, at most 64 characters, got 'x.service ../../etc'",
    ),
    case(
        'schedule-name-repeated',
        {'schedule': [JOB, dict(JOB, on_calendar='weekly')]},
        "app 'demo': schedule[1].name must be unique within the app, got 'clear'",
    ),
    case(
        'schedule-command-newline',
        {'schedule': [dict(JOB, command='true\nExecStartPost=/bin/rm -rf /')]},
        "app 'demo': schedule[0].command must not contain newline, carriage return or NUL characters, got 'true\\nExecStartPost=/bin/rm -rf /'",
    ),
    case('schedule-calendar-number', {'schedule': [dict(JOB, on_calendar=5)]}, "app 'demo': schedule[0].on_calendar must be a string, got 5"),
    # --- database ---------------------------------------------------------------------------------------
    case('database-string', {'database': 'demo'}, "app 'demo': database must be a mapping, got 'demo'"),
    case(
        'database-typo',
        {'database': {'password': SECRET, 'nmae': 'a'}},
        "app 'demo': database has unknown key 'nmae' (allowed: name, user, password, host, port, client_host)",
    ),
    case('database-no-password', {'database': {}}, "app 'demo': database.password is required (or env DJANGO_DB_PASSWORD)"),
    case(
        'database-normalized-without-password',
        {'database': {'name': 'demo', 'user': 'demo', 'host': None, 'port': 3306, 'client_host': 'localhost'}},
        "app 'demo': database.password is required (or env DJANGO_DB_PASSWORD)",
    ),
    case('password-empty', {'database': {'password': ''}}, "app 'demo': %s (it is empty)" % PASSWORD),
    case('password-newline', {'database': {'password': SECRET + '\n'}}, "app 'demo': %s (it contains a newline)" % PASSWORD),
    case('password-carriage-return', {'database': {'password': 'a\rb' + SECRET}}, "app 'demo': %s (it contains a carriage return)" % PASSWORD),
    case('password-nul', {'database': {'password': SECRET + '\x00'}}, "app 'demo': %s (it contains a NUL character)" % PASSWORD),
    case('password-number', {'database': {'password': 123456}}, "app 'demo': %s, but YAML read it as a number: %s" % (PASSWORD, YAML_HINT)),
    case('password-list', {'database': {'password': [SECRET]}}, "app 'demo': %s, got a list" % PASSWORD),
    case(
        'password-differs-from-env',
        {'database': {'password': SECRET}, 'env': {'DJANGO_DB_PASSWORD': SECRET + 'x'}},
        "app 'demo': database.password and env DJANGO_DB_PASSWORD are both set and differ; set only one",
    ),
    case('db-name-mysql', {'database': {'password': SECRET, 'name': 'mysql'}}, "app 'demo': database.name %s, got 'mysql'" % SCHEMA),
    case(
        'db-name-information-schema',
        {'database': {'password': SECRET, 'name': 'INFORMATION_SCHEMA'}},
        "app 'demo': database.name %s, got 'INFORMATION_SCHEMA'" % SCHEMA,
    ),
    case(
        'db-name-performance-schema',
        {'database': {'password': SECRET, 'name': 'performance_schema'}},
        "app 'demo': database.name %s, got 'performance_schema'" % SCHEMA,
    ),
    case('db-name-sys', {'database': {'password': SECRET, 'name': 'sys'}}, "app 'demo': database.name %s, got 'sys'" % SCHEMA),
    case('db-name-dash', {'database': {'password': SECRET, 'name': 'my-db'}}, "app 'demo': database.name must match ^[A-Za-z0-9_]{1,64}$, got 'my-db'"),
    case('db-user-root', {'database': {'password': SECRET, 'user': 'root'}}, "app 'demo': database.user %s, got 'root'" % DB_ACCOUNT),
    case('db-user-root-upper', {'database': {'password': SECRET, 'user': 'ROOT'}}, "app 'demo': database.user %s, got 'ROOT'" % DB_ACCOUNT),
    case('db-user-mariadb-sys', {'database': {'password': SECRET, 'user': 'mariadb.sys'}}, "app 'demo': database.user %s, got 'mariadb.sys'" % DB_ACCOUNT),
    case(
        'db-user-mysql-session', {'database': {'password': SECRET, 'user': 'mysql.session'}}, "app 'demo': database.user %s, got 'mysql.session'" % DB_ACCOUNT
    ),
    case(
        'db-user-debian-sys-maint',
        {'database': {'password': SECRET, 'user': 'debian-sys-maint'}},
        "app 'demo': database.user %s, got 'debian-sys-maint'" % DB_ACCOUNT,
    ),
    case('db-user-public', {'database': {'password': SECRET, 'user': 'PUBLIC'}}, "app 'demo': database.user %s, got 'PUBLIC'" % DB_ACCOUNT),
    case('db-user-space', {'database': {'password': SECRET, 'user': 'a b'}}, "app 'demo': database.user must match ^[A-Za-z0-9_-]{1,32}$, got 'a b'"),
    case('db-host-bad-ipv4', {'database': {'password': SECRET, 'host': '999.1.1.1'}}, "app 'demo': database.host has an invalid IPv4 address, got '999.1.1.1'"),
    case('db-host-space', {'database': {'password': SECRET, 'host': 'db host'}}, "app 'demo': database.host %s, got 'db host'" % DB_HOST_RULE),
    case('db-host-bare-ipv6', {'database': {'password': SECRET, 'host': '::1'}}, "app 'demo': database.host %s, got '::1'" % DB_HOST_RULE),
    case('db-host-bad-ipv6', {'database': {'password': SECRET, 'host': '[1::2::3]'}}, "app 'demo': database.host has an invalid IPv6 address, got '[1::2::3]'"),
    case(
        'db-host-socket-dotdot',
        {'database': {'password': SECRET, 'host': '/run/../x'}},
        "app 'demo': database.host must not contain a '.' or '..' segment, got '/run/../x'",
    ),
    case('db-port-zero', {'database': {'password': SECRET, 'port': 0}}, "app 'demo': database.port must be an integer between 1 and 65535, got 0"),
    case(
        'db-client-host-quote',
        {'database': {'password': SECRET, 'client_host': "10.0.0.1'"}},
        "app 'demo': database.client_host must be a MySQL account host (^[A-Za-z0-9.:%_-]{1,255}$), got \"10.0.0.1'\"",
    ),
    # --- cache ------------------------------------------------------------------------------------------
    case('cache-number', {'cache': 1}, "app 'demo': cache must be a mapping, got 1"),
    case('cache-empty', {'cache': {}}, "app 'demo': cache.db is required (a Redis database number, 0-15, one per app)"),
    case('cache-empty-few-databases', {'cache': {}}, "app 'demo': cache.db is required (a Redis database number, 0-3, one per app)", redis_databases=4),
    case('cache-db-16', {'cache': {'db': 16}}, "app 'demo': cache.db %s, got 16" % (REDIS % 16)),
    case('cache-db-above-argument', {'cache': {'db': 2}}, "app 'demo': cache.db %s, got 2" % (REDIS % 2), redis_databases=2),
    case('cache-db-negative', {'cache': {'db': -1}}, "app 'demo': cache.db must be an integer >= 0, got -1"),
    case('cache-db-string', {'cache': {'db': '1'}}, "app 'demo': cache.db must be an integer, got '1'"),
    case('cache-typo', {'cache': {'db': 1, 'prefix': 'x'}}, "app 'demo': cache has unknown key 'prefix' (allowed: db)"),
    # --- keys ---------------------------------------------------------------------------------------------
    case(
        'derived-code-dir',
        {'code_dir': '/opt/code'},
        "app 'demo': code_dir is derived from the other keys and cannot be set (expected '/srv/demo/current/src'), got '/opt/code'",
    ),
    case(
        'derived-former-code-dir',
        {'code_dir': '/srv/demo/src'},
        "app 'demo': code_dir is derived from the other keys and cannot be set (expected '/srv/demo/current/src'), got '/srv/demo/src'",
    ),
    case(
        'derived-former-venv-dir',
        {'venv_dir': '/srv/demo/venv'},
        "app 'demo': venv_dir is derived from the other keys and cannot be set (expected '/srv/demo/current/venv'), got '/srv/demo/venv'",
    ),
    case(
        'derived-releases-dir',
        {'releases_dir': '/srv/releases'},
        "app 'demo': releases_dir is derived from the other keys and cannot be set (expected '/srv/demo/releases'), got '/srv/releases'",
    ),
    case(
        'derived-venvs-dir',
        {'root': '/opt/demo', 'venvs_dir': '/srv/demo/venvs'},
        "app 'demo': venvs_dir is derived from the other keys and cannot be set (expected '/opt/demo/venvs'), got '/srv/demo/venvs'",
    ),
    case(
        'derived-current-dir',
        {'current_dir': '/srv/demo/releases/1'},
        "app 'demo': current_dir is derived from the other keys and cannot be set (expected '/srv/demo/current'), got '/srv/demo/releases/1'",
    ),
    case(
        'derived-backup-dir',
        {'backup_dir': '/var/backups/demo'},
        "app 'demo': backup_dir is derived from the other keys and cannot be set (expected '/srv/demo/data/backups'), got '/var/backups/demo'",
    ),
    case(
        'derived-csrf-trusted-origins',
        {'server_names': ['example.com'], 'csrf_trusted_origins': ['https://example.com']},
        "app 'demo': csrf_trusted_origins is derived from the other keys and cannot be set (expected ['http://example.com', 'https://example.com']), "
        "got ['https://example.com']",
    ),
    case(
        'derived-allowed-hosts',
        {'allowed_hosts': ['*']},
        "app 'demo': allowed_hosts is derived from the other keys and cannot be set (expected ['demo']), got ['*']",
    ),
    case(
        'derived-nginx-upstream',
        {'nginx_upstream': '127.0.0.1:80'},
        "app 'demo': nginx_upstream is derived from the other keys and cannot be set (expected 'unix:/run/uwsgi-demo/demo.sock'), got '127.0.0.1:80'",
    ),
    case(
        'derived-uwsgi-socket',
        {'socket': '127.0.0.1:8001', 'uwsgi_socket': '/run/uwsgi-demo/demo.sock'},
        "app 'demo': uwsgi_socket is derived from the other keys and cannot be set (expected '127.0.0.1:8001'), got '/run/uwsgi-demo/demo.sock'",
    ),
    case(
        'derived-socket-path-tcp',
        {'socket': '127.0.0.1:8001', 'socket_path': '/run/uwsgi-demo/demo.sock'},
        "app 'demo': socket_path is derived from the other keys and cannot be set (expected None), got '/run/uwsgi-demo/demo.sock'",
    ),
    case('removed-socket-dir', {'socket_dir': '/run/uwsgi-demo'}, "app 'demo': unknown key 'socket_dir' (did you mean 'socket'?)"),
    case('typo', {'statc_url': '/s/'}, "app 'demo': unknown key 'statc_url' (did you mean 'static_url'?)"),
    case('two-unknown', {'zzz': 1, 'servernames': ['x']}, "app 'demo': unknown keys 'servernames' (did you mean 'server_names'?), 'zzz'"),
    case('app-string', [app(), 'demo'], 'app at index 1 must be a mapping (dict), got a string'),
    # --- the list and the arguments ----------------------------------------------------------------------
    # One app given where the list belongs.
    pytest.param({'name': 'demo', 'src': 'x'}, {}, 'webstack_apps must be a list of app declarations, got a mapping', id='apps-mapping'),
    case('apps-null', None, 'webstack_apps must be a list of app declarations, got null'),
    case('apps-string', 'demo', 'webstack_apps must be a list of app declarations, got a string'),
    case('redis-databases-string', [app()], "filter argument: redis_databases must be an integer, got '16'", redis_databases='16'),
    case('redis-databases-zero', [app()], 'filter argument: redis_databases must be an integer >= 1, got 0', redis_databases=0),
    case('data-dirs-string', [app()], "filter argument: data_dirs must be a list of absolute paths, got '/srv'", data_dirs='/srv'),
    case('data-dirs-relative', [app()], "filter argument: data_dirs must be an absolute path (start with '/'), got 'srv'", data_dirs=['srv']),
    case(
        'data-dirs-system',
        [app()],
        "filter argument: data_dirs items must not be the system directory '/etc' or inside it, got '/etc/www'",
        data_dirs=['/etc/www'],
    ),
    case('duplicate-names', [app(), app(root='/opt/demo', server_names=['other'])], "app 'demo': name 'demo' is used by the apps at index 0 and 1"),
    case('duplicate-roots', [app(), blog(root='/srv/demo/')], "app 'blog': root '/srv/demo' is already used by app 'demo'"),
    case(
        'nested-roots',
        [app(), blog(root='/srv/demo/blog')],
        "app 'blog': root '/srv/demo/blog' is inside root '/srv/demo' of app 'demo'; app roots must not be nested",
    ),
    case('same-socket', [app(socket='LOCALHOST:8000'), blog(socket='localhost:08000')], "app 'blog': socket 'localhost:8000' is already used by app 'demo'"),
    case('same-ipv6-socket', [app(socket='[::1]:8000'), blog(socket='[0:0::1]:8000')], "app 'blog': socket '[::1]:8000' is already used by app 'demo'"),
    case(
        'localhost-is-loopback',
        [app(socket='localhost:8001'), blog(socket='127.0.0.1:8001')],
        "app 'blog': socket '127.0.0.1:8001' is the same address as socket 'localhost:8001' of app 'demo' (localhost is 127.0.0.1)",
    ),
    case(
        'wildcard-after-address',
        [app(socket='127.0.0.1:8001'), blog(socket='0.0.0.0:8001', public_socket=True)],
        "app 'blog': socket '0.0.0.0:8001' collides with socket '127.0.0.1:8001' of app 'demo': a wildcard address binds every address on port 8001",
    ),
    case(
        'address-after-ipv6-wildcard',
        [app(socket='[::]:8001', public_socket=True), blog(socket='10.0.0.5:8001')],
        "app 'blog': socket '10.0.0.5:8001' collides with socket '[::]:8001' of app 'demo': a wildcard address binds every address on port 8001",
    ),
    case(
        'socket-on-other-apps-nginx-port',
        [app(port=8080), blog(socket='127.0.0.1:8080')],
        "app 'blog': socket '127.0.0.1:8080' uses port 8080, which nginx listens on for app 'demo'; nginx and uWSGI may share a host, "
        "so give the socket another port",
    ),
    case(
        'socket-on-later-apps-nginx-port',
        [app(socket='127.0.0.1:8080'), blog(port=8080)],
        "app 'demo': socket '127.0.0.1:8080' uses port 8080, which nginx listens on for app 'blog'; nginx and uWSGI may share a host, "
        "so give the socket another port",
    ),
    case(
        'server-name-clash',
        [app(server_names=['www.example.com', 'example.com']), blog(server_names=['EXAMPLE.com'])],
        "app 'blog': server_names entry 'example.com' on port 80 is already used by app 'demo'",
    ),
    case('server-name-default-clash', [app(), blog(server_names=['demo'])], "app 'blog': server_names entry 'demo' on port 80 is already used by app 'demo'"),
    case(
        'server-name-dot-covers-name',
        [app(server_names=['example.com']), blog(server_names=['.example.com'])],
        "app 'blog': server_names entry '.example.com' on port 80 overlaps entry 'example.com' of app 'demo' "
        "(a leading '.' stands for the name and all its subdomains)",
    ),
    case(
        'server-name-star-under-dot',
        [app(server_names=['.example.com']), blog(server_names=['*.example.com'])],
        "app 'blog': server_names entry '*.example.com' on port 80 overlaps entry '.example.com' of app 'demo' "
        "(a leading '.' stands for the name and all its subdomains)",
    ),
    case(
        'database-name-twice',
        [app(database={'password': 'a'}), blog(database={'password': 'b', 'name': 'demo'})],
        "app 'blog': database.name 'demo' is already used by app 'demo'",
    ),
    case(
        'database-user-twice',
        [app(database={'password': 'a'}), blog(database={'password': 'b', 'user': 'demo'})],
        "app 'blog': database.user 'demo' is already used by app 'demo'",
    ),
    case('cache-db-twice', [app(cache={'db': 1}), blog(cache={'db': 1})], "app 'blog': cache.db 1 is already used by app 'demo'"),
    case(
        'two-default-servers',
        [app(default_server=True), blog(), app(name='api', default_server=True)],
        "app 'api': default_server is already set by app 'demo' for port 80; at most one app per port may set it",
    ),
    case(
        'static-root-in-other-root',
        [app(), blog(static_root='/srv/demo/static')],
        "app 'blog': static_root '/srv/demo/static/' is inside root '/srv/demo' of app 'demo'; %s" % SHARED,
    ),
    case(
        'same-static-root',
        [app(static_root='/var/www/static'), blog(static_root='/var/www/static/')],
        "app 'blog': static_root '/var/www/static/' is the same directory as static_root '/var/www/static/' of app 'demo'; %s" % SHARED,
    ),
    case(
        'media-root-contains-other-media',
        [app(media_root='/var/www/shared/demo'), blog(media_root='/var/www/shared')],
        "app 'blog': media_root '/var/www/shared/' contains media_root '/var/www/shared/demo/' of app 'demo'; %s" % SHARED,
    ),
    case(
        'media-root-is-other-static',
        [app(static_root='/var/www/assets'), blog(media_root='/var/www/assets')],
        "app 'blog': media_root '/var/www/assets/' is the same directory as static_root '/var/www/assets/' of app 'demo'; %s" % SHARED,
    ),
    case(
        'static-root-contains-other-root',
        [app(root='/var/www/sites/demo'), blog(static_root='/var/www/sites')],
        "app 'blog': static_root '/var/www/sites/' contains root '/var/www/sites/demo' of app 'demo'; %s" % SHARED,
    ),
    case(
        'root-inside-other-static',
        [app(static_root='/var/www/demo'), blog(root='/var/www/demo/blog', static_root='/var/www/blog-static', media_root='/var/www/blog-media')],
        "app 'blog': root '/var/www/demo/blog' is inside static_root '/var/www/demo/' of app 'demo'; %s" % SHARED,
    ),
]


def refusal(func, *args, **kwargs):
    with pytest.raises(AnsibleFilterError) as excinfo:
        func(*args, **kwargs)
    return str(excinfo.value)


def test_the_table_is_large_and_its_ids_unique():
    ids = [param.id for param in CASES]
    assert len(ids) >= 90
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize('apps, kwargs, message', CASES)
def test_refused_with_the_exact_message(apps, kwargs, message):
    assert refusal(normalize_apps, apps, **kwargs) == message
    assert SECRET not in message


SINGLE = [param for param in CASES if isinstance(param.values[0], list) and len(param.values[0]) == 1 and isinstance(param.values[0][0], dict)]


@pytest.mark.parametrize('apps, kwargs, message', SINGLE)
def test_one_app_is_refused_alike_without_the_list(apps, kwargs, message):
    # Outside a list there is no index to name an app without a valid name.
    expected = message.replace('app at index 0', 'app', 1)
    assert refusal(normalize_app, apps[0], **kwargs) == expected
    # A valid declaration after it does not change the verdict (list rules come after every app passed).
    second = app(name='zeta', root='/srv/zeta', server_names=['zeta.example'])
    assert refusal(normalize_apps, apps + [second], **kwargs) == message
