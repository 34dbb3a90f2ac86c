# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The uwsgi_socket filter: what uWSGI binds, for raw and normalized apps."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.webstack.django.plugins.filter.django_apps import django_apps
from ansible_collections.webstack.django.plugins.filter.uwsgi_socket import FilterModule

uwsgi_socket = FilterModule().filters()['uwsgi_socket']


@pytest.mark.parametrize(
    'decl, expected',
    [
        ({'name': 'demo', 'src': 'x'}, '/run/uwsgi-demo/demo.sock'),
        ({'name': 'shop_2', 'src': 'x', 'socket': 'unix'}, '/run/uwsgi-shop_2/shop_2.sock'),
        ({'name': 'api', 'src': 'x', 'socket': 'LocalHost:08001'}, 'localhost:8001'),
        ({'name': 'api', 'src': 'x', 'socket': '[0:0::1]:8001'}, '[::1]:8001'),
        ({'name': 'api', 'src': 'x', 'socket': '0.0.0.0:8001', 'public_socket': True}, '0.0.0.0:8001'),
    ],
)
def test_raw_and_normalized_apps(decl, expected):
    assert uwsgi_socket(decl) == expected
    assert uwsgi_socket(django_apps([decl])[0]) == expected


def test_invalid_app_is_refused():
    with pytest.raises(AnsibleFilterError) as excinfo:
        uwsgi_socket({'name': 'api', 'src': 'x', 'socket': '0.0.0.0:8001'})
    assert str(excinfo.value) == (
        "app 'api': socket must not bind a wildcard address unless public_socket is true: the uwsgi protocol has no authentication and lets "
        "its peer run code, so bind a loopback or private address, or set public_socket: true if a firewall protects it, got '0.0.0.0:8001'"
    )
