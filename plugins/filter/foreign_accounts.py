# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.webstack.django.plugins.plugin_utils.accounts import foreign_accounts


class FilterModule(object):
    """Existing accounts that app declarations would take over."""

    def filters(self):
        return {'foreign_accounts': foreign_accounts}
