#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: files
short_description: Make a set of directories and small files as given, in one remote execution
description:
  - Each entry is a directory, or a file with the given content, with the given owner, group and mode.
    Only what differs is changed; entries are handled in order, so a directory listed before the
    files in it exists when they are written.
  - A file's new content is written to a temporary file beside it (mode 0600), given its owner, group
    and mode, then renamed over the old one; a reader never sees it half written or with looser
    permissions.
  - One execution for many files. The roles' configuration files, checked on every run, cost one
    round trip to the host instead of one per file. Render the content on the controller, for
    example with the P(ansible.builtin.template#lookup) lookup and its C(template_vars).
  - A file that a program must accept before it goes live names the check in O(files[].validate),
    which runs on the temporary file; the file replaces the old one only when the check passes.
    Entries are checked and written in order, so a check sees the entries written before it.
version_added: 1.0.0
author: webstack.django maintainers (@webstack-django)
options:
  files:
    description: The directories and files, in the order they are made.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description: Absolute path.
        type: path
        required: true
      state:
        description: V(directory) creates missing parents too; V(file) needs its directory to exist.
        type: str
        choices: [file, directory]
        default: file
      content:
        description: The file's content (text, written as UTF-8). Required for V(file).
        type: str
      owner:
        description: User name or numeric id.
        type: str
        default: root
      group:
        description: Group name or numeric id.
        type: str
        default: root
      mode:
        description: Octal permissions as a string with its leading zero, for example V('0640').
        type: str
        required: true
      validate:
        description:
          - A command run on the new content before it replaces the file, with V(%s) in place of the
            temporary file's path (split as a shell would split it, but run without a shell). The
            file is left as it was when the command exits non-zero, and the module fails with its
            output.
          - Not run in check mode, nor when the content is unchanged.
        type: str
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: An owner or group that does not exist yet (an earlier task would create it) counts as a change.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details: Content changes of files are shown; hide them with C(no_log) when the files hold secrets.
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: posix
"""

EXAMPLES = r"""
- name: Write each app's configuration
  webstack.django.files:
    files:
      - {path: /etc/myapp, state: directory, mode: "0755"}
      - path: /etc/myapp/app.ini
        content: "{{ lookup('ansible.builtin.template', 'app.ini.j2', template_vars={'app': app}) }}"
        group: myapp
        mode: "0640"
      - path: /etc/nginx/nginx.conf
        content: "{{ lookup('ansible.builtin.template', 'nginx.conf.j2') }}"
        mode: "0644"
        validate: nginx -t -q -c %s
  register: written
"""

RETURN = r"""
changed_paths:
  description: The paths this run created or changed (in check mode, would have).
  returned: always
  type: list
  elements: str
  sample: [/etc/myapp/app.ini]
"""

import grp
import os
import pwd
import re
import shlex
import stat
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_text


def _id(name, lookup, kind, check_mode):
    if name.isdigit():
        return int(name)
    try:
        return lookup(name)[2]
    except KeyError:
        # In check mode, an account an earlier task would have created.
        if check_mode:
            return None
        raise ValueError('no such %s: %s' % (kind, name)) from None


def _wanted(entry, check_mode):
    """The entry's uid, gid and mode as numbers (None: an account that does not exist yet,
    in check mode); ValueError names what is wrong."""
    # A leading zero: an unquoted 0640 in YAML arrives as 416, which must not pass for '0416'.
    if not re.match(r'^0[0-7]{3,4}$', entry['mode']):
        raise ValueError("%s: mode %r is not an octal string with its leading zero, like '0640'" % (entry['path'], entry['mode']))
    mode = int(entry['mode'], 8)
    if entry['state'] == 'file' and entry['content'] is None:
        raise ValueError('%s: a file needs content' % entry['path'])
    return _id(entry['owner'], pwd.getpwnam, 'user', check_mode), _id(entry['group'], grp.getgrnam, 'group', check_mode), mode


def _differs(path, uid, gid, mode):
    found = os.lstat(path)
    return (found.st_uid, found.st_gid, stat.S_IMODE(found.st_mode)) != (uid, gid, mode)


def _write(path, data, uid, gid, mode, validate, run_command):
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix='.%s.' % os.path.basename(path))
    try:
        with os.fdopen(handle, 'wb') as stream:
            stream.write(data)
            os.fchown(stream.fileno(), uid, gid)
            os.fchmod(stream.fileno(), mode)
        if validate:
            # The command's words are split first: a path with spaces stays one argument.
            argv = [word.replace('%s', temporary) for word in shlex.split(validate)]
            status, out, err = run_command(argv)
            if status != 0:
                raise ValueError('%s: the new content failed its check (%s, exit %d): %s' % (path, validate, status, (err or out).strip()))
        os.rename(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def make(entry, check_mode, diffs, run_command):
    """Make one entry as given; True when something changed (or would have). run_command runs
    a check (AnsibleModule.run_command)."""
    path = entry['path']
    uid, gid, mode = _wanted(entry, check_mode)
    if entry['state'] == 'directory':
        if os.path.isdir(path) and not os.path.islink(path):
            if not _differs(path, uid, gid, mode):
                return False
        elif os.path.lexists(path):
            raise ValueError('%s exists and is not a directory' % path)
        elif not check_mode:
            os.makedirs(path, mode)
        if not check_mode:
            os.chown(path, uid, gid)
            os.chmod(path, mode)
        return True
    data = to_bytes(entry['content'])
    before = None
    if os.path.lexists(path):
        if os.path.islink(path) or not os.path.isfile(path):
            raise ValueError('%s exists and is not a regular file' % path)
        with open(path, 'rb') as stream:
            before = stream.read()
        if before == data and not _differs(path, uid, gid, mode):
            return False
    if before != data:
        diffs.append({'before_header': path, 'after_header': path, 'before': to_text(before or b'', errors='surrogate_or_replace'), 'after': entry['content']})
        if not check_mode:
            _write(path, data, uid, gid, mode, entry['validate'], run_command)
    elif not check_mode:
        os.chown(path, uid, gid)
        os.chmod(path, mode)
    return True


def main():
    entry_options = {
        'path': {'type': 'path', 'required': True},
        'state': {'type': 'str', 'choices': ['file', 'directory'], 'default': 'file'},
        'content': {'type': 'str'},
        'owner': {'type': 'str', 'default': 'root'},
        'group': {'type': 'str', 'default': 'root'},
        'mode': {'type': 'str', 'required': True},
        'validate': {'type': 'str'},
    }
    module = AnsibleModule(
        argument_spec={'files': {'type': 'list', 'elements': 'dict', 'required': True, 'options': entry_options}},
        supports_check_mode=True,
    )
    changed_paths, diffs = [], []
    for entry in module.params['files']:
        try:
            if make(entry, module.check_mode, diffs, module.run_command):
                changed_paths.append(entry['path'])
        except (OSError, ValueError) as error:
            module.fail_json(msg=str(error), changed_paths=changed_paths)
    result = {'changed': bool(changed_paths), 'changed_paths': changed_paths}
    if module._diff:
        result['diff'] = diffs
    module.exit_json(**result)


if __name__ == '__main__':
    main()
