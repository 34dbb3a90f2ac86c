# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The django_apps filter: validate and complete the app declarations (docs: django_apps.yml)."""

from __future__ import annotations

from ansible_collections.webstack.django.plugins.plugin_utils.apps import (
    DEFAULT_DATA_DIRS,
    DEFAULT_REDIS_DATABASES,
    normalize_apps,
)


def django_apps(apps, redis_databases=DEFAULT_REDIS_DATABASES, data_dirs=DEFAULT_DATA_DIRS):
    """The normalized apps, each with its env, in input order."""
    return normalize_apps(apps, redis_databases, data_dirs)


class FilterModule(object):
    """webstack.django.django_apps"""

    def filters(self):
        return {'django_apps': django_apps}
