# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Validators for single values of an app declaration.

Each validator takes the app's label (for messages), the key being checked and
the value; it returns the normalized value or raises an ``AnsibleFilterError``
of the form ``<label>: <key> <rule>, got <value>``.  Nothing here knows about
apps as a whole: that is :mod:`.apps`.
"""

from __future__ import annotations

import ipaddress
import keyword
import re
from collections.abc import Mapping
from typing import Any, NoReturn

from ansible.errors import AnsibleFilterError

# All patterns are used with fullmatch(): '$' would also match before a
# trailing newline, which is exactly what must never slip into a config file.
NAME_RE = re.compile(r'[a-z][a-z0-9_-]{0,30}')
IDENT_RE = re.compile(r'[A-Za-z_][A-Za-z0-9_]*')
URL_CHARS_RE = re.compile(r'[A-Za-z0-9._~/-]+')
PATH_CHARS_RE = re.compile(r'[A-Za-z0-9._~/+@-]+')
_HOST_LABEL_RE = re.compile(r'[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?')
# Digits and dots only: an IPv4 address, or a name no DNS zone may hold.
NUMERIC_RE = re.compile(r'[0-9.]+')
_IPV4_OCTET = r'(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
_IPV4_RE = re.compile(r'%s(\.%s){3}' % (_IPV4_OCTET, _IPV4_OCTET))
_IPV6_CHARS_RE = re.compile(r'[0-9A-Fa-f:.]+')
_PORT_RE = re.compile(r'[0-9]{1,5}')
_WHITESPACE_RE = re.compile(r'\s')

LINE_BREAKING = ('\n', '\r', '\x00')
LINE_BREAK_WORDS = {'\n': 'a newline', '\r': 'a carriage return', '\x00': 'a NUL character'}

NAME_RULE = "must match ^[a-z][a-z0-9_-]{0,30}$ (a lowercase letter, then up to 30 lowercase letters, digits, '_' or '-')"
PATH_CHARS_TEXT = 'A-Z a-z 0-9 . _ ~ / + @ -'
URL_CHARS_TEXT = 'A-Z a-z 0-9 . _ ~ / -'


def shown(value: Any) -> str:
    """Render a rejected value for an error message (plain types, never containers' contents)."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, str):
        return repr(str(value))
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, float):
        return repr(float(value))
    return type_word(value)


def type_word(value: Any) -> str:
    """An article and a word for the type of ``value`` ('a string', 'a mapping', 'null')."""
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'a boolean'
    if isinstance(value, str):
        return 'a string'
    if isinstance(value, (int, float)):
        return 'a number'
    if isinstance(value, Mapping):
        return 'a mapping'
    if isinstance(value, (list, tuple)):
        return 'a list'
    return 'a value of type %s' % type(value).__name__


def yaml_reading(value: bool | int | float) -> str:
    """How YAML typed a scalar that should have been a string ('the integer 5349', 'the boolean False')."""
    if isinstance(value, bool):
        return 'the boolean %r' % value
    if isinstance(value, int):
        return 'the integer %d' % value
    return 'the number %r' % float(value)


def fail(message: str) -> NoReturn:
    raise AnsibleFilterError(message)


def reject(label: str, key: str, rule: str, value: Any) -> NoReturn:
    """Raise the error for a rejected value: "<label>: <key> <rule>, got <value>"."""
    raise AnsibleFilterError('%s: %s %s, got %s' % (label, key, rule, shown(value)))


def or_default(value: Any, default: Any) -> Any:
    """``default`` when ``value`` is null: a key set to null counts as not given."""
    return default if value is None else value


def require_str(label: str, key: str, value: Any) -> str:
    if not isinstance(value, str):
        reject(label, key, 'must be a string', value)
    return value


def require_int(label: str, key: str, value: Any, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        reject(label, key, 'must be an integer', value)
    if value < minimum or (maximum is not None and value > maximum):
        if maximum is None:
            reject(label, key, 'must be an integer >= %d' % minimum, value)
        reject(label, key, 'must be an integer between %d and %d' % (minimum, maximum), value)
    return int(value)


def require_bool(label: str, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        reject(label, key, 'must be a boolean', value)
    return bool(value)


def single_line(label: str, key: str, value: Any, allow_empty: bool = False) -> str:
    require_str(label, key, value)
    if not value and not allow_empty:
        reject(label, key, 'must not be empty', value)
    if any(char in value for char in LINE_BREAKING):
        reject(label, key, 'must not contain newline, carriage return or NUL characters', value)
    return value


def line_break_in(value: str) -> str | None:
    """The first line-breaking character of ``value`` in words, or None."""
    for char in value:
        if char in LINE_BREAK_WORDS:
            return LINE_BREAK_WORDS[char]
    return None


def git_word(label: str, key: str, value: Any) -> str:
    """A git URL or ref: one non-empty word that git cannot mistake for an option."""
    single_line(label, key, value)
    if _WHITESPACE_RE.search(value):
        reject(label, key, 'must not contain whitespace', value)
    if value.startswith('-'):
        reject(label, key, "must not start with '-'", value)
    return value


def has_whitespace(value: str) -> bool:
    return _WHITESPACE_RE.search(value) is not None


def unix_name(label: str, key: str, value: Any) -> str:
    require_str(label, key, value)
    if not NAME_RE.fullmatch(value):
        reject(label, key, NAME_RULE, value)
    return value


def identifier(label: str, key: str, value: Any) -> str:
    require_str(label, key, value)
    if not IDENT_RE.fullmatch(value) or keyword.iskeyword(value):
        reject(label, key, 'must be a Python identifier (^[A-Za-z_][A-Za-z0-9_]*$, not a keyword)', value)
    return value


def dotted_module(label: str, key: str, value: Any) -> str:
    require_str(label, key, value)
    parts = value.split('.')
    if not all(IDENT_RE.fullmatch(part) and not keyword.iskeyword(part) for part in parts):
        reject(label, key, 'must be a dotted Python module path (identifiers separated by dots)', value)
    return value


# --- paths --------------------------------------------------------------------------------


def _slash_path(label: str, key: str, value: Any, chars_re: re.Pattern, chars_text: str, start_rule: str) -> str:
    """Validate a '/'-rooted path (URL prefix or directory); return it without the outer slashes."""
    require_str(label, key, value)
    if not value.startswith('/'):
        reject(label, key, start_rule, value)
    if not chars_re.fullmatch(value):
        reject(label, key, 'may only contain the characters ' + chars_text, value)
    body = value[1:]
    if body.endswith('/'):
        body = body[:-1]
    if body == '':
        reject(label, key, "must not be '/' alone", value)
    for segment in body.split('/'):
        if segment == '':
            reject(label, key, "must not contain an empty segment ('//')", value)
        if segment in ('.', '..'):
            reject(label, key, "must not contain a '.' or '..' segment", value)
    return body


def url_prefix(label: str, key: str, value: Any) -> str:
    """Validate a URL prefix; return it with exactly one trailing '/'."""
    return '/%s/' % _slash_path(label, key, value, URL_CHARS_RE, URL_CHARS_TEXT, "must start with '/'")


def abs_path(label: str, key: str, value: Any) -> str:
    """Validate an absolute path; return it without a trailing '/'."""
    return '/' + _slash_path(label, key, value, PATH_CHARS_RE, PATH_CHARS_TEXT, "must be an absolute path (start with '/')")


def overlaps(first: str, second: str) -> bool:
    """Whether one of two '/'-terminated prefixes is a prefix of (or equal to) the other."""
    return first.startswith(second) or second.startswith(first)


def inside(path: str, directory: str) -> bool:
    """Whether ``path`` is ``directory`` or below it (both without a trailing '/')."""
    return path == directory or path.startswith(directory + '/')


# --- hosts and sockets -------------------------------------------------------------------


def host(label: str, key: str, value: str, rule: str, shown_value: Any = None, allow_path: bool = False) -> str:
    """Validate a host: an IPv4 address, a host name, a bracketed IPv6 address or (``allow_path``) a unix socket path.

    Returns it normalized: host names in lower case, IPv6 addresses compressed, paths without a trailing '/'.
    ``rule`` is the message for a value that is none of these; ``shown_value`` is what messages show
    (the whole socket when the host is a part of it).
    """
    shown_value = value if shown_value is None else shown_value
    if allow_path and value.startswith('/'):
        return abs_path(label, key, value)
    if value.startswith('[') or value.endswith(']'):
        inner = value[1:-1]
        if not (value.startswith('[') and value.endswith(']')) or not _IPV6_CHARS_RE.fullmatch(inner):
            reject(label, key, rule, shown_value)
        try:
            address = ipaddress.IPv6Address(inner)
        except ValueError:
            reject(label, key, 'has an invalid IPv6 address', shown_value)
        return '[%s]' % address.compressed
    if NUMERIC_RE.fullmatch(value):
        if not _IPV4_RE.fullmatch(value):
            reject(label, key, 'has an invalid IPv4 address', shown_value)
        return value
    if len(value) > 253 or not all(_HOST_LABEL_RE.fullmatch(part) for part in value.split('.')):
        reject(label, key, rule, shown_value)
    return value.lower()


SOCKET_RULE = (
    "must be 'unix', 'private:PORT' (each app host's private address) or 'HOST:PORT' (HOST an IPv4 address, a hostname or a bracketed "
    'IPv6 address, PORT 1-65535)'
)
# The host part of a socket that each app host binds on its own private address.
PRIVATE_HOST = 'private'
WILDCARD_HOSTS = ('0.0.0.0', '[::]')
LOOPBACK_FOR_WILDCARD = {'0.0.0.0': '127.0.0.1', '[::]': '[::1]'}


def socket(label: str, value: Any) -> str:
    """Return the normalized ``socket``: 'unix', 'private:PORT' or 'HOST:PORT'."""
    if not isinstance(value, str):
        reject(label, 'socket', SOCKET_RULE, value)
    if value == 'unix':
        return value
    name, sep, port = value.rpartition(':')
    if not sep or not name:
        reject(label, 'socket', SOCKET_RULE, value)
    unbracketed_ipv6 = ':' in name and not name.startswith('[')
    rule = SOCKET_RULE + '; IPv6 addresses must be in brackets' if unbracketed_ipv6 else SOCKET_RULE
    name = PRIVATE_HOST if name.lower() == PRIVATE_HOST else host(label, 'socket', name, rule, shown_value=value)
    if not _PORT_RE.fullmatch(port) or not 1 <= int(port) <= 65535:
        reject(label, 'socket', 'must end with a port between 1 and 65535', value)
    return '%s:%d' % (name, int(port))


def split_socket(value: str) -> tuple[str, int]:
    """HOST and PORT of a normalized TCP socket."""
    name, _sep, port = value.rpartition(':')
    return name, int(port)


def bound_address(value: str) -> tuple[str, int]:
    """What a normalized TCP socket binds, for comparing sockets: localhost is 127.0.0.1; '*' is a wildcard."""
    name, port = split_socket(value)
    if name in WILDCARD_HOSTS:
        return '*', port
    if name == 'localhost':
        return '127.0.0.1', port
    return name, port
