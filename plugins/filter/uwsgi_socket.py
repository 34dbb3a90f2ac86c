# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The uwsgi_socket filter: what uWSGI binds for an app (docs: uwsgi_socket.yml)."""

from __future__ import annotations

from ansible_collections.webstack.django.plugins.plugin_utils.apps import normalize_app


def uwsgi_socket(app):
    """The value of uWSGI's socket option: the unix socket path, or HOST:PORT."""
    return normalize_app(app)['uwsgi_socket']


class FilterModule(object):
    """webstack.django.uwsgi_socket"""

    def filters(self):
        return {'uwsgi_socket': uwsgi_socket}
