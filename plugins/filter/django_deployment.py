# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The django_deployment filter: the normalized apps without env, and the envs apart (docs: django_deployment.yml)."""

from __future__ import annotations

from ansible_collections.webstack.django.plugins.plugin_utils.apps import (
    DEFAULT_DATA_DIRS,
    DEFAULT_REDIS_DATABASES,
    deployment,
)


def django_deployment(apps, redis_databases=DEFAULT_REDIS_DATABASES, data_dirs=DEFAULT_DATA_DIRS):
    """{'apps': normalized apps without env, 'secrets': {app name: env}}."""
    return deployment(apps, redis_databases, data_dirs)


class FilterModule(object):
    """webstack.django.django_deployment"""

    def filters(self):
        return {'django_deployment': django_deployment}
