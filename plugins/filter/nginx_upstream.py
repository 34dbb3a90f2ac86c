# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The nginx_upstream filter: where nginx passes an app's requests (docs: nginx_upstream.yml)."""

from __future__ import annotations

from ansible_collections.webstack.django.plugins.plugin_utils.apps import normalize_app


def nginx_upstream(app):
    """The address for uwsgi_pass: unix:<socket path>, or HOST:PORT (a wildcard bind becomes loopback)."""
    return normalize_app(app)['nginx_upstream']


class FilterModule(object):
    """webstack.django.nginx_upstream"""

    def filters(self):
        return {'nginx_upstream': nginx_upstream}
