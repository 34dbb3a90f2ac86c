# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The nginx_upstream filter: where nginx connects, for raw and normalized apps."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.webstack.django.plugins.filter.django_apps import django_apps
from ansible_collections.webstack.django.plugins.filter.nginx_upstream import FilterModule

nginx_upstream = FilterModule().filters()['nginx_upstream']


@pytest.mark.parametrize(
    'decl, expected',
    [
        ({'name': 'demo', 'src': 'x'}, 'unix:/run/uwsgi-demo/demo.sock'),
        ({'name': 'api', 'src': 'x', 'socket': '10.0.0.5:8001'}, '10.0.0.5:8001'),
        ({'name': 'api', 'src': 'x', 'socket': 'App.Example.COM:8001'}, 'app.example.com:8001'),
        ({'name': 'api', 'src': 'x', 'socket': '0.0.0.0:8001', 'public_socket': True}, '127.0.0.1:8001'),
        ({'name': 'api', 'src': 'x', 'socket': '[::]:8001', 'public_socket': True}, '[::1]:8001'),
    ],
)
def test_raw_and_normalized_apps(decl, expected):
    assert nginx_upstream(decl) == expected
    assert nginx_upstream(django_apps([decl])[0]) == expected


def test_normalized_app_stripped_of_its_database_password_is_refused():
    normalized = django_apps([{'name': 'shop', 'src': 'x', 'database': {'password': 'pw'}}])[0]
    with pytest.raises(AnsibleFilterError) as excinfo:
        nginx_upstream(dict(normalized, env={}))
    assert str(excinfo.value) == "app 'shop': database.password is required (or env DJANGO_DB_PASSWORD)"
