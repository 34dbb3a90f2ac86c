# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The alias_locations filter: nginx location/alias pairs for static and media files (docs: alias_locations.yml)."""

from __future__ import annotations

from ansible_collections.webstack.django.plugins.plugin_utils import apps


def alias_locations(app):
    """[{kind: static, location, alias}, {kind: media, location, alias}]."""
    return apps.alias_locations(apps.normalize_app(app))


class FilterModule(object):
    """webstack.django.alias_locations"""

    def filters(self):
        return {'alias_locations': alias_locations}
