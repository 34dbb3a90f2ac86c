# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The django_apps filter, looked up by its name the way Jinja does."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.webstack.django.plugins.filter import django_apps as django_apps_module
from ansible_collections.webstack.django.plugins.filter.django_apps import FilterModule
from ansible_collections.webstack.django.plugins.plugin_utils.apps import DERIVED_KEYS, INPUT_KEYS, SECRET_INPUT_KEYS, normalize_app

django_apps = FilterModule().filters()['django_apps']
SECRET = 'hunter2-TOPSECRET'


def error(*args, **kwargs):
    with pytest.raises(AnsibleFilterError) as excinfo:
        django_apps(*args, **kwargs)
    return str(excinfo.value)


def test_normalizes_the_list_and_keeps_env():
    result = django_apps(
        [{'name': 'shop', 'src': 'files/shop', 'server_names': ['*.shop.example'], 'env': {'DJANGO_SECRET_KEY': SECRET}, 'database': {'password': SECRET}}]
    )
    assert len(result) == 1
    shop = result[0]
    assert shop['env'] == {'DJANGO_SECRET_KEY': SECRET, 'DJANGO_DB_PASSWORD': SECRET}
    assert (shop['uwsgi_socket'], shop['nginx_upstream']) == ('/run/uwsgi-shop/shop.sock', 'unix:/run/uwsgi-shop/shop.sock')
    assert shop['allowed_hosts'] == ['.shop.example']
    assert shop['default_server'] is True
    assert 'socket_dir' not in shop


def test_keyword_arguments_reach_the_rules():
    decl = {'name': 'shop', 'src': 'x', 'cache': {'db': 20}, 'media_root': '/data/shop/media'}
    assert django_apps([decl], redis_databases=32, data_dirs=['/data'])[0]['cache'] == {'db': 20}
    assert error([decl]) == "app 'shop': media_root must be inside root '/srv/shop' or inside one of data_dirs ('/srv', '/var/www'), got '/data/shop/media'"
    assert error([decl], data_dirs=['/data']) == (
        "app 'shop': cache.db must be below redis_databases (16, the number of databases the Redis server has), got 20"
    )


@pytest.mark.parametrize('value, kind', [({'name': 'demo'}, 'a mapping'), ('demo', 'a string'), (None, 'null'), (3, 'a number')])
def test_requires_a_list(value, kind):
    assert error(value) == 'webstack_apps must be a list of app declarations, got ' + kind


def test_applies_the_list_rules():
    apps = [{'name': 'a', 'src': 'x', 'socket': '127.0.0.1:8001'}, {'name': 'b', 'src': 'x', 'socket': '0.0.0.0:8001', 'public_socket': True}]
    assert error(apps) == "app 'b': socket '0.0.0.0:8001' collides with socket '127.0.0.1:8001' of app 'a': a wildcard address binds every address on port 8001"


def test_is_idempotent():
    once = django_apps([{'name': 'a', 'git': 'https://git.example.com/a.git', 'version': 'HEAD'}, {'name': 'b', 'src': 'x', 'port': 8080}])
    assert django_apps(once) == once


def _documentation():
    return yaml.safe_load(Path(django_apps_module.__file__).with_suffix('.yml').read_text(encoding='utf-8'))


def test_the_documentation_names_every_key():
    doc = _documentation()
    documented = doc['DOCUMENTATION']['options']['_input']['suboptions']
    assert sorted(documented) == sorted(INPUT_KEYS + SECRET_INPUT_KEYS)
    assert set(DERIVED_KEYS) <= set(doc['RETURN']['_value']['contains'])


def test_the_documented_defaults_are_the_defaults():
    documented = _documentation()['DOCUMENTATION']['options']['_input']['suboptions']
    normalized = normalize_app({'name': 'demo', 'src': 'x'})
    defaults = {key: option['default'] for key, option in documented.items() if 'default' in option}
    assert 'health_status' in defaults and 'keep_releases' in defaults
    assert defaults == {key: normalized[key] for key in defaults}
