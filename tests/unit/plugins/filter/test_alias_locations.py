# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The alias_locations filter: nginx location/alias pairs for static and media files."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.webstack.django.plugins.filter.alias_locations import FilterModule
from ansible_collections.webstack.django.plugins.filter.django_apps import django_apps

alias_locations = FilterModule().filters()['alias_locations']


def test_defaults():
    assert alias_locations({'name': 'demo', 'src': 'x'}) == [
        {'kind': 'static', 'location': '/static/', 'alias': '/srv/demo/static/'},
        {'kind': 'media', 'location': '/media/', 'alias': '/srv/demo/media/'},
    ]


def test_custom_values_get_one_trailing_slash_and_normalized_input_agrees():
    decl = {
        'name': 'demo',
        'src': 'x',
        'static_url': '/assets',
        'media_url': '/u/files/',
        'static_root': '/var/www/demo/static',
        'media_root': '/var/www/demo-media/',
    }
    expected = [
        {'kind': 'static', 'location': '/assets/', 'alias': '/var/www/demo/static/'},
        {'kind': 'media', 'location': '/u/files/', 'alias': '/var/www/demo-media/'},
    ]
    assert alias_locations(decl) == expected
    assert alias_locations(django_apps([decl])[0]) == expected


def test_media_inside_the_code_is_refused():
    with pytest.raises(AnsibleFilterError) as excinfo:
        alias_locations({'name': 'demo', 'src': 'x', 'media_root': '/srv/demo/current/src/media'})
    assert str(excinfo.value) == (
        "app 'demo': media_root must not be inside releases_dir '/srv/demo/releases' or current_dir: each deploy builds a new release "
        "and old releases are deleted, so the uploads would be lost; media must live outside them (the default is '/srv/demo/media'), "
        "got '/srv/demo/current/src/media'"
    )
