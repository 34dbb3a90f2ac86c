# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every role's variables are checked before anything changes (issue 8).

Each role has an entry point `validate` (meta/argument_specs.yml: the same options as
`main`) whose tasks (tasks/validate.yml) are asserts only: no facts, no connection to the
host. The table below gives wrong values with the exact message they must fail with, and
good values that must pass. All of them run in ONE ansible-playbook: one fake host per
case (ansible_connection local, its variables as host vars), one play that includes the
validate entry point of the role the host names, and the JSON stdout callback that
reports every host's result. Each validate file is one assert of all its checks: when
several fail, the message gives each of theirs in order, joined by '; ' (see joined());
validate-source.yml runs only when the rest of its role's checks passed (or, for python3,
before them).

Static checks complete it: validate.yml holds nothing but asserts, the validate entry
point has main's options, the argument specs' defaults are those of defaults/main.yml,
and the IP address patterns agree with Python's ipaddress.
"""

from __future__ import annotations

import ipaddress
import json
import os
import pathlib
import random
import re
import shutil
import subprocess

import pytest
import yaml

PROJECT = pathlib.Path(__file__).resolve().parents[3]
ROLES = ('nginx', 'uwsgi', 'mysql57', 'redis', 'python3', 'virtualenv', 'django')
PLAYBOOK = pathlib.Path(__file__).resolve().parent / 'fixtures' / 'validate-roles.yml'

SHA256 = '0123456789abcdef' * 4
REDIS_PASSWORD = 'Redis-pass-0123456789'
# Variables every host of a role needs besides the case's own (DROP removes one).
BASE_VARS = {'redis': {'redis_requirepass': REDIS_PASSWORD}}
DROP = object()
MIRROR = 'http://mirror.example/debian'
ENV = {'path': '/srv/shop/venv', 'python': '/usr/bin/python3', 'requirements': [], 'packages': []}

ARGSPEC = 'Validation of arguments failed:\n'


def joined(*messages):
    """The message of several failed checks of one file: each message without its final '.', joined by '; ', then '.'."""
    return '; '.join(message[:-1] for message in messages) + '.'


NGINX_EXPIRES = (
    "nginx_static_expires must be an nginx time such as 7d, 1d12h or -1 (optionally after 'modified '), a time of day "
    "such as @15h30m, or one of off, epoch, max; got %s."
)
NGINX_SOURCE_PATHS = (
    "nginx_source_prefix and nginx_source_build_dir must be absolute paths of letters, digits and . _ ~ + @ - "
    "(no '.' or '..' components, no trailing '/'); got %s and \"/usr/local/src/webstack\"."
)
NGINX_CONFIGURE = (
    "nginx_source_configure_options must be a list of one-line --OPTION or --OPTION=VALUE arguments, none of those "
    "the role sets (--prefix, --sbin-path, --conf-path, --pid-path, --lock-path, --error-log-path, --http-log-path, "
    "--user, --group); got %s."
)
UWSGI_GROUP = "uwsgi_socket_group must be empty (the web server's group) or a group name matching ^[a-z_][a-z0-9_-]{0,31}$; got %s."
MYSQL_ROOT_PASSWORD = 'mysql57_root_password must be a single line of text without NUL characters: it %s.'
MYSQL_BIND = 'mysql57_bind_address must be one IPv4 or IPv6 address, a host name, or *; got %s.'
MYSQL_NAMES = (
    "mysql57_character_set and mysql57_collation must be names of lowercase letters, digits and '_' (such as utf8mb4 and utf8mb4_unicode_ci); got %s and %s."
)
REDIS_PASSWORD_MSG = 'redis_requirepass must be at least 16 characters, without whitespace, quotes, backslashes or control characters: it %s.'
REDIS_UNSAFE = 'contains whitespace, a quote, a backslash or a control character'
REDIS_BIND = "redis_bind must be a non-empty list of IPv4 or IPv6 addresses (or * or ::*, each optionally after '-'); got %s."
REDIS_SOCKET = (
    "redis_socket_path must be an absolute path of at most 107 characters in a directory of its own under /run "
    "(letters, digits and . _ ~ + @ -, no '.' or '..' components), such as /run/redis-socket/redis.sock; got %s."
)
PRIVILEGED = 'root, wheel, sudo, admin, adm, shadow, disk, docker, lxd, systemd-journal, redis'
PIP_TRUSTED = 'python3_pip_trusted_hosts must be a list of host names, IPv4 addresses or bracketed IPv6 addresses, each optionally with :PORT; got %s.'
PIP_USER = (
    'python3_pip_config_user must be a user name matching ^[a-z_][a-z0-9_-]{0,31}$ (required when python3_pip_config_scope is user, else may be empty); got %s.'
)
PYTHON_LINKS = (
    "python3_source_links must be a list of command names in PREFIX/bin such as python3.13 and pip3.13 (no '/'), never python3, pip3, python or pip; got %s."
)
PYTHON_SOURCE = {'python3_install_method': 'source', 'python3_source_sha256': SHA256}
NGINX_SOURCE = {'nginx_install_method': 'source', 'nginx_source_sha256': SHA256}
REDIS_SOURCE = {'redis_install_method': 'source', 'redis_source_sha256': SHA256}
VENV_PATHS = (
    "virtualenv_envs: each path must be a different absolute path of letters, digits and . _ ~ + @ - (no '.' or '..' components, no trailing '/'); got %s."
)
DJANGO_SOCKETS = (
    "django_db_socket and django_redis_socket must be empty or absolute paths of at most 107 characters (letters, digits "
    "and . _ ~ + @ -, no '.' or '..' components); got %s and %s."
)
DJANGO_PASSWORD = (
    'django_redis_password must be empty or text without whitespace, quotes, backslashes or control characters: '
    'it contains whitespace, a quote, a backslash or a control character.'
)

# (host name, role, variables, the exact message of the failing task). Host names say what is wrong.
BAD = [
    # nginx
    ('nginx_expires_injects_directive', 'nginx', {'nginx_static_expires': '7d; autoindex on'}, NGINX_EXPIRES % '"7d; autoindex on"'),
    ('nginx_expires_newline', 'nginx', {'nginx_static_expires': '7d\nautoindex on'}, NGINX_EXPIRES % '"7d\\nautoindex on"'),
    ('nginx_expires_milliseconds', 'nginx', {'nginx_static_expires': '5ms'}, NGINX_EXPIRES % '"5ms"'),
    ('nginx_expires_units_out_of_order', 'nginx', {'nginx_static_expires': '30m1h'}, NGINX_EXPIRES % '"30m1h"'),
    ('nginx_workers_zero', 'nginx', {'nginx_worker_processes': 0}, 'nginx_worker_processes must be auto or a number from 1 to 1024; got 0.'),
    (
        'nginx_workers_injection',
        'nginx',
        {'nginx_worker_processes': 'auto; user root'},
        'nginx_worker_processes must be auto or a number from 1 to 1024; got "auto; user root".',
    ),
    (
        'nginx_connections_not_a_number',
        'nginx',
        {'nginx_worker_connections': '12x'},
        ARGSPEC + "argument 'nginx_worker_connections' is of type str and we were unable to convert to int: \"'12x'\" cannot be converted to an int",
    ),
    ('nginx_connections_too_many', 'nginx', {'nginx_worker_connections': 2000000}, 'nginx_worker_connections must be a number from 1 to 1048576; got 2000000.'),
    ('nginx_keepalive_too_long', 'nginx', {'nginx_keepalive_timeout': 4000}, 'nginx_keepalive_timeout must be a number of seconds from 0 to 3600; got 4000.'),
    ('nginx_ipv6_string', 'nginx', {'nginx_listen_ipv6': 'false'}, 'nginx_listen_ipv6 must be a boolean (true or false, not a string); got "false".'),
    ('nginx_status_string', 'nginx', {'nginx_status': 'no'}, 'nginx_status must be a boolean (true or false, not a string); got "no".'),
    (
        'nginx_status_group_adds_line',
        'nginx',
        {'nginx_status_group': 'adm\nd /etc 0777'},
        'nginx_status_group must be a group name matching ^[a-z_][a-z0-9_-]{0,31}$; got "adm\\nd /etc 0777".',
    ),
    (
        'nginx_remove_undeclared_string',
        'nginx',
        {'nginx_remove_undeclared': 'yes'},
        'nginx_remove_undeclared must be a boolean (true or false, not a string); got "yes".',
    ),
    (
        'nginx_acme_directory_http',
        'nginx',
        {'nginx_acme_directory': 'http://acme.example.com/directory'},
        'nginx_acme_directory must be the https:// URL of an ACME directory; got "http://acme.example.com/directory".',
    ),
    (
        'nginx_acme_email_injects_option',
        'nginx',
        {'nginx_acme_email': 'ops@example.com --server x'},
        'nginx_acme_email must be an email address, or empty to register without one; got "ops@example.com --server x".',
    ),
    (
        'nginx_acme_ca_bundle_relative',
        'nginx',
        {'nginx_acme_ca_bundle': 'ca.pem'},
        'nginx_acme_ca_bundle must be an absolute path on the web host, or empty; got "ca.pem".',
    ),
    (
        'nginx_resolver_injection',
        'nginx',
        {'nginx_resolver': ['127.0.0.53; autoindex on']},
        'nginx_resolver must be a list of DNS server addresses, not empty when an app has tls.ocsp_stapling; got ["127.0.0.53; autoindex on"].',
    ),
    ('nginx_method_unknown', 'nginx', {'nginx_install_method': 'ports'}, ARGSPEC + 'value of nginx_install_method must be one of: package, source, got: ports'),
    (
        'nginx_source_without_sha256',
        'nginx',
        {'nginx_install_method': 'source'},
        'nginx_source_sha256 must be 64 lowercase hex digits (mandatory for the source method); got "".',
    ),
    (
        'nginx_source_short_version',
        'nginx',
        dict(NGINX_SOURCE, nginx_source_version='1.26'),
        'nginx_source_version must be a full X.Y.Z version such as 1.26.3; got "1.26".',
    ),
    (
        'nginx_source_prefix_newline',
        'nginx',
        dict(NGINX_SOURCE, nginx_source_prefix='/opt/nginx\nExecStartPre=/bin/sh'),
        NGINX_SOURCE_PATHS % '"/opt/nginx\\nExecStartPre=/bin/sh"',
    ),
    (
        'nginx_source_module_with_space',
        'nginx',
        dict(NGINX_SOURCE, nginx_source_modules=['http_ssl_module --prefix=/']),
        "nginx_source_modules must be a list of names such as http_ssl_module (each becomes --with-NAME; NAME=dynamic for a dynamic module); "
        'got ["http_ssl_module --prefix=/"].',
    ),
    ('nginx_source_configure_prefix', 'nginx', dict(NGINX_SOURCE, nginx_source_configure_options=['--prefix=/x']), NGINX_CONFIGURE % '["--prefix=/x"]'),
    # uwsgi: the group reaches ExecStartPre of a unit that runs it as root
    ('uwsgi_group_adds_unit_line', 'uwsgi', {'uwsgi_socket_group': 'www-data\nUser=root'}, UWSGI_GROUP % '"www-data\\nUser=root"'),
    ('uwsgi_group_uppercase', 'uwsgi', {'uwsgi_socket_group': 'WWW'}, UWSGI_GROUP % '"WWW"'),
    (
        'uwsgi_remove_undeclared_string',
        'uwsgi',
        {'uwsgi_remove_undeclared': 'false'},
        'uwsgi_remove_undeclared must be a boolean (true or false, not a string); got "false".',
    ),
    # the size and the count reach the logrotate rule, the group a unit's ExecStartPre run as root
    ('uwsgi_log_size_unit', 'uwsgi', {'uwsgi_log_max_size': '100MB'}, 'uwsgi_log_max_size must be a logrotate size such as 100k, 100M or 1G; got "100MB".'),
    ('uwsgi_log_size_line', 'uwsgi', {'uwsgi_log_max_size': '1M\n}'}, 'uwsgi_log_max_size must be a logrotate size such as 100k, 100M or 1G; got "1M\\n}".'),
    ('uwsgi_log_keep_zero', 'uwsgi', {'uwsgi_log_keep': 0}, 'uwsgi_log_keep must be a number from 1 to 9999; got 0.'),
    (
        'uwsgi_stats_group_option',
        'uwsgi',
        {'uwsgi_stats_group': 'adm -m 0777'},
        'uwsgi_stats_group must be a group name matching ^[a-z_][a-z0-9_-]{0,31}$; got "adm -m 0777".',
    ),
    # mysql57
    ('mysql_root_password_newline', 'mysql57', {'mysql57_root_password': 'secret\nsocket = /tmp/x'}, MYSQL_ROOT_PASSWORD % 'contains a line break'),
    ('mysql_root_password_nul', 'mysql57', {'mysql57_root_password': 'secret\x00more'}, MYSQL_ROOT_PASSWORD % 'contains a NUL character'),
    ('mysql_root_password_number', 'mysql57', {'mysql57_root_password': 1234}, MYSQL_ROOT_PASSWORD % 'is not a string'),
    ('mysql_bind_two_addresses', 'mysql57', {'mysql57_bind_address': '1.2.3.4 5.6.7.8'}, MYSQL_BIND % '"1.2.3.4 5.6.7.8"'),
    ('mysql_bind_bad_ipv4', 'mysql57', {'mysql57_bind_address': '999.1.1.1'}, MYSQL_BIND % '"999.1.1.1"'),
    ('mysql_bind_newline', 'mysql57', {'mysql57_bind_address': '127.0.0.1\nskip-grant-tables'}, MYSQL_BIND % '"127.0.0.1\\nskip-grant-tables"'),
    ('mysql_port_too_high', 'mysql57', {'mysql57_port': 70000}, 'mysql57_port must be a port number from 1 to 65535; got 70000.'),
    ('mysql_charset_injection', 'mysql57', {'mysql57_character_set': 'utf8mb4;x'}, MYSQL_NAMES % ('"utf8mb4;x"', '"utf8mb4_unicode_ci"')),
    (
        'mysql_collation_of_other_charset',
        'mysql57',
        {'mysql57_collation': 'latin1_swedish_ci'},
        'mysql57_collation must be a collation of mysql57_character_set (its name starts with "utf8mb4_"); got "latin1_swedish_ci".',
    ),
    (
        'mysql_global_privilege',
        'mysql57',
        {'mysql57_app_privileges': ['SELECT', 'FILE']},
        ARGSPEC + 'value of mysql57_app_privileges must be one or more of: SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, '
        'REFERENCES, CREATE TEMPORARY TABLES, LOCK TABLES, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EXECUTE, EVENT, TRIGGER, '
        'DELETE HISTORY. Got no match for: FILE',
    ),
    (
        'mysql_no_privileges',
        'mysql57',
        {'mysql57_app_privileges': []},
        'mysql57_app_privileges must be a non-empty list of privilege names such as SELECT; got [].',
    ),
    (
        'mysql_privileges_string',
        'mysql57',
        {'mysql57_app_privileges': 'SELECT'},
        'mysql57_app_privileges must be a non-empty list of privilege names such as SELECT; got "SELECT".',
    ),
    (
        'mysql_server_unknown',
        'mysql57',
        {'mysql57_server': 'postgres'},
        ARGSPEC + 'value of mysql57_server must be one of: auto, mariadb, mysql, got: postgres',
    ),
    # redis
    ('redis_password_missing', 'redis', {'redis_requirepass': DROP}, ARGSPEC + 'missing required arguments: redis_requirepass'),
    ('redis_password_short', 'redis', {'redis_requirepass': 'short'}, REDIS_PASSWORD_MSG % 'is shorter than 16 characters'),
    ('redis_password_newline', 'redis', {'redis_requirepass': 'Redis-pass-0123456789\nrename-command CONFIG ""'}, REDIS_PASSWORD_MSG % REDIS_UNSAFE),
    ('redis_password_quote', 'redis', {'redis_requirepass': "Redis-pass-0123456789'"}, REDIS_PASSWORD_MSG % REDIS_UNSAFE),
    ('redis_bind_string', 'redis', {'redis_bind': '127.0.0.1'}, REDIS_BIND % '"127.0.0.1"'),
    ('redis_bind_two_in_one', 'redis', {'redis_bind': ['127.0.0.1 0.0.0.0']}, REDIS_BIND % '["127.0.0.1 0.0.0.0"]'),
    ('redis_bind_empty', 'redis', {'redis_bind': []}, REDIS_BIND % '[]'),
    ('redis_bind_host_name', 'redis', {'redis_bind': ['localhost']}, REDIS_BIND % '["localhost"]'),
    ('redis_port_too_high', 'redis', {'redis_port': 65536}, 'redis_port must be a port number from 0 (no TCP) to 65535; got 65536.'),
    ('redis_socket_outside_run', 'redis', {'redis_socket_path': '/var/lib/redis/redis.sock'}, REDIS_SOCKET % '"/var/lib/redis/redis.sock"'),
    ('redis_socket_in_run_itself', 'redis', {'redis_socket_path': '/run/redis.sock'}, REDIS_SOCKET % '"/run/redis.sock"'),
    ('redis_socket_too_long', 'redis', {'redis_socket_path': '/run/redis-socket/' + 'r' * 90}, REDIS_SOCKET % ('"/run/redis-socket/' + 'r' * 90 + '"')),
    (
        'redis_group_privileged',
        'redis',
        {'redis_socket_group': 'sudo'},
        'redis_socket_group must be a group name matching ^[a-z_][a-z0-9_-]{0,31}$ that grants nothing but the socket (not %s); got "sudo".' % PRIVILEGED,
    ),
    (
        'redis_maxmemory_with_space',
        'redis',
        {'redis_maxmemory': '256 mb'},
        'redis_maxmemory must be a size such as 256mb, 1gb or 0 (no limit): a number with an optional unit k, kb, m, mb, g or gb; got "256 mb".',
    ),
    (
        'redis_policy_unknown',
        'redis',
        {'redis_maxmemory_policy': 'lru'},
        ARGSPEC + 'value of redis_maxmemory_policy must be one of: noeviction, allkeys-lru, allkeys-lfu, allkeys-random, volatile-lru, '
        'volatile-lfu, volatile-random, volatile-ttl, got: lru',
    ),
    ('redis_databases_zero', 'redis', {'redis_databases': 0}, 'redis_databases must be a number from 1 to 2147483647; got 0.'),
    (
        'redis_save_odd',
        'redis',
        {'redis_save': '3600 1 300'},
        'redis_save must be "" (no snapshots) or pairs of seconds and changes separated by single spaces, such as "3600 1 300 100"; got "3600 1 300".',
    ),
    ('redis_appendonly_string', 'redis', {'redis_appendonly': 'yes'}, 'redis_appendonly must be a boolean (true or false, not a string); got "yes".'),
    (
        'redis_source_make_prefix',
        'redis',
        dict(REDIS_SOURCE, redis_source_make_options=['PREFIX=/usr']),
        'redis_source_make_options must be a list of one-line NAME=VALUE make variables such as BUILD_TLS=yes, other than PREFIX and USE_SYSTEMD '
        '(the role sets those); got ["PREFIX=/usr"].',
    ),
    (
        'redis_source_url_with_space',
        'redis',
        dict(REDIS_SOURCE, redis_source_url='https://example.com/redis 8.tar.gz'),
        'redis_source_url must be an http://, https://, ftp:// or file:/// URL without whitespace; got "https://example.com/redis 8.tar.gz".',
    ),
    # python3
    (
        'python_index_url_newline',
        'python3',
        {'python3_pip_index_url': 'https://pypi.example.com/simple\ntrusted-host = evil'},
        'python3_pip_index_url must be empty or an http://, https:// or file:/// URL without whitespace; '
        'got "https://pypi.example.com/simple\\ntrusted-host = evil".',
    ),
    ('python_trusted_host_bad_ipv4', 'python3', {'python3_pip_trusted_hosts': ['999.1.1.1:80']}, PIP_TRUSTED % '["999.1.1.1:80"]'),
    ('python_trusted_hosts_string', 'python3', {'python3_pip_trusted_hosts': 'pypi.example.com'}, PIP_TRUSTED % '"pypi.example.com"'),
    ('python_user_scope_without_user', 'python3', {'python3_pip_config_scope': 'user'}, PIP_USER % '""'),
    ('python_config_user_uppercase', 'python3', {'python3_pip_config_user': 'Deploy'}, PIP_USER % '"Deploy"'),
    ('python_link_traverses', 'python3', dict(PYTHON_SOURCE, python3_source_links=['../../sbin/x']), PYTHON_LINKS % '["../../sbin/x"]'),
    ('python_link_system_python', 'python3', dict(PYTHON_SOURCE, python3_source_links=['python3']), PYTHON_LINKS % '["python3"]'),
    (
        'python_short_version',
        'python3',
        dict(PYTHON_SOURCE, python3_source_version='3.13'),
        'python3_source_version must be a full 3.Y.Z version such as 3.13.5; got "3.13".',
    ),
    (
        'python_shared_string',
        'python3',
        dict(PYTHON_SOURCE, python3_source_shared='false'),
        'python3_source_optimizations and python3_source_shared must be booleans (true or false, not strings); got false and "false".',
    ),
    (
        'python_url_zip',
        'python3',
        dict(PYTHON_SOURCE, python3_source_url='https://example.com/Python-3.13.5.zip'),
        'python3_source_url must be an http://, https://, ftp:// or file:/// URL without whitespace, of a .tar.xz, .tar.gz or .tar.bz2 file; '
        'got "https://example.com/Python-3.13.5.zip".',
    ),
    (
        'python_prefix_dotdot',
        'python3',
        dict(PYTHON_SOURCE, python3_source_prefix='/opt/python/../../etc'),
        "python3_source_prefix and python3_source_build_dir must be absolute paths of letters, digits and . _ ~ + @ - (no '.' or '..' "
        "components, no trailing '/'); got \"/opt/python/../../etc\" and \"/usr/local/src/webstack\".",
    ),
    (
        'python_configure_prefix',
        'python3',
        dict(PYTHON_SOURCE, python3_source_configure_options=['--prefix=/usr']),
        "python3_source_configure_options must be a list of one-line --OPTION, --OPTION=VALUE or VAR=VALUE arguments (not --prefix, the role's); "
        'got ["--prefix=/usr"].',
    ),
    # virtualenv
    ('venv_relative_path', 'virtualenv', {'virtualenv_envs': [dict(ENV, path='venv')]}, VENV_PATHS % '["venv"]'),
    ('venv_same_path_twice', 'virtualenv', {'virtualenv_envs': [ENV, ENV]}, VENV_PATHS % '["/srv/shop/venv", "/srv/shop/venv"]'),
    (
        'venv_python_with_arguments',
        'virtualenv',
        {'virtualenv_envs': [dict(ENV, python='/usr/bin/python3 -c x')]},
        'virtualenv_envs: each python must be the absolute path of an interpreter (letters, digits and . _ ~ + @ -); got ["/usr/bin/python3 -c x"].',
    ),
    (
        'venv_package_is_option',
        'virtualenv',
        {'virtualenv_envs': [dict(ENV, packages=['--index-url=https://example.com/'])]},
        "virtualenv_envs: each packages item must be a pip requirement without whitespace that does not start with '-'; "
        'got ["--index-url=https://example.com/"].',
    ),
    (
        'venv_requirements_relative',
        'virtualenv',
        {'virtualenv_envs': [dict(ENV, requirements=['requirements.txt'])]},
        'virtualenv_envs: each requirements item must be the absolute path of a file on the host (letters, digits and . _ ~ + @ -); got ["requirements.txt"].',
    ),
    (
        'venv_env_without_lists',
        'virtualenv',
        {'virtualenv_envs': [{'path': '/srv/shop/venv', 'python': '/usr/bin/python3'}]},
        ARGSPEC + 'missing required arguments: packages, requirements found in virtualenv_envs',
    ),
    (
        'venv_wrapper_profile_dotdot',
        'virtualenv',
        {'virtualenv_wrapper_user': 'deploy', 'virtualenv_wrapper_profile': '../../etc/profile'},
        "virtualenv_wrapper_profile must be a file name relative to the user's home directory, such as .bashrc, without '..'; got \"../../etc/profile\".",
    ),
    (
        'venv_wrapper_workon_home_command',
        'virtualenv',
        {'virtualenv_wrapper_user': 'deploy', 'virtualenv_wrapper_workon_home': '$(touch /tmp/x)'},
        'virtualenv_wrapper_workon_home must be an absolute path, or one under $HOME such as $HOME/.virtualenvs (letters, digits and . _ ~ + @ -); '
        'got "$(touch /tmp/x)".',
    ),
    (
        'venv_wrapper_user_with_space',
        'virtualenv',
        {'virtualenv_wrapper_user': 'deploy user'},
        'virtualenv_wrapper_user must be a user name matching ^[a-z_][a-z0-9_-]{0,31}$; got "deploy user".',
    ),
    # django
    (
        'django_uwsgi_package_option',
        'django',
        {'django_uwsgi_package': 'pyuwsgi --index-url https://example.com/'},
        'django_uwsgi_package must be one pip requirement such as pyuwsgi==2.0.30 (a name, optional [extras] and version clauses, no whitespace); '
        'got "pyuwsgi --index-url https://example.com/".',
    ),
    (
        'django_redis_group_privileged',
        'django',
        {'django_redis_group': 'sudo'},
        "django_redis_group must be empty or a group name matching ^[a-z_][a-z0-9_-]{0,31}$ that grants nothing but Redis's socket "
        '(not %s); got "sudo".' % PRIVILEGED,
    ),
    (
        'django_redis_host_bare_ipv6',
        'django',
        {'django_redis_host': '::1'},
        'django_redis_host must be empty (the unix socket), a host name, an IPv4 address or a bracketed IPv6 address; got "::1".',
    ),
    ('django_redis_password_space', 'django', {'django_redis_password': 'pass word'}, DJANGO_PASSWORD),
    ('django_redis_password_newline', 'django', {'django_redis_password': 'password\nDJANGO_DEBUG=1'}, DJANGO_PASSWORD),
    ('django_redis_port_zero', 'django', {'django_redis_port': 0}, 'django_redis_port must be a port number from 1 to 65535; got 0.'),
    (
        'django_python_relative',
        'django',
        {'django_python': 'python3'},
        "django_python must be the absolute path of an interpreter (letters, digits and . _ ~ + @ -, no '.' or '..' components); got \"python3\".",
    ),
    ('django_db_socket_relative', 'django', {'django_db_socket': 'mysqld.sock'}, DJANGO_SOCKETS % ('"mysqld.sock"', '""')),
    (
        'django_redis_socket_too_long',
        'django',
        {'django_redis_socket': '/run/redis-socket/' + 's' * 90},
        DJANGO_SOCKETS % ('""', '"/run/redis-socket/' + 's' * 90 + '"'),
    ),
    (
        'django_secrets_not_a_mapping',
        'django',
        {'django_app_secrets': 'x'},
        ARGSPEC + "argument 'django_app_secrets' is of type str and we were unable to convert to dict: dictionary requested, could not parse JSON or key=value",
    ),
    # Several wrong values at once: every failed check of the file, in its order. A check that
    # depends on another (a collation of the character set) is left out while that one fails,
    # and a wrong-typed value gives its message, never a templating error for another's.
    (
        'nginx_two_wrong',
        'nginx',
        {'nginx_worker_processes': 0, 'nginx_listen_ipv6': 'false'},
        joined(
            'nginx_worker_processes must be auto or a number from 1 to 1024; got 0.',
            'nginx_listen_ipv6 must be a boolean (true or false, not a string); got "false".',
        ),
    ),
    (
        'nginx_wrong_and_source_wrong',
        'nginx',
        dict(NGINX_SOURCE, nginx_keepalive_timeout=4000, nginx_source_version='1.26'),
        'nginx_keepalive_timeout must be a number of seconds from 0 to 3600; got 4000.',
    ),
    (
        'nginx_source_two_wrong',
        'nginx',
        dict(NGINX_SOURCE, nginx_source_version='1.26', nginx_source_configure_options=['--prefix=/x']),
        joined('nginx_source_version must be a full X.Y.Z version such as 1.26.3; got "1.26".', NGINX_CONFIGURE % '["--prefix=/x"]'),
    ),
    (
        'nginx_wrong_types',
        'nginx',
        {'nginx_worker_processes': {'a': 1}, 'nginx_static_expires': [1]},
        joined('nginx_worker_processes must be auto or a number from 1 to 1024; got {"a": 1}.', NGINX_EXPIRES % '[1]'),
    ),
    (
        'uwsgi_two_wrong',
        'uwsgi',
        {'uwsgi_socket_group': 'WWW', 'uwsgi_remove_undeclared': 'false'},
        joined(UWSGI_GROUP % '"WWW"', 'uwsgi_remove_undeclared must be a boolean (true or false, not a string); got "false".'),
    ),
    (
        'mysql_port_and_charset',
        'mysql57',
        {'mysql57_port': 70000, 'mysql57_character_set': 'utf8mb4;x'},
        joined('mysql57_port must be a port number from 1 to 65535; got 70000.', MYSQL_NAMES % ('"utf8mb4;x"', '"utf8mb4_unicode_ci"')),
    ),
    (
        'mysql_wrong_types',
        'mysql57',
        {'mysql57_root_password': ['secret'], 'mysql57_collation': 5},
        joined(MYSQL_ROOT_PASSWORD % 'is not a string', MYSQL_NAMES % ('"utf8mb4"', '5')),
    ),
    (
        'redis_password_and_bind',
        'redis',
        {'redis_requirepass': 'short', 'redis_bind': []},
        joined(REDIS_PASSWORD_MSG % 'is shorter than 16 characters', REDIS_BIND % '[]'),
    ),
    (
        'redis_wrong_types',
        'redis',
        {'redis_requirepass': 12345678901234567890, 'redis_socket_path': 5, 'redis_socket_group': ['redis']},
        joined(
            REDIS_PASSWORD_MSG % 'is not a string',
            REDIS_SOCKET % '5',
            'redis_socket_group must be a group name matching ^[a-z_][a-z0-9_-]{0,31}$ that grants nothing but the socket (not %s); got ["redis"].'
            % PRIVILEGED,
        ),
    ),
    (
        'redis_source_two_wrong',
        'redis',
        dict(REDIS_SOURCE, redis_source_version='8.0', redis_source_systemd='yes'),
        joined(
            'redis_source_version must be a full X.Y.Z version such as 8.0.2; got "8.0".',
            'redis_source_systemd must be a boolean (true or false, not a string); got "yes".',
        ),
    ),
    (
        'python_source_and_pip_wrong',
        'python3',
        dict(PYTHON_SOURCE, python3_source_version='3.13', python3_pip_config_user='Deploy'),
        'python3_source_version must be a full 3.Y.Z version such as 3.13.5; got "3.13".',
    ),
    (
        'python_pip_two_wrong',
        'python3',
        {'python3_pip_trusted_hosts': 'pypi.example.com', 'python3_pip_config_user': 'Deploy'},
        joined(PIP_TRUSTED % '"pypi.example.com"', PIP_USER % '"Deploy"'),
    ),
    (
        'python_source_wrong_types',
        'python3',
        dict(PYTHON_SOURCE, python3_source_url=5, python3_source_links=[1]),
        joined(
            'python3_source_url must be an http://, https://, ftp:// or file:/// URL without whitespace, of a .tar.xz, .tar.gz or .tar.bz2 file; got 5.',
            PYTHON_LINKS % '[1]',
        ),
    ),
    (
        'venv_path_and_python',
        'virtualenv',
        {'virtualenv_envs': [dict(ENV, path='venv', python='/usr/bin/python3 -c x')]},
        joined(
            VENV_PATHS % '["venv"]',
            'virtualenv_envs: each python must be the absolute path of an interpreter (letters, digits and . _ ~ + @ -); got ["/usr/bin/python3 -c x"].',
        ),
    ),
    (
        'venv_wrapper_user_and_profile',
        'virtualenv',
        {'virtualenv_wrapper_user': 'deploy user', 'virtualenv_wrapper_profile': '../../etc/profile'},
        joined(
            'virtualenv_wrapper_user must be a user name matching ^[a-z_][a-z0-9_-]{0,31}$; got "deploy user".',
            "virtualenv_wrapper_profile must be a file name relative to the user's home directory, such as .bashrc, without '..'; got \"../../etc/profile\".",
        ),
    ),
    (
        'venv_wrapper_user_number',
        'virtualenv',
        {'virtualenv_wrapper_user': 5},
        'virtualenv_wrapper_user must be a user name matching ^[a-z_][a-z0-9_-]{0,31}$; got 5.',
    ),
    (
        'django_socket_and_port',
        'django',
        {'django_db_socket': 'mysqld.sock', 'django_redis_port': 0},
        joined(DJANGO_SOCKETS % ('"mysqld.sock"', '""'), 'django_redis_port must be a port number from 1 to 65535; got 0.'),
    ),
    (
        'django_host_and_password',
        'django',
        {'django_redis_host': '::1', 'django_redis_password': 'another pass word'},
        joined(
            'django_redis_host must be empty (the unix socket), a host name, an IPv4 address or a bracketed IPv6 address; got "::1".',
            DJANGO_PASSWORD,
        ),
    ),
    (
        'django_wrong_types',
        'django',
        {'django_db_socket': 5, 'django_redis_password': 5},
        joined(
            DJANGO_SOCKETS % ('5', '""'),
            'django_redis_password must be empty or text without whitespace, quotes, backslashes or control characters: it is not a string.',
        ),
    ),
]

# (host name, role, variables) that must pass: each role's defaults, and other good values.
GOOD = [
    ('good_nginx_defaults', 'nginx', {}),
    (
        'good_nginx_tuned',
        'nginx',
        {
            'nginx_worker_processes': 4,
            'nginx_worker_connections': '4096',
            'nginx_keepalive_timeout': 0,
            'nginx_listen_ipv6': True,
            'nginx_static_expires': 'modified -1h30m',
        },
    ),
    ('good_nginx_expires_time_of_day', 'nginx', {'nginx_static_expires': '@15h30m', 'nginx_worker_processes': '8'}),
    ('good_nginx_expires_max', 'nginx', {'nginx_static_expires': 'max'}),
    (
        'good_nginx_source',
        'nginx',
        dict(
            NGINX_SOURCE,
            nginx_source_modules=['http_ssl_module', 'http_xslt_module=dynamic', 'threads'],
            nginx_source_configure_options=['--with-cc-opt=-O2 -g'],
            nginx_source_url='file:///srv/mirror/nginx-1.26.3.tar.gz',
        ),
    ),
    ('good_uwsgi_defaults', 'uwsgi', {}),
    ('good_uwsgi_group', 'uwsgi', {'uwsgi_socket_group': 'www-data', 'uwsgi_remove_undeclared': True}),
    ('good_uwsgi_operations', 'uwsgi', {'uwsgi_log_max_size': '1G', 'uwsgi_log_keep': '30', 'uwsgi_stats_group': 'monitoring'}),
    ('good_nginx_status_off', 'nginx', {'nginx_status': False, 'nginx_status_group': 'prometheus'}),
    ('good_mysql_defaults', 'mysql57', {}),
    (
        'good_mysql_custom',
        'mysql57',
        {
            'mysql57_bind_address': '::1',
            'mysql57_root_password': 'a "quoted" \\ pass word',
            'mysql57_port': '3307',
            'mysql57_collation': 'utf8mb4_0900_ai_ci',
            'mysql57_app_privileges': ['SELECT', 'CREATE VIEW'],
        },
    ),
    ('good_mysql_host_name', 'mysql57', {'mysql57_bind_address': 'db1.example.com', 'mysql57_character_set': 'binary', 'mysql57_collation': 'binary'}),
    ('good_redis_defaults', 'redis', {}),
    (
        'good_redis_custom',
        'redis',
        {
            'redis_bind': ['127.0.0.1', '-::1', '::ffff:10.0.0.1', '*'],
            'redis_port': 0,
            'redis_save': '',
            'redis_maxmemory': '1GB',
            'redis_maxmemory_policy': 'volatile-ttl',
            'redis_databases': 64,
            'redis_socket_path': '/run/redis-socket/cache/redis.sock',
            'redis_appendonly': True,
        },
    ),
    ('good_redis_source', 'redis', dict(REDIS_SOURCE, redis_source_make_options=['BUILD_TLS=yes'], redis_maxmemory=0, redis_source_systemd=False)),
    ('good_python_defaults', 'python3', {}),
    (
        'good_python_pip',
        'python3',
        {
            'python3_pip_index_url': 'https://pypi.example.com/simple/',
            'python3_pip_config_scope': 'user',
            'python3_pip_trusted_hosts': ['pypi.example.com', '10.0.0.1:8080', '[::1]:3141'],
            'python3_pip_config_user': 'deploy',
        },
    ),
    (
        'good_python_source',
        'python3',
        dict(
            PYTHON_SOURCE,
            python3_source_links=['python3.13', 'pip3.13'],
            python3_source_optimizations=True,
            python3_source_configure_options=['--with-openssl=/opt/ssl', 'CFLAGS=-O2 -g'],
        ),
    ),
    ('good_virtualenv_defaults', 'virtualenv', {}),
    # The wrapper's settings count only with a virtualenv_wrapper_user.
    ('good_virtualenv_wrapper_unset', 'virtualenv', {'virtualenv_wrapper_profile': '../x', 'virtualenv_wrapper_packages': []}),
    (
        'good_virtualenv_envs',
        'virtualenv',
        {
            'virtualenv_envs': [
                dict(ENV, requirements=['/srv/shop/src/requirements.txt'], packages=['pyuwsgi==2.0.30', 'django>=5.2,<6']),
                dict(ENV, path='/srv/blog/venv', python='/opt/python/3.13.5/bin/python3.13'),
            ],
            'virtualenv_wrapper_user': 'deploy',
            'virtualenv_wrapper_workon_home': '$HOME/.virtualenvs',
            'virtualenv_wrapper_profile': '.config/bash/rc',
        },
    ),
    # The source scenario's settings (molecule/source/molecule.yml), with a Debian mirror.
    (
        'good_molecule_source_python',
        'python3',
        {
            'python3_install_method': 'source',
            'python3_source_version': '3.13.5',
            'python3_source_url': MIRROR + '/pool/main/p/python3.13/python3.13_3.13.5.orig.tar.xz',
            'python3_source_sha256': '93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640',
            'python3_source_links': ['python3.13', 'pip3.13'],
            'python3_pip_index_url': 'https://pypi.org/simple',
        },
    ),
    (
        'good_molecule_source_nginx',
        'nginx',
        {
            'nginx_install_method': 'source',
            'nginx_source_version': '1.26.3',
            'nginx_source_url': MIRROR + '/pool/main/n/nginx/nginx_1.26.3.orig.tar.gz',
            'nginx_source_sha256': '69ee2b237744036e61d24b836668aad3040dda461fe6f570f1787eab570c75aa',
        },
    ),
    (
        'good_molecule_source_redis',
        'redis',
        {
            'redis_requirepass': 'molecule-source-redis-pass-51c0e7',
            'redis_install_method': 'source',
            'redis_source_version': '8.0.2',
            'redis_source_url': MIRROR + '/pool/main/r/redis/redis_8.0.2.orig.tar.gz',
            'redis_source_sha256': 'caf3c0069f06fc84c5153bd2a348b204c578de80490c73857bee01d9b5d7401f',
        },
    ),
    ('good_django_defaults', 'django', {}),
    (
        'good_django_tcp',
        'django',
        {
            'django_redis_host': '[::1]',
            'django_redis_password': 'Redis-pass-0123456789%/',
            'django_redis_port': '6380',
            'django_uwsgi_package': 'uWSGI[ssl]>=2.0,<2.1',
            'django_app_secrets': {'shop': {'DJANGO_SECRET_KEY': 'k'}},
        },
    ),
    (
        'good_django_sockets',
        'django',
        {
            'django_db_socket': '/run/mysqld/mysqld.sock',
            'django_redis_socket': '/run/redis-socket/redis.sock',
            'django_redis_group': 'redis-clients',
            'django_redis_host': 'cache.example.com',
        },
    ),
]

# Values that must never show up in the output: secrets.
SECRETS = [
    'secret\nsocket = /tmp/x',
    'secret\x00more',
    'Redis-pass-0123456789\nrename-command',
    "Redis-pass-0123456789'",
    'pass word',
    'password\nDJANGO_DEBUG=1',
    'a "quoted" \\ pass word',
]


def _ansible_playbook():
    for candidate in (PROJECT / '.venv' / 'bin' / 'ansible-playbook', shutil.which('ansible-playbook')):
        if candidate and os.access(str(candidate), os.X_OK):
            return pathlib.Path(candidate)
    pytest.fail('ansible-playbook is missing: run `make venv` (it creates .venv with the pinned tools) or put ansible-playbook on PATH')
    return None  # not reached


def _host_vars(role, variables, python):
    host_vars = dict(BASE_VARS.get(role, {}))
    host_vars.update(variables)
    host_vars = {key: value for key, value in host_vars.items() if value is not DROP}
    host_vars.update(webstack_test_role=role, ansible_connection='local', ansible_python_interpreter=str(python))
    return host_vars


@pytest.fixture(scope='module')
def outcome(tmp_path_factory):
    """Run every case in one ansible-playbook; map each host to its failure message, or None when it passed."""
    playbook_cmd = _ansible_playbook()
    python = playbook_cmd.parent / 'python'
    if not python.exists():
        python = pathlib.Path(shutil.which('python3') or 'python3')
    hosts = {}
    for name, role, variables, *_rest in BAD + GOOD:
        assert name not in hosts, 'duplicate case %s' % name
        hosts[name] = _host_vars(role, variables, python)
    work = tmp_path_factory.mktemp('validate')
    inventory = work / 'inventory.yml'
    inventory.write_text(json.dumps({'all': {'hosts': hosts}}, indent=1))  # JSON is YAML
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(PROJECT / 'ansible.cfg'),
        ANSIBLE_COLLECTIONS_PATH=str(PROJECT / '.collections'),
        ANSIBLE_ROLES_PATH=str(PROJECT / 'roles'),
        ANSIBLE_STDOUT_CALLBACK='ansible.posix.json',
        ANSIBLE_LOCAL_TEMP=str(work / 'tmp'),
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_FORCE_COLOR='0',
        ANSIBLE_RETRY_FILES_ENABLED='0',
    )
    proc = subprocess.run(
        [str(playbook_cmd), '-i', str(inventory), str(PLAYBOOK)],
        cwd=str(PROJECT),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        pytest.fail('ansible-playbook printed no JSON report (rc %d):\n%s\n%s' % (proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:]))
    results = {}
    for play in report['plays']:
        for task in play['tasks']:
            for host, result in task['hosts'].items():
                if result.get('failed') or result.get('unreachable'):
                    results.setdefault(host, result.get('msg'))
                elif task['task']['name'].endswith('Report the host\'s variables as valid'):
                    results.setdefault(host, None)
    return {'results': results, 'stdout': proc.stdout, 'stderr': proc.stderr}


def test_enough_cases():
    assert len(BAD) >= 45
    assert {case[1] for case in BAD} == set(ROLES)
    assert {case[1] for case in GOOD} == set(ROLES)


@pytest.mark.parametrize(('host', 'role', 'variables', 'message'), BAD, ids=[case[0] for case in BAD])
def test_wrong_value_fails_with_its_message(outcome, host, role, variables, message):
    results = outcome['results']
    assert host in results, 'no result for %s:\n%s' % (host, outcome['stderr'][-3000:])
    assert results[host] == message


@pytest.mark.parametrize(('host', 'role', 'variables'), GOOD, ids=[case[0] for case in GOOD])
def test_good_values_pass(outcome, host, role, variables):
    results = outcome['results']
    assert host in results, 'no result for %s:\n%s' % (host, outcome['stderr'][-3000:])
    assert results[host] is None, 'failed: %s' % results[host]


def test_secrets_are_never_shown(outcome):
    output = outcome['stdout'] + outcome['stderr']
    for secret in SECRETS:
        for shown in (secret, json.dumps(secret)[1:-1]):
            assert shown not in output, 'a secret value is shown in the output'


# Static checks.


def _load(path):
    return yaml.safe_load(path.read_text())


def _tasks(tasks):
    for task in tasks:
        yield task
        for key in ('block', 'rescue', 'always'):
            yield from _tasks(task.get(key) or [])


def _validate_tasks(path):
    """The tasks of a validate file and of the validate-*.yml files it includes, which follow the same rules, with their file."""
    text = path.read_text()
    for forbidden in ('ansible_facts', 'hostvars', 'lookup(', 'query(', 'delegate_to', 'set_fact', 'import'):
        assert forbidden not in text, '%s uses %s' % (path, forbidden)
    for task in _tasks(_load(path)):
        included = task.get('ansible.builtin.include_tasks')
        if included is not None:
            assert re.fullmatch(r'validate-[a-z]+[.]yml', included) and set(task) == {'name', 'ansible.builtin.include_tasks', 'when'}, task
            yield from _validate_tasks(path.parent / included)
        else:
            yield path, task


def _checks(task, args):
    """The list of {ok, msg} checks an assert evaluates at once (a task var named in its `that`), or None."""
    names = [name for name in task.get('vars') or {} if name.endswith('_checks') and name in str(args.get('that'))]
    assert len(names) <= 1, task['name']
    return task['vars'][names[0]] if names else None


@pytest.mark.parametrize('role', ROLES)
def test_validate_tasks_are_asserts_only(role):
    """No facts, no connection to the host, no change: asserts (or fail) only, each with its own message.

    Each file holds one assert (every task costs the site playbook's first play a round for every host): a list of
    checks {ok, msg}, each message naming its variable, and the messages of the failed ones as fail_msg.
    """
    asserts = {}
    for path, task in _validate_tasks(PROJECT / 'roles' / role / 'tasks' / 'validate.yml'):
        keys = set(task) - {'name', 'vars', 'when'}
        assert task.get('name'), task
        if 'block' in task:
            assert keys == {'block'}, task
            continue
        (action,) = keys
        assert action in ('ansible.builtin.assert', 'ansible.builtin.fail'), '%s: %s' % (task['name'], action)
        args = task[action]
        if action == 'ansible.builtin.assert':
            asserts[path.name] = asserts.get(path.name, 0) + 1
            assert args.get('quiet') is True, task['name']
        checks = _checks(task, args)
        messages = [args.get('fail_msg') or args.get('msg')] if checks is None else [check.get('msg') for check in checks]
        if checks is not None:
            assert checks and all(set(check) == {'ok', 'msg'} for check in checks), task['name']
            assert all(re.fullmatch(r'\{\{.*\}\}', check['ok'], re.DOTALL) for check in checks), task['name']
        for message in messages:
            assert message and re.search(r'\b%s_' % role, message), '%s: the message must name a variable' % task['name']
    assert asserts and set(asserts.values()) == {1}, 'one assert per file: %s' % asserts


def _specs(role):
    return _load(PROJECT / 'roles' / role / 'meta' / 'argument_specs.yml')['argument_specs']


@pytest.mark.parametrize('role', ROLES)
def test_validate_entry_point_has_the_main_options(role):
    specs = _specs(role)
    expected = dict(specs['main']['options'])
    if role == 'virtualenv':
        expected.update(specs['wrapper']['options'])
        expected['virtualenv_wrapper_user'] = dict(expected['virtualenv_wrapper_user'], default='')
        del expected['virtualenv_wrapper_user']['required']
        assert {k: v for k, v in specs['validate']['options']['virtualenv_wrapper_user'].items() if k != 'description'} == {
            k: v for k, v in expected['virtualenv_wrapper_user'].items() if k != 'description'
        }
        expected['virtualenv_wrapper_user'] = specs['validate']['options']['virtualenv_wrapper_user']
    assert specs['validate']['options'] == expected


@pytest.mark.parametrize('role', ROLES)
def test_argument_specs_match_the_defaults(role):
    """Every variable of defaults/main.yml has an option, with the same default; secrets are no_log."""
    defaults = _load(PROJECT / 'roles' / role / 'defaults' / 'main.yml') or {}
    options = {}
    for name, entry in _specs(role).items():
        if name != 'validate':
            options.update(entry['options'])
    assert set(defaults) <= set(options), 'options missing from the argument spec: %s' % sorted(set(defaults) - set(options))
    for name, option in options.items():
        assert option.get('type'), '%s has no type' % name
        assert option.get('description'), '%s has no description' % name
        if re.search('password|secret|requirepass', name):
            assert option.get('no_log') is True, '%s must be no_log' % name
        if name in defaults and 'default' in option:
            assert option['default'] == defaults[name], name
        elif name not in defaults:
            assert option.get('required') or 'default' not in option, '%s: a default the role does not have' % name


def _validate_vars(role):
    return _load(PROJECT / 'roles' / role / 'tasks' / 'validate.yml')[0]['vars']


def test_ip_patterns_agree_with_ipaddress():
    """The IPv4 and IPv6 patterns (the same in every role) accept what Python's ipaddress accepts, nothing else."""
    found = {role: _validate_vars(role) for role in ('mysql57', 'redis', 'python3', 'django')}
    ipv4 = {v['__%s_re_ipv4' % role] for role, v in found.items()}
    ipv6 = {v['__%s_re_ipv6' % role] for role, v in found.items()}
    assert len(ipv4) == 1 and len(ipv6) == 1, 'the roles disagree on the IP address patterns'
    ipv4_re, ipv6_re = re.compile(ipv4.pop()), re.compile(ipv6.pop())
    rng = random.Random(8)
    samples = [
        '::',
        '::1',
        '1::',
        '1:2:3:4:5:6:7:8',
        '1:2:3:4:5:6:7::',
        '::2:3:4:5:6:7:8',
        '::ffff:127.0.0.1',
        'fe80::1',
        '1:2:3:4:5:6:7:8:9',
        ':::',
        '1:::2',
        '1::2::3',
        '1::2:3:4:5:6:7:8',
        '12345::',
        '::ffff:1.2.3.256',
        '',
        '::1\n',
        '0.0.0.0',
        '255.255.255.255',
        '256.1.1.1',
        '01.1.1.1',
        '1.1.1',
        '1.1.1.1\n',
        ' 1.1.1.1',
    ]
    for _round in range(20000):
        samples.append(''.join(rng.choice('0123456789abcdefABCDEF:.') for _char in range(rng.randint(1, 40))))
        samples.append('.'.join(str(rng.randint(0, 300)) for _octet in range(4)))
        address = ipaddress.IPv6Address(rng.getrandbits(128) & rng.choice([2**128 - 1, 0xFFFF, (2**128 - 1) ^ (0xFFFFFFFF << 32)]))
        samples += [str(address), address.exploded.upper(), '::ffff:%s' % ipaddress.IPv4Address(rng.getrandbits(32))]
    for sample in samples:
        for pattern, parse in ((ipv4_re, ipaddress.IPv4Address), (ipv6_re, ipaddress.IPv6Address)):
            try:
                parse(sample)
                valid = True
            except ValueError:
                valid = False
            if pattern.fullmatch(sample):
                assert valid, '%r is accepted but is no address' % sample
            # Of the IPv6 forms with an embedded IPv4 address, only ::ffff:a.b.c.d and ::a.b.c.d are accepted.
            elif valid and (parse is ipaddress.IPv4Address or '.' not in sample):
                pytest.fail('%r is an address but is refused' % sample)
