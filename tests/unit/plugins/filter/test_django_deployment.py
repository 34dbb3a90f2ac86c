# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The django_deployment filter: the one call per host that hands the roles apps and secrets apart."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.webstack.django.plugins.filter.django_deployment import FilterModule

django_deployment = FilterModule().filters()['django_deployment']
SECRET = 'hunter2-TOPSECRET'
DECLS = [
    {
        'name': 'shop',
        'git': 'https://git.example.com/shop.git',
        'version': 'v1.4.2',
        'database': {'password': SECRET},
        'env': {'DJANGO_SECRET_KEY': SECRET + '-key'},
        'cache': {'db': 1},
    },
    {'name': 'blog', 'src': 'files/blog', 'socket': '10.0.0.5:8001'},
]


def test_apps_carry_no_env_and_no_secret():
    result = django_deployment(DECLS)
    assert [app['name'] for app in result['apps']] == ['shop', 'blog']
    assert [('env' in app) for app in result['apps']] == [False, False]
    assert SECRET not in repr(result['apps'])
    assert result['apps'][0]['database'] == {'name': 'shop', 'user': 'shop', 'host': None, 'port': 3306, 'client_host': 'localhost'}
    assert result['apps'][1]['nginx_upstream'] == '10.0.0.5:8001'


def test_secrets_are_keyed_by_app_name():
    assert django_deployment(DECLS)['secrets'] == {
        'shop': {'DJANGO_SECRET_KEY': SECRET + '-key', 'DJANGO_DB_PASSWORD': SECRET},
        'blog': {},
    }


def test_keyword_arguments_and_errors():
    assert django_deployment([DECLS[1]], redis_databases=1, data_dirs=[])['secrets'] == {'blog': {}}
    with pytest.raises(AnsibleFilterError) as excinfo:
        django_deployment(DECLS, redis_databases=1)
    assert str(excinfo.value) == "app 'shop': cache.db must be below redis_databases (1, the number of databases the Redis server has), got 1"
    with pytest.raises(AnsibleFilterError) as excinfo:
        django_deployment(None)
    assert str(excinfo.value) == 'webstack_apps must be a list of app declarations, got null'


def test_a_declared_secret_key_is_only_in_the_secrets():
    key = 'Zq3vTENDnW0b1mR7fX9kLp2sY8cH4uJ6gA5eV_-oQiKxMtBzrUyd'
    result = django_deployment([{'name': 'blog', 'src': 'files/blog', 'secret_key': key}])
    assert result['secrets'] == {'blog': {'DJANGO_SECRET_KEY': key}}
    assert 'secret_key' not in result['apps'][0]
    assert key not in repr(result['apps'])
