"""Projects as people have them, deployed by inventory alone (molecule.yml).

startproject: `django-admin startproject` output with DEBUG off and nothing else changed
(SQLite in the code tree, no STATIC_ROOT, no key): the settings overlay deploys it.
envreader: settings that read DATABASE_URL, SECRET_KEY and ALLOWED_HOSTS themselves, and
Django's recommended MySQL driver, mysqlclient, built on the host.
"""

import json
import shlex


def get(host, path, host_header, https=False):
    """Through nginx; over HTTPS by the name (its certificate is test_tls.py's business)."""
    argv = ["curl", "-sS", "-o", "/tmp/body", "-w", "%{http_code}"]
    if https:
        argv += ["-k", "--resolve", "%s:443:127.0.0.1" % host_header, "https://%s%s" % (host_header, path)]
    else:
        argv += ["-H", "Host: " + host_header, "http://127.0.0.1" + path]
    cmd = host.run(" ".join(shlex.quote(arg) for arg in argv) + " && cat /tmp/body")
    assert cmd.rc == 0, cmd.stderr
    return int(cmd.stdout[:3]), cmd.stdout[3:]


def admin_login_with_its_css(host, app, host_header, https=False):
    status, body = get(host, "/admin/login/", host_header, https)
    assert status == 200
    assert "Django administration" in body or "Django site admin" in body
    stylesheet = "/static/admin/css/base.css"
    assert stylesheet in body
    status, css = get(host, stylesheet, host_header, https)
    assert status == 200 and "body" in css
    # From disk, by nginx: uWSGI never saw the request.
    assert host.file("/srv/%s/static/admin/css/base.css" % app).is_file
    assert "GET %s" % stylesheet not in host.file("/var/log/uwsgi-%s/uwsgi.log" % app).content_string


def test_an_unedited_startproject_project_serves_its_admin_with_css(host):
    # Served over HTTPS only (molecule.yml): plain HTTP redirects there.
    admin_login_with_its_css(host, "startproject", "startproject.test", https=True)


def test_its_sqlite_database_lives_in_the_data_dir(host):
    database = host.file("/srv/startproject/data/db.sqlite3")
    assert database.is_file and database.user == "startproject"
    assert not host.file("/srv/startproject/current/src/db.sqlite3").exists
    tables = host.check_output("/usr/local/sbin/webstack-manage startproject showmigrations auth")
    assert "[X] 0001_initial" in tables


def test_its_secret_key_was_made_on_the_host_and_is_kept(host):
    key = host.file("/etc/webstack/startproject.secret-key")
    assert key.user == "root" and key.mode == 0o600
    assert len(key.content_string.strip()) >= 50
    # The app gets it; the file's content is compared on the host, never printed.
    host.run_expect([0], "grep -qxF \"SECRET_KEY=\\\"$(cat /etc/webstack/startproject.secret-key)\\\"\" /etc/webstack/startproject.env")
    check = host.check_output("/usr/local/sbin/webstack-manage startproject check --deploy --fail-level ERROR 2>&1 || true")
    assert "security.W009" not in check


def test_a_project_reading_its_env_talks_to_mysql_through_mysqlclient(host):
    status, body = get(host, "/", "envreader.test")
    assert status == 200
    assert json.loads(body)["engine"] == "django.db.backends.mysql"
    driver = host.check_output("/usr/local/sbin/webstack-manage --python envreader -c 'import MySQLdb, sys; print(MySQLdb.__file__)'")
    assert "/site-packages/MySQLdb/" in driver and "pymysql" not in driver
    admin_login_with_its_css(host, "envreader", "envreader.test")
