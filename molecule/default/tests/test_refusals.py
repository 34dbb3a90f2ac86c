"""Wrong input changes nothing anywhere: site.yml stops in its first play, naming the value.

Each case runs the converge playbook again with one wrong value (an extra-vars file) and
compares a digest of /etc and of the account database before and after.
"""

import copy
import json
import os
import re
import shlex
import subprocess
import uuid

import pytest

SCENARIO = os.environ.get("MOLECULE_SCENARIO_DIRECTORY", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DIGEST = "find /etc -xdev -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum; getent passwd group | sha256sum"


def inventory():
    return os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "inventory")


def apps_of(hostname):
    """webstack_apps as the inventory gives them to this host (paths already expanded)."""
    shown = subprocess.run(["ansible-inventory", "-i", inventory(), "--host", hostname], capture_output=True, text=True, check=True)
    return json.loads(shown.stdout)["webstack_apps"]


def with_app(apps, name, **changes):
    changed = copy.deepcopy(apps)
    next(app for app in changed if app["name"] == name).update(changes)
    return changed


def refused(host, tmp_path, extra_vars):
    """Run site.yml with extra_vars on this host; return (returncode, output, changed?)."""
    hostname = host.backend.get_hostname()
    path = tmp_path / "extra-vars.json"
    path.write_text(json.dumps(extra_vars))
    before = host.check_output(DIGEST)
    run = subprocess.run(
        ["ansible-playbook", "-i", inventory(), "--limit", hostname, "-e", "@%s" % path, os.path.join(SCENARIO, "converge.yml")],
        env=dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0", ANSIBLE_CALLBACK_RESULT_FORMAT="json"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert host.check_output(DIGEST) == before, "the host changed"
    output = run.stdout + run.stderr
    recap = re.search(r"^%s\s+:.*$" % re.escape(hostname), run.stdout, re.MULTILINE)
    assert recap and re.search(r"\bchanged=0\b", recap.group(0)), output[-3000:]
    # Nothing past the first play ran.
    assert "PLAY [Serve the apps with nginx]" not in run.stdout
    return run.returncode, output


REFUSED_DECLARATIONS = {
    "root user": (
        {"user": "root"},
        "app 'blog': user must not be a system account: the collection refuses to take over an existing system account; "
        "choose a name of the app's own (user and group default to the app's name), got 'root'",
    ),
    "system directory": (
        {"static_root": "/etc"},
        "app 'blog': static_root must be inside root '/srv/blog' or inside one of data_dirs ('/srv', '/var/www'), got '/etc'",
    ),
    "public socket": (
        {"socket": "0.0.0.0:8002"},
        "app 'blog': socket must not bind a wildcard address unless public_socket is true: the uwsgi protocol has no "
        "authentication and lets its peer run code, so bind a loopback or private address, or set public_socket: true "
        "if a firewall protects it, got '0.0.0.0:8002'",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED_DECLARATIONS))
def test_wrong_declarations_change_nothing(host, tmp_path, case):
    changes, message = REFUSED_DECLARATIONS[case]
    wrong = with_app(apps_of(host.backend.get_hostname()), "blog", **changes)
    returncode, output = refused(host, tmp_path, {"webstack_apps": wrong})
    assert returncode == 2
    assert message in output, output[-3000:]


def test_an_injected_nginx_directive_changes_nothing(host, tmp_path):
    returncode, output = refused(host, tmp_path, {"nginx_static_expires": "7d; autoindex on"})
    assert returncode == 2
    message = (
        "nginx_static_expires must be an nginx time such as 7d, 1d12h or -1 (optionally after 'modified '), a time of day "
        "such as @15h30m, or one of off, epoch, max; got \\\"7d; autoindex on\\\"."
    )
    assert message in output, output[-3000:]


def test_an_existing_account_is_not_taken_over(host, tmp_path):
    name = "u" + uuid.uuid4().hex[:8]
    host.run_expect([0], "useradd --create-home %s" % name)
    try:
        uid = host.user(name).uid
        apps = with_app(apps_of(host.backend.get_hostname()), "blog", user=name)
        returncode, output = refused(host, tmp_path, {"webstack_apps": apps})
    finally:
        host.run_expect([0], "userdel --remove %s" % shlex.quote(name))
    assert returncode == 2
    expected = "app 'blog': user '%s' already exists (uid %d, home /home/%s) and was not created for this app" % (name, uid, name)
    assert expected in output, output[-3000:]  # a part of the message, which goes on to say what to do


def test_dropping_an_app_needs_the_removal_flag(host, tmp_path):
    apps = [app for app in apps_of(host.backend.get_hostname()) if app["name"] != "blog"]
    returncode, output = refused(host, tmp_path, {"webstack_apps": apps})
    assert returncode == 2
    assert "nginx serves apps that are no longer declared: blog." in output, output[-3000:]


def converge(host, tmp_path, extra_vars=None):
    path = tmp_path / "extra-vars.json"
    path.write_text(json.dumps(extra_vars or {}))
    return subprocess.run(
        ["ansible-playbook", "-i", inventory(), "--limit", host.backend.get_hostname(), "-e", "@%s" % path, os.path.join(SCENARIO, "converge.yml")],
        env=dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0"),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_the_removal_flag_removes_every_part_but_the_data(host, tmp_path):
    apps = [app for app in apps_of(host.backend.get_hostname()) if app["name"] != "blog"]
    parts = ["/etc/nginx/webstack.d/blog.conf", "/etc/systemd/system/uwsgi-blog.service", "/etc/uwsgi-webstack/blog.ini", "/etc/webstack/blog.env"]
    try:
        run = converge(host, tmp_path, {"webstack_apps": apps, "webstack_remove_undeclared_apps": True})
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        assert [path for path in parts if host.file(path).exists] == []
        assert not host.service("uwsgi-blog").is_running
        assert not host.socket("tcp://127.0.0.1:8002").is_listening
        # The data stays: the app's tree, its user and its database.
        assert host.file("/srv/blog/media").is_directory
        assert host.user("blog").exists
        assert host.check_output("mariadb --batch --skip-column-names -e \"SHOW DATABASES LIKE 'blog'\"") == "blog"
        # The remaining app is untouched and serves.
        assert host.check_output("curl -sS -o /dev/null -w '%{http_code}' -H 'Host: localhost' http://127.0.0.1/") == "200"
    finally:
        restored = converge(host, tmp_path)
    assert restored.returncode == 0, restored.stdout[-3000:] + restored.stderr[-3000:]
    assert [path for path in parts if not host.file(path).exists] == []
    assert host.check_output("curl -sS -H 'Host: blog.test' http://127.0.0.1/health/") == "ok"
