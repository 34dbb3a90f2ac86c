"""The deployed stack, seen from inside each container: nginx -> uWSGI -> Django."""

import base64
import io
import json
import re
import shlex
import shutil
import subprocess
import tarfile
import uuid

import pytest

# The apps molecule.yml declares.
DEMO = {"name": "demo", "host": "localhost", "static": "/static/", "media": "/media/"}
BLOG = {"name": "blog", "host": "blog.test", "static": "/assets/", "media": "/uploads/"}
APPS = [DEMO, BLOG]
STYLESHEET_MARKER = "webstack-demo-stylesheet"


def http(host, path, host_header, *curl_args):
    """GET (or whatever curl_args say) through nginx on port 80; returns (status, body)."""
    argv = ["curl", "-sS", "-o", "/tmp/body", "-w", "%{http_code}", "-H", "Host: " + host_header]
    argv += list(curl_args) + ["http://127.0.0.1" + path]
    cmd = host.run(" ".join(shlex.quote(arg) for arg in argv) + " && cat /tmp/body")
    assert cmd.rc == 0, cmd.stderr
    return int(cmd.stdout[:3]), cmd.stdout[3:]


def uwsgi_log(host, app):
    return host.file("/var/log/uwsgi-%s/uwsgi.log" % app["name"]).content_string


def test_nginx_is_running_with_a_valid_config(host):
    nginx = host.service("nginx")
    assert nginx.is_running
    assert nginx.is_enabled
    assert host.run("nginx -t").rc == 0


def test_gixy_finds_nothing_in_the_live_configuration(host, tmp_path):
    """gixy-ng, the maintained nginx analyzer, over the live /etc/nginx of the host.

    The tree is copied out and its absolute includes pointed into the copy, so gixy reads
    exactly the files nginx reads.
    """
    archive = base64.b64decode(host.check_output("tar -C / -czh etc/nginx | base64 -w0"))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tmp_path, filter="data")
    for path in (tmp_path / "etc/nginx").rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.write_text(path.read_text(errors="replace").replace("/etc/nginx/", "%s/etc/nginx/" % tmp_path))
    gixy = shutil.which("gixy")
    assert gixy, "gixy-ng is not installed (requirements-dev.txt)"

    def findings():
        run = subprocess.run([gixy, "-f", "json", str(tmp_path / "etc/nginx/nginx.conf")], capture_output=True, text=True, timeout=120, check=False)
        return json.loads(run.stdout or "null"), run.stdout + run.stderr

    found, output = findings()
    assert found == [], output
    # The server blocks were read: a classic alias traversal added to one is found.
    site = tmp_path / "etc/nginx/webstack.d/demo.conf"
    site.write_text(site.read_text().replace("    location / {", "    location /traversal {\n        alias /srv/;\n    }\n\n    location / {", 1))
    found, output = findings()
    assert [finding["plugin"] for finding in found] == ["alias_traversal"], output


@pytest.mark.parametrize("app", APPS, ids=lambda a: a["name"])
def test_uwsgi_unit_runs_as_the_app_user(host, app):
    unit = host.service("uwsgi-%s" % app["name"])
    assert unit.is_running
    assert unit.is_enabled
    users = host.check_output("ps -o user= -C uwsgi | sort -u").split()
    assert app["name"] in users
    assert "root" not in users


def test_unix_socket_is_reachable_by_nginx_only(host):
    directory = host.file("/run/uwsgi-demo")
    assert directory.user == "demo"
    assert directory.group == "www-data"
    assert directory.mode == 0o2750
    sock = host.file("/run/uwsgi-demo/demo.sock")
    assert sock.is_socket
    assert sock.user == "demo"
    assert sock.group == "www-data"
    assert sock.mode == 0o660
    # The other app's user cannot even look into the directory; the web server's group can.
    refused = host.run("setpriv --reuid=blog --regid=blog --clear-groups ls /run/uwsgi-demo")
    assert (refused.rc, refused.stderr.strip()) == (2, "ls: cannot open directory '/run/uwsgi-demo': Permission denied")
    assert "demo.sock" in host.check_output("setpriv --reuid=www-data --regid=www-data --clear-groups ls /run/uwsgi-demo").split()


def test_tcp_socket_listens_on_loopback_only(host):
    assert host.socket("tcp://127.0.0.1:8002").is_listening
    assert not host.socket("tcp://0.0.0.0:8002").is_listening


@pytest.mark.parametrize("app", APPS, ids=lambda a: a["name"])
def test_settings_file_is_private_to_the_app(host, app):
    env = host.file("/etc/webstack/%s.env" % app["name"])
    assert env.user == "root"
    assert env.group == app["name"]
    assert env.mode == 0o640


@pytest.mark.parametrize("app", APPS, ids=lambda a: a["name"])
def test_dynamic_page_comes_from_django_through_uwsgi(host, app):
    status, body = http(host, "/", app["host"])
    assert status == 200
    assert "Rendered by Django" in body
    assert "%spages/style.css" % app["static"] in body
    assert "GET / " in uwsgi_log(host, app)


@pytest.mark.parametrize("app", APPS, ids=lambda a: a["name"])
def test_static_file_is_served_by_nginx_from_disk(host, app):
    path = "%spages/style.css?probe=%s" % (app["static"], uuid.uuid4().hex)
    status, body = http(host, path, app["host"])
    assert status == 200
    assert STYLESHEET_MARKER in body
    assert path not in uwsgi_log(host, app)


@pytest.mark.parametrize("app", APPS, ids=lambda a: a["name"])
def test_uploaded_media_is_served_by_nginx_from_disk(host, app):
    jar = "/tmp/cookies-%s" % app["name"]
    assert http(host, "/upload/", app["host"], "-c", jar)[0] == 200
    token = host.check_output("awk '$6 == \"csrftoken\" {print $7}' " + jar)
    content = "upload-%s" % uuid.uuid4().hex
    host.run_expect([0], "printf %s > /tmp/%s.txt" % (content, content))
    status, url = http(host, "/upload/", app["host"], "-b", jar, "-H", "X-CSRFToken: " + token, "-F", "file=@/tmp/%s.txt" % content)
    assert status == 201
    assert url.startswith(app["media"])
    stored = host.file("/srv/%s/media/%s" % (app["name"], url[len(app["media"]) :]))
    assert stored.user == app["name"]
    status, body = http(host, url, app["host"])
    assert status == 200
    assert body == content
    assert "GET %s" % url not in uwsgi_log(host, app)


@pytest.mark.parametrize(
    "path", ["/static../etc/passwd", "/static../demo/data/", "/media../current/src/manage.py", "/static/../current/src/manage.py", "/media/%2e%2e/releases/"]
)
def test_alias_traversal_gets_no_file(host, path):
    status, body = http(host, path, "localhost", "--path-as-is")
    assert status in (400, 403, 404)
    assert "root:x" not in body and "DJANGO_SETTINGS_MODULE" not in body


def test_the_apps_are_independent(host):
    assert http(host, "/assets/pages/style.css", "blog.test")[0] == 200
    assert http(host, "/static/pages/style.css", "blog.test")[0] == 404  # demo's prefix: Django's 404
    # The socket too: a request to a stopped service would start it again.
    host.run_expect([0], "systemctl stop uwsgi-demo.socket uwsgi-demo.service")
    try:
        assert http(host, "/", "localhost")[0] == 502
        status, body = http(host, "/", "blog.test")
        assert status == 200 and "Rendered by Django" in body
    finally:
        host.run_expect([0], "systemctl start uwsgi-demo.socket uwsgi-demo.service")
    assert http(host, "/", "localhost")[0] == 200


def workers(host, unit):
    master = host.check_output("systemctl show -p MainPID --value %s" % unit)
    return master, set(host.check_output("pgrep -P %s || true" % master).split())


def test_restart_replaces_master_and_workers_without_refusing_a_request(host):
    master, before = workers(host, "uwsgi-blog")
    assert before
    # 30 requests, 0.1 s apart, while the app restarts behind its systemd-held socket.
    host.run_expect([0], "(sleep 0.5; systemctl restart uwsgi-blog) >/dev/null 2>&1 &")
    statuses = host.check_output(
        "for i in $(seq 30); do curl -s -o /dev/null -w '%{http_code} ' -H 'Host: blog.test' http://127.0.0.1/health/; sleep 0.1; done"
    ).split()
    assert statuses == ["200"] * 30
    new_master, after = workers(host, "uwsgi-blog")
    assert new_master != master
    assert after and after.isdisjoint(before)


def test_stop_is_graceful_and_the_socket_stays(host):
    host.run_expect([0], "systemctl stop uwsgi-blog.service")
    # The master's graceful shutdown (q on its FIFO): systemd never has to escalate.
    assert host.check_output("systemctl show -p Result --value uwsgi-blog") == "success"
    # systemd still holds the socket, and the next request starts the app again.
    assert host.socket("tcp://127.0.0.1:8002").is_listening
    assert http(host, "/health/", "blog.test") == (200, "ok")
    assert host.service("uwsgi-blog").is_running


def test_broken_server_block_is_refused_before_it_goes_live(host):
    live = host.file("/etc/nginx/webstack.d/demo.conf").content_string
    host.run("printf 'server { listen 80; bogus_directive on; }' > /tmp/broken.conf")
    check = host.run("/usr/local/sbin/webstack-nginx-check-site demo.conf /tmp/broken.conf")
    assert check.rc != 0
    assert "bogus_directive" in check.stderr
    assert host.file("/etc/nginx/webstack.d/demo.conf").content_string == live


def test_manage_wrapper_runs_as_the_app_user(host):
    out = host.check_output("/usr/local/sbin/webstack-manage demo shell --verbosity 0 -c 'import os; print(os.getuid())'")
    assert out == host.user("demo").uid.__str__()
    assert re.search(r"\[X\] 0001_initial", host.check_output("/usr/local/sbin/webstack-manage demo showmigrations pages"))
