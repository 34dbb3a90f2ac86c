"""The source-built stack, seen from inside the container, and the checksum guard."""

import os
import re
import uuid

from scenario import PROJECT, recap, run_playbook

PYTHON = "3.13.5"
PREFIX = "/opt/python/" + PYTHON
NGINX = "1.26.3"
VENV = "/srv/demo/current/venv"  # the live release's, a link into /srv/demo/venvs


def test_source_python_is_the_wanted_version(host):
    assert host.check_output(PREFIX + "/bin/python3.13 --version") == "Python " + PYTHON
    # Built with the optional modules the build dependencies are there for.
    host.run_expect([0], PREFIX + "/bin/python3.13 -c 'import ssl, bz2, lzma, sqlite3, ctypes, readline, uuid, zlib, dbm.gnu, pyexpat, curses'")
    assert host.file("/usr/local/bin/python3.13").linked_to == PREFIX + "/bin/python3.13"


def test_system_python_is_untouched(host):
    assert host.check_output("/usr/bin/python3 --version").startswith("Python 3.11.")
    assert host.file("/usr/bin/python3").linked_to == "/usr/bin/python3.11"
    assert host.run("dpkg --verify python3.11-minimal libpython3.11-stdlib").rc == 0
    assert host.file("/usr/lib/python3.11/EXTERNALLY-MANAGED").exists
    # altinstall: no unversioned commands anywhere.
    assert not host.file(PREFIX + "/bin/python3").exists
    assert not host.file("/usr/local/bin/python3").exists
    assert host.check_output("command -v python3") == "/usr/bin/python3"


def test_app_venv_runs_django_6_on_the_source_python(host):
    cfg = host.file(VENV + "/pyvenv.cfg").content_string
    assert "version = " + PYTHON in cfg
    assert PREFIX + "/bin" in cfg
    out = host.check_output(VENV + "/bin/python -c 'import sys, django; print(sys.version.split()[0], django.VERSION[0])'")
    assert out.split() == [PYTHON, "6"]


def test_uwsgi_runs_the_venv_python(host):
    unit = host.service("uwsgi-demo")
    assert unit.is_running
    pid = host.check_output("systemctl show -p MainPID --value uwsgi-demo")
    maps = host.check_output("cat /proc/%s/maps" % pid)
    assert PREFIX in maps or VENV in maps


def test_source_nginx_runs_and_serves_django(host):
    assert host.check_output("nginx -v 2>&1") == "nginx version: nginx/" + NGINX
    built = host.check_output("nginx -V 2>&1")
    modules = ("--with-http_ssl_module", "--with-http_v2_module", "--with-http_gzip_static_module", "--with-http_stub_status_module")
    for option in (*modules, "--conf-path=/etc/nginx/nginx.conf"):
        assert option in built
    nginx = host.service("nginx")
    assert nginx.is_running and nginx.is_enabled
    master = host.check_output("cat /run/nginx.pid")
    assert host.check_output("readlink /proc/%s/exe" % master) == "/opt/nginx/%s/sbin/nginx" % NGINX
    assert not host.package("nginx").is_installed
    body = host.check_output("curl -sS -H 'Host: localhost' http://127.0.0.1/")
    assert "Rendered by Django" in body
    probe = uuid.uuid4().hex
    css = host.check_output("curl -sS -H 'Host: localhost' 'http://127.0.0.1/static/pages/style.css?p=%s'" % probe)
    assert "webstack-demo-stylesheet" in css


def test_source_nginx_has_its_status_and_a_rotation_that_reopens_its_logs(host):
    assert host.check_output("curl -sS --unix-socket /run/webstack-nginx/status.sock http://localhost/status").startswith("Active connections:")
    # No package brought a rule: the role's is the only one for these logs.
    assert not host.file("/etc/logrotate.d/nginx").exists
    probe = uuid.uuid4().hex
    host.run_expect([0], "logrotate --force /etc/logrotate.d/webstack-nginx")
    host.run_expect([0], "curl -sS -o /dev/null -H 'Host: localhost' 'http://127.0.0.1/?after=%s'" % probe)
    assert probe in host.file("/var/log/nginx/demo.access.log").content_string
    assert probe not in host.file("/var/log/nginx/demo.access.log.1").content_string


def test_source_nginx_reloads_without_a_new_master(host):
    before = host.check_output("cat /run/nginx.pid")
    host.run_expect([0], "systemctl reload nginx")
    host.run_expect([0], "sleep 1")
    assert host.check_output("systemctl is-active nginx") == "active"
    assert host.check_output("cat /run/nginx.pid") == before


def test_broken_server_block_is_refused_by_the_source_nginx(host):
    host.run("printf 'server { listen 80; bogus_directive on; }' > /tmp/broken.conf")
    check = host.run("/usr/local/sbin/webstack-nginx-check-site demo.conf /tmp/broken.conf")
    assert check.rc != 0
    assert "bogus_directive" in check.stderr


def test_pip_configuration_is_written(host):
    conf = host.file("/etc/pip.conf")
    assert conf.mode == 0o644
    assert "index-url = " in conf.content_string


def test_deploy_user_has_virtualenvwrapper(host):
    # An interactive shell: Debian's ~/.bashrc returns early for the others.
    out = host.check_output("su - deploy -s /bin/bash -c 'bash -ic \"echo \\$WORKON_HOME; type -t mkvirtualenv\" 2>/dev/null'")
    home_workon, kind = out.split()
    assert home_workon == "/home/deploy/.virtualenvs"
    assert kind == "function"


# The checksum guard, run from the controller with ansible-playbook against this
# container: a version that was never built, with a wrong sha256.
HOSTNAME = "source-debian12"
PLAYBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bad_checksum.yml")


def ansible_playbook(playbook=None, extra_vars=None, timeout=900):
    """A playbook (converge.yml by default) on this host only: the working tree's collection,
    the venv's ansible-playbook, whatever the caller's environment and PATH hold."""
    return run_playbook(
        extra_vars,
        limit=HOSTNAME,
        playbook=playbook,
        env={"ANSIBLE_COLLECTIONS_PATH": os.path.join(PROJECT, ".collections")},
        timeout=timeout,
        command=os.path.join(PROJECT, ".venv", "bin", "ansible-playbook"),
    )


def test_wrong_checksum_fails_before_anything_is_built(host):
    run = ansible_playbook(PLAYBOOK, timeout=300)
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert "TASK [webstack.django.source_build : Download and verify the tarball of CPython 3.11.2]" in output
    # get_url's own words, with the tarball's real digest (shared/notes: the 3.11.2 orig tarball).
    digest = "2411c74bda5bbcfcddaf4531f66d1adc73f247f529aee981b029513aefdbf849"
    assert re.search(r"The checksum for \S+ did not match 0{64}; it was %s\." % digest, output), output
    assert "Install the build dependencies" not in output
    assert "Build and install CPython" not in output.split("Download and verify")[-1]
    assert not host.file("/opt/python/3.11.2").exists
    assert not host.file("/usr/local/src/webstack/Python-3.11.2").exists
    assert not host.file("/usr/local/src/webstack/Python-3.11.2.tar.gz").exists


def test_malformed_checksum_fails_naming_the_variable(host):
    run = ansible_playbook(PLAYBOOK, {"python3_source_sha256": "not-a-checksum"}, timeout=300)
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert 'python3_source_sha256 must be 64 lowercase hex digits (mandatory for the source method); got "not-a-checksum".' in output, output
    assert "Download and verify" not in output


REDIS = "8.0.2"


def test_source_redis_runs_under_systemd_supervision(host):
    assert "v=%s " % REDIS in host.check_output("redis-server --version")
    unit = host.service("redis-server")
    assert unit.is_running and unit.is_enabled
    assert host.check_output("systemctl show -p Type --value redis-server") == "notify"
    # Only a server built with systemd support reports its state to systemd.
    assert "Ready to accept connections" in host.check_output("systemctl show -p StatusText --value redis-server")
    pid = host.check_output("systemctl show -p MainPID --value redis-server")
    # (/proc/PID/exe of another user's process needs CAP_SYS_PTRACE, which containers lack.)
    assert host.check_output("ps -o args= -p %s" % pid).startswith("/opt/redis/%s/bin/redis-server " % REDIS)
    assert host.check_output("ps -o user= -p %s" % pid) == "redis"
    assert not host.package("redis-server").is_installed


def test_source_redis_answers_on_its_socket_with_the_password(host):
    cli = "redis-cli -s /run/redis-socket/redis.sock --no-auth-warning"
    assert host.check_output(cli + " -a molecule-source-redis-pass-51c0e7 ping") == "PONG"
    assert "NOAUTH" in host.run(cli + " ping").stdout


# One owner for the interpreter: the django role. With django_python set to another
# Python than the python3 role's, the virtualenv is rebuilt once and then stays (two roles
# that each chose an interpreter used to rebuild it on every run). Last: it leaves the
# app on Debian's Python 3.11 (and Django 5.2, which that Python resolves).
def converge(**extra_vars):
    run = ansible_playbook(extra_vars=extra_vars)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return recap(run, HOSTNAME)


def test_django_python_alone_decides_the_interpreter(host):
    # This scenario's host has only the source-built Python with venv support: give Debian's
    # its venv module, as a user naming that interpreter would.
    host.run_expect([0], "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv")
    first = converge(django_python="/usr/bin/python3.11")
    assert not re.search(r"\bchanged=0\b", first), first
    assert host.check_output(VENV + "/bin/python -c 'import platform; print(platform.python_version())'").startswith("3.11.")
    second = converge(django_python="/usr/bin/python3.11")
    assert re.search(r"\bchanged=0\b", second), second
    assert host.service("uwsgi-demo").is_running
    assert host.check_output("curl -sS -H 'Host: localhost' http://127.0.0.1/health/") == "ok"
