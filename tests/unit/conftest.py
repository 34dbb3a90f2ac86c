# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Make the collection importable when pytest runs straight from the repository.

ansible-test puts the collection on sys.path itself; there, the import below
succeeds and nothing is changed.  In a plain checkout, the committed symlink
.collections/ansible_collections/webstack/django points at the repository root.
"""

from __future__ import annotations

import importlib
import os
import sys


def _collection_importable():
    try:
        importlib.import_module('ansible_collections.webstack.django')
    except ImportError:
        return False
    return True


if not _collection_importable():
    _COLLECTIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir, '.collections')
    sys.path.insert(0, os.path.normpath(_COLLECTIONS))
    importlib.invalidate_caches()

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # hypothesis is only needed by the property-based tests
    pass
else:
    # Modest example counts keep the suite at a few seconds; HYPOTHESIS_PROFILE=default restores hypothesis' own.
    settings.register_profile('webstack', max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile(os.environ.get('HYPOTHESIS_PROFILE', 'webstack'))
