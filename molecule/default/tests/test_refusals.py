"""Wrong input changes nothing anywhere: site.yml stops in its first play, naming the value.

Each case runs the converge playbook again with one wrong value (an extra-vars file) and
compares a digest of /etc and of the account database before and after.
"""

import shlex
import uuid

import pytest
from scenario import changed, declared_apps, run_playbook, with_app

DIGEST = "find /etc -xdev -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum; getent passwd group | sha256sum"


def refused(host, extra_vars):
    """Run site.yml with extra_vars on this host; return (returncode, output)."""
    hostname = host.backend.get_hostname()
    before = host.check_output(DIGEST)
    run = run_playbook(extra_vars, limit=hostname, env={"ANSIBLE_CALLBACK_RESULT_FORMAT": "json"}, timeout=300)
    assert host.check_output(DIGEST) == before, "the host changed"
    output = run.stdout + run.stderr
    assert changed(run, hostname) == 0, output[-3000:]
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
    "calendar systemd cannot parse": (
        {"schedule": [{"name": "nightly", "command": "true", "on_calendar": "every tuesday"}]},
        "app 'blog': schedule job 'nightly' has on_calendar \"every tuesday\": systemd cannot parse it",
    ),
    "public socket": (
        {"socket": "0.0.0.0:8002"},
        "app 'blog': socket must not bind a wildcard address unless public_socket is true: the uwsgi protocol has no "
        "authentication and lets its peer run code, so bind a loopback or private address, or set public_socket: true "
        "if a firewall protects it, got '0.0.0.0:8002'",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED_DECLARATIONS))
def test_wrong_declarations_change_nothing(host, case):
    changes, message = REFUSED_DECLARATIONS[case]
    wrong = with_app(declared_apps(host.backend.get_hostname()), "blog", **changes)
    returncode, output = refused(host, {"webstack_apps": wrong})
    assert returncode == 2
    assert message in output, output[-3000:]


def test_an_injected_nginx_directive_changes_nothing(host):
    returncode, output = refused(host, {"nginx_static_expires": "7d; autoindex on"})
    assert returncode == 2
    message = (
        "nginx_static_expires must be an nginx time such as 7d, 1d12h or -1 (optionally after 'modified '), a time of day "
        "such as @15h30m, or one of off, epoch, max; got \\\"7d; autoindex on\\\"."
    )
    assert message in output, output[-3000:]


def test_an_existing_account_is_not_taken_over(host):
    name = "u" + uuid.uuid4().hex[:8]
    host.run_expect([0], "useradd --create-home %s" % name)
    try:
        uid = host.user(name).uid
        apps = with_app(declared_apps(host.backend.get_hostname()), "blog", user=name)
        returncode, output = refused(host, {"webstack_apps": apps})
    finally:
        host.run_expect([0], "userdel --remove %s" % shlex.quote(name))
    assert returncode == 2
    expected = "app 'blog': user '%s' already exists (uid %d, home /home/%s) and was not created for this app" % (name, uid, name)
    assert expected in output, output[-3000:]  # a part of the message, which goes on to say what to do


def test_dropping_an_app_needs_the_removal_flag(host):
    apps = [app for app in declared_apps(host.backend.get_hostname()) if app["name"] != "blog"]
    returncode, output = refused(host, {"webstack_apps": apps})
    assert returncode == 2
    assert "nginx serves apps that are no longer declared: blog." in output, output[-3000:]


def converge(host, extra_vars=None):
    return run_playbook(extra_vars, limit=host.backend.get_hostname())


def test_the_removal_flag_removes_every_part_but_the_data(host):
    """And an undeclared scheduled job (of an app that stays) is removed with no flag."""
    apps = [app for app in declared_apps(host.backend.get_hostname()) if app["name"] != "blog"]
    demo = next(app for app in apps if app["name"] == "demo")
    demo["schedule"] = [job for job in demo["schedule"] if job["name"] != "report"]
    parts = [
        "/etc/systemd/system/webstack-demo.report.timer",
        "/etc/systemd/system/webstack-demo.report.service",
        "/etc/nginx/webstack.d/blog.conf",
        "/etc/systemd/system/uwsgi-blog.service",
        "/etc/uwsgi-webstack/blog.ini",
        "/etc/webstack/blog.env",
    ]
    try:
        run = converge(host, {"webstack_apps": apps, "webstack_remove_undeclared_apps": True})
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        assert [path for path in parts if host.file(path).exists] == []
        assert not host.service("uwsgi-blog").is_running
        assert host.run("systemctl is-active webstack-demo.report.timer").stdout.strip() != "active"
        assert host.service("webstack-demo.clearsessions.timer").is_running
        assert not host.socket("tcp://127.0.0.1:8002").is_listening
        # The data stays: the app's tree, its user and its database.
        assert host.file("/srv/blog/media").is_directory
        assert host.user("blog").exists
        assert host.check_output("mariadb --batch --skip-column-names -e \"SHOW DATABASES LIKE 'blog'\"") == "blog"
        # The remaining app is untouched and serves.
        assert host.check_output("curl -sS -o /dev/null -w '%{http_code}' -H 'Host: localhost' http://127.0.0.1/") == "200"
    finally:
        restored = converge(host)
    assert restored.returncode == 0, restored.stdout[-3000:] + restored.stderr[-3000:]
    assert [path for path in parts if not host.file(path).exists] == []
    assert host.check_output("curl -sS -H 'Host: blog.test' http://127.0.0.1/health/") == "ok"
