#!/usr/bin/env python
# Copyright (c) webstack.django contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Usage: unpack-code.py ARCHIVE DIR

Extract the gzipped tar ARCHIVE over DIR in place (root-owned, world-readable files),
then remove what the archive no longer contains, so that DIR ends up exactly the
archived tree. The names to keep come from the archive's own index, exactly as stored
(any byte a file name may hold), never from a listing printed and parsed again; and
nothing is written outside DIR.
"""

import os
import shutil
import subprocess
import sys
import tarfile


def unpack(archive, target):
    os.makedirs(target, exist_ok=True)
    os.umask(0o022)
    subprocess.run(['tar', '--extract', '--gzip', '--file=' + archive, '--directory=' + target, '--no-same-owner', '--no-same-permissions'], check=True)
    with tarfile.open(archive) as tar:
        keep = {os.path.normpath(member.name) for member in tar.getmembers()}
    for dirpath, dirnames, filenames in os.walk(target):
        relative = os.path.relpath(dirpath, target)
        for name in dirnames[:]:
            path = os.path.join(dirpath, name)
            if os.path.normpath(os.path.join(relative, name)) not in keep:
                dirnames.remove(name)
                if os.path.islink(path):
                    os.unlink(path)
                else:
                    shutil.rmtree(path)
        for name in filenames:
            if os.path.normpath(os.path.join(relative, name)) not in keep:
                os.unlink(os.path.join(dirpath, name))


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__.splitlines()[0])
    unpack(sys.argv[1], sys.argv[2])
