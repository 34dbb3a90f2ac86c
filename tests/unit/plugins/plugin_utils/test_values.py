# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The single-value validators shared by the app keys (one host validator for socket and database.host)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.webstack.django.plugins.plugin_utils import values

RULE = 'must be a host'


def error(func, *args, **kwargs):
    with pytest.raises(AnsibleFilterError) as excinfo:
        func(*args, **kwargs)
    return str(excinfo.value)


@pytest.mark.parametrize(
    'value, normalized',
    [
        ('127.0.0.1', '127.0.0.1'),
        ('0.0.0.0', '0.0.0.0'),
        ('Db1.Example.COM', 'db1.example.com'),
        ('localhost', 'localhost'),
        ('[::1]', '[::1]'),
        ('[2001:DB8:0:0::1]', '[2001:db8::1]'),
        ('[::FFFF:10.0.0.1]', '[::ffff:10.0.0.1]'),
    ],
)
def test_host_accepts_and_normalizes(value, normalized):
    assert values.host('x', 'k', value, RULE) == normalized


@pytest.mark.parametrize(
    'value, message',
    [
        ('999.1.1.1', "x: k has an invalid IPv4 address, got '999.1.1.1'"),
        ('1.2.3', "x: k has an invalid IPv4 address, got '1.2.3'"),
        ('01.2.3.4', "x: k has an invalid IPv4 address, got '01.2.3.4'"),
        ('[1::2::3]', "x: k has an invalid IPv6 address, got '[1::2::3]'"),
        ('[::1', "x: k must be a host, got '[::1'"),
        ('::1', "x: k must be a host, got '::1'"),
        ('exa_mple', "x: k must be a host, got 'exa_mple'"),
        ('-a.example', "x: k must be a host, got '-a.example'"),
        ('a..example', "x: k must be a host, got 'a..example'"),
        ('a' * 64 + '.com', "x: k must be a host, got '%s.com'" % ('a' * 64)),
        ('/run/mysqld.sock', "x: k must be a host, got '/run/mysqld.sock'"),
    ],
)
def test_host_refuses(value, message):
    assert error(values.host, 'x', 'k', value, RULE) == message


def test_host_paths_only_where_allowed():
    assert values.host('x', 'k', '/run/mysqld/mysqld.sock/', RULE, allow_path=True) == '/run/mysqld/mysqld.sock'
    assert error(values.host, 'x', 'k', '/run/my sql', RULE, allow_path=True) == (
        "x: k may only contain the characters A-Z a-z 0-9 . _ ~ / + @ -, got '/run/my sql'"
    )


def test_host_shows_the_whole_value_it_is_part_of():
    assert error(values.host, 'x', 'socket', '300.0.0.1', RULE, shown_value='300.0.0.1:80') == ("x: socket has an invalid IPv4 address, got '300.0.0.1:80'")


@pytest.mark.parametrize(
    'socket, address',
    [
        ('127.0.0.1:8001', ('127.0.0.1', 8001)),
        ('localhost:8001', ('127.0.0.1', 8001)),
        ('0.0.0.0:8001', ('*', 8001)),
        ('[::]:8001', ('*', 8001)),
        ('[::1]:8001', ('[::1]', 8001)),
        ('app.example.com:9', ('app.example.com', 9)),
    ],
)
def test_bound_address(socket, address):
    assert values.bound_address(socket) == address


@pytest.mark.parametrize(
    'value, words',
    [
        (5349, 'the integer 5349'),
        (False, 'the boolean False'),
        (True, 'the boolean True'),
        (1.1, 'the number 1.1'),
        (0, 'the integer 0'),
    ],
)
def test_yaml_reading(value, words):
    assert values.yaml_reading(value) == words


@pytest.mark.parametrize('text, words', [('a\nb', 'a newline'), ('a\rb\n', 'a carriage return'), ('\x00', 'a NUL character'), ('ab', None)])
def test_line_break_in(text, words):
    assert values.line_break_in(text) == words


@pytest.mark.parametrize(
    'path, directory, expected',
    [
        ('/srv/demo', '/srv', True),
        ('/srv', '/srv', True),
        ('/srvx', '/srv', False),
        ('/sr', '/srv', False),
    ],
)
def test_inside(path, directory, expected):
    assert values.inside(path, directory) is expected


@given(st.ip_addresses(v=4).map(str), st.integers(1, 65535))
def test_property_ipv4_sockets_round_trip(address, port):
    assert values.socket('x', '%s:%d' % (address, port)) == '%s:%d' % (address, port)


@given(st.ip_addresses(v=6), st.integers(1, 65535))
def test_property_ipv6_sockets_are_compressed(address, port):
    assert values.socket('x', '[%s]:%d' % (address.exploded, port)) == '[%s]:%d' % (address.compressed, port)
