# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which existing accounts an app declaration would take over on a host.

The django role creates each app's user and group and rewrites their home, shell and
primary group. It may only do that to accounts it made itself: those carry
``ACCOUNT_COMMENT + app name`` in the GECOS field, or (made before the marker existed)
have the app's root as their home.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

ACCOUNT_COMMENT = 'webstack.django app '

# getent's fields after the name: passwd (password, uid, gid, gecos, home, shell), group (password, gid, members).
_UID, _GID, _GECOS, _HOME = 1, 2, 3, 4
_GROUP_GID = 1


def _owned_user(app: Mapping, entry: Sequence | None) -> bool:
    return entry is not None and str(entry[_UID]) != '0' and (entry[_GECOS] == ACCOUNT_COMMENT + app['name'] or entry[_HOME] == app['root'])


def foreign_accounts(apps: Iterable[Mapping], passwd: Mapping[str, Sequence], group: Mapping[str, Sequence]) -> list[str]:
    """Describe every existing account that ``apps`` would take over (empty when none).

    ``passwd`` and ``group`` are getent's databases as ``ansible.builtin.getent`` returns them.
    """
    problems = []
    for app in apps:
        user = passwd.get(app['user'])
        if user is not None and not _owned_user(app, user):
            problems.append(
                "app '%s': user '%s' already exists (uid %s, home %s) and was not created for this app" % (app['name'], app['user'], user[_UID], user[_HOME])
            )
        found = group.get(app['group'])
        if found is None:
            continue
        if not _owned_user(app, user) or str(user[_GID]) != str(found[_GROUP_GID]):
            problems.append(
                "app '%s': group '%s' already exists (gid %s) and is not the primary group of the app's user" % (app['name'], app['group'], found[_GROUP_GID])
            )
    return problems
