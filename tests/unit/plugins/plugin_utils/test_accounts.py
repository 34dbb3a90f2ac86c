# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.webstack.django.plugins.plugin_utils.accounts import ACCOUNT_COMMENT, foreign_accounts

APP = {'name': 'shop', 'user': 'shop', 'group': 'shop', 'root': '/srv/shop'}
OURS = ['x', '998', '997', ACCOUNT_COMMENT + 'shop', '/srv/shop', '/usr/sbin/nologin']
BASE_PASSWD = {'root': ['x', '0', '0', 'root', '/root', '/bin/bash'], 'mail': ['x', '8', '8', 'mail', '/var/mail', '/usr/sbin/nologin']}
BASE_GROUP = {'root': ['x', '0', ''], 'mail': ['x', '8', ''], 'www-data': ['x', '33', '']}


def check(app=None, passwd=None, group=None):
    return foreign_accounts([dict(APP, **(app or {}))], dict(BASE_PASSWD, **(passwd or {})), dict(BASE_GROUP, **(group or {})))


def test_a_fresh_host_has_nothing_to_take_over():
    assert check() == []


def test_the_apps_own_accounts_are_accepted():
    assert check(passwd={'shop': OURS}, group={'shop': ['x', '997', '']}) == []


def test_accounts_made_before_the_marker_are_recognised_by_their_home():
    legacy = ['x', '998', '997', '', '/srv/shop', '/usr/sbin/nologin']
    assert check(passwd={'shop': legacy}, group={'shop': ['x', '997', '']}) == []


@pytest.mark.parametrize(
    'app, message',
    [
        ({'user': 'mail'}, "app 'shop': user 'mail' already exists (uid 8, home /var/mail) and was not created for this app"),
        ({'group': 'www-data'}, "app 'shop': group 'www-data' already exists (gid 33) and is not the primary group of the app's user"),
    ],
)
def test_system_accounts_are_refused(app, message):
    assert check(app=app) == [message]


def test_a_persons_account_with_the_apps_name_is_refused():
    person = ['x', '1000', '1000', 'Shop Keeper', '/home/shop', '/bin/bash']
    assert check(passwd={'shop': person}, group={'shop': ['x', '1000', '']}) == [
        "app 'shop': user 'shop' already exists (uid 1000, home /home/shop) and was not created for this app",
        "app 'shop': group 'shop' already exists (gid 1000) and is not the primary group of the app's user",
    ]


def test_uid_0_is_never_the_apps_own_even_with_the_marker():
    toor = ['x', '0', '0', ACCOUNT_COMMENT + 'shop', '/srv/shop', '/bin/sh']
    assert check(passwd={'shop': toor}) == ["app 'shop': user 'shop' already exists (uid 0, home /srv/shop) and was not created for this app"]


def test_a_group_left_without_its_user_is_refused():
    assert check(group={'shop': ['x', '997', '']}) == ["app 'shop': group 'shop' already exists (gid 997) and is not the primary group of the app's user"]


def test_the_apps_user_in_another_primary_group_does_not_own_the_group():
    assert check(passwd={'shop': OURS}, group={'shop': ['x', '1234', '']}) == [
        "app 'shop': group 'shop' already exists (gid 1234) and is not the primary group of the app's user"
    ]
