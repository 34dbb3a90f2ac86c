"""The data tier, seen from inside each container: MariaDB and Redis as the apps use them.

The last tests run site.yml a second time (as `ansible-playbook -v`) and check that it
changes nothing, prints no secret and keeps the rows written before it.
"""

import json
import os
import re
import shlex

import pytest
import yaml
from scenario import SCENARIO, recap, run_playbook

with open(os.path.join(SCENARIO, "molecule.yml"), encoding="utf-8") as handle:
    GROUP_VARS = yaml.safe_load(handle)["provisioner"]["inventory"]["group_vars"]["all"]

REDIS_PASSWORD = GROUP_VARS["redis_requirepass"]
REDIS_SOCKET = "/run/redis-socket/redis.sock"
MYSQL_SOCKET = "/run/mysqld/mysqld.sock"
HOST_HEADERS = {"demo": "localhost", "blog": "blog.test"}
# name -> the database, user and password molecule.yml declares (with the filter's defaults),
# for the apps of the demo project (its /data/ page writes a row and counts in Redis).
APPS = {
    app["name"]: {
        "db": app["database"].get("name", app["name"]),
        "user": app["database"].get("user", app["name"]),
        "password": app["database"]["password"],
        "cache_db": app["cache"]["db"],
        "host_header": HOST_HEADERS[app["name"]],
    }
    for app in GROUP_VARS["webstack_apps"]
    if app["project"] == "demo_site"
}
SECRETS = (
    [REDIS_PASSWORD]
    + [app["database"]["password"] for app in GROUP_VARS["webstack_apps"] if "database" in app]
    + [app["secret_key"] for app in GROUP_VARS["webstack_apps"] if "secret_key" in app]
    + [value for app in GROUP_VARS["webstack_apps"] for value in app.get("env", {}).values()]
    # A provided TLS key, by the lines of its base64 body (its BEGIN and END lines are no secret).
    + [line for app in GROUP_VARS["webstack_apps"] for line in (app.get("tls") or {}).get("key", "").splitlines() if not line.startswith("-----")]
)


def sql(host, query, user="root", password=None, extra=""):
    """Run one query with the server's own client; password through the environment, never argv."""
    env = "MYSQL_PWD=%s " % shlex.quote(password) if password is not None else ""
    return host.run("%smariadb --batch --skip-column-names %s -u %s -e %s" % (env, extra, shlex.quote(user), shlex.quote(query)))


def redis(host, *args, password=None, as_user=None, socket=REDIS_SOCKET):
    env = "REDISCLI_AUTH=%s " % shlex.quote(password) if password is not None else ""
    prefix = "setpriv --reuid=%s --regid=%s --init-groups " % (as_user, as_user) if as_user else ""
    return host.run("%s%sredis-cli -s %s %s" % (env, prefix, socket, " ".join(shlex.quote(arg) for arg in args)))


def data_page(host, app):
    cmd = host.run("curl -sS -H %s 'http://127.0.0.1/data/?format=json'" % shlex.quote("Host: " + app["host_header"]))
    assert cmd.rc == 0, cmd.stderr
    return json.loads(cmd.stdout)


# --- MariaDB -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(APPS))
def test_app_user_reaches_its_database_only(host, name):
    app = APPS[name]
    shown = sql(host, "SHOW DATABASES", user=app["user"], password=app["password"])
    assert shown.rc == 0, shown.stderr
    assert set(shown.stdout.split()) == {"information_schema", app["db"]}
    for other in APPS.values():
        if other is not app:
            denied = sql(host, "SELECT COUNT(*) FROM %s.pages_visit" % other["db"], user=app["user"], password=app["password"])
            assert denied.rc != 0 and "denied" in denied.stderr
    grants = sql(host, "SHOW GRANTS", user=app["user"], password=app["password"]).stdout
    assert "ON *.*" not in grants.replace("GRANT USAGE ON *.*", "")
    assert "`%s`.*" % app["db"] in grants


@pytest.mark.parametrize("name", sorted(APPS))
def test_app_database_is_utf8mb4(host, name):
    charset = sql(host, "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME='%s'" % APPS[name]["db"])
    assert charset.stdout.strip() == "utf8mb4"


def test_wrong_password_is_refused(host):
    app = APPS["demo"]
    refused = sql(host, "SELECT 1", user=app["user"], password=app["password"] + "x")
    assert refused.rc != 0 and "denied" in refused.stderr


def test_secure_installation(host):
    assert sql(host, "SELECT COUNT(*) FROM mysql.global_priv WHERE User=''").stdout.strip() == "0"
    remote_root = "SELECT COUNT(*) FROM mysql.global_priv WHERE User='root' AND Host NOT IN ('localhost', '127.0.0.1', '::1')"
    assert sql(host, remote_root).stdout.strip() == "0"
    assert "test" not in sql(host, "SHOW DATABASES").stdout.split()


def test_anonymous_login_is_refused(host):
    # (The client takes an empty user name as the OS login name: run it as an OS user without an account.)
    nobody = "setpriv --reuid=nobody --regid=nogroup --clear-groups "
    for cmd in (
        nobody + "mariadb -u '' -e 'SELECT 1'",
        nobody + "mariadb -e 'SELECT 1'",
        "MYSQL_PWD= mariadb --protocol=tcp -h 127.0.0.1 -u anonymous -e 'SELECT 1'",
        "MYSQL_PWD= mariadb --protocol=tcp -h 127.0.0.1 -u '' -e 'SELECT 1'",
    ):
        refused = host.run(cmd)
        assert refused.rc != 0 and "denied" in refused.stderr, cmd


def test_root_only_through_the_socket_as_os_root(host):
    assert sql(host, "SELECT 1").rc == 0
    # Over TCP there is no peer to vouch for root; a password does not help either.
    for password in (None, "root"):
        over_tcp = sql(host, "SELECT 1", password=password, extra="--protocol=tcp -h 127.0.0.1")
        assert over_tcp.rc == 1 and "Access denied for user 'root'@'localhost'" in over_tcp.stderr, over_tcp.stderr
    # Another OS user cannot claim root through the socket (the server itself says no).
    claimed = host.run("setpriv --reuid=demo --regid=demo --clear-groups mariadb -u root -e 'SELECT 1'")
    assert claimed.rc == 1 and "ERROR 1698 (28000): Access denied for user 'root'@'localhost'" in claimed.stderr, claimed.stderr


def test_database_server_listens_on_loopback_only(host):
    assert host.socket("tcp://127.0.0.1:3306").is_listening
    assert not host.socket("tcp://0.0.0.0:3306").is_listening
    assert not host.socket("tcp://:::3306").is_listening


# --- Redis ---------------------------------------------------------------------------------


def test_redis_refuses_clients_without_the_password(host):
    for cmd in (redis(host, "PING"), host.run("redis-cli -h 127.0.0.1 -p 6379 PING")):
        assert "NOAUTH" in cmd.stdout + cmd.stderr
        assert "PONG" not in cmd.stdout
    wrong = redis(host, "PING", password=REDIS_PASSWORD + "x")
    assert "PONG" not in wrong.stdout


def test_redis_answers_with_the_password(host):
    assert redis(host, "PING", password=REDIS_PASSWORD).stdout.strip() == "PONG"
    tcp = host.run("REDISCLI_AUTH=%s redis-cli -h 127.0.0.1 -p 6379 PING" % shlex.quote(REDIS_PASSWORD))
    assert tcp.stdout.strip() == "PONG"


def test_redis_socket_lets_the_apps_in_and_nobody_else(host):
    directory = host.file(os.path.dirname(REDIS_SOCKET))
    assert (directory.user, directory.group, directory.mode) == ("redis", "redis-clients", 0o2750)
    sock = host.file(REDIS_SOCKET)
    assert sock.is_socket
    assert (sock.user, sock.group, sock.mode) == ("redis", "redis-clients", 0o660)
    for name in APPS:
        assert redis(host, "PING", password=REDIS_PASSWORD, as_user=name).stdout.strip() == "PONG"
    # www-data (nginx) is not in the group: not even the password gets it in.
    refused = redis(host, "PING", password=REDIS_PASSWORD, as_user="www-data")
    assert "PONG" not in refused.stdout and "denied" in (refused.stdout + refused.stderr).lower()


def test_redis_settings(host):
    conf = host.file("/etc/redis/redis.conf")
    assert (conf.user, conf.group, conf.mode) == ("root", "redis", 0o640)
    assert host.socket("tcp://127.0.0.1:6379").is_listening
    assert not host.socket("tcp://0.0.0.0:6379").is_listening

    def config(key):
        return redis(host, "CONFIG", "GET", key, password=REDIS_PASSWORD).stdout.split()[1]

    assert config("protected-mode") == "yes"
    assert config("supervised") == "systemd"
    assert int(config("maxmemory")) > 0
    assert config("maxmemory-policy") == "allkeys-lru"
    assert host.check_output("ps -o user= -C redis-server").split() == ["redis"]


# --- through nginx: one page writes a row and counts in the cache ------------------------------


@pytest.mark.parametrize("name", sorted(APPS))
def test_data_page_writes_a_row_and_counts_in_redis(host, name):
    app = APPS[name]
    first = data_page(host, app)
    second = data_page(host, app)
    assert first["db_vendor"] == "mysql" and first["cache_backend"] == "RedisCache"
    assert second["rows"] == first["rows"] + 1
    assert second["counter"] == first["counter"] + 1
    # The row is in the app's own database, the counter in its own Redis database.
    rows = sql(host, "SELECT COUNT(*) FROM %s.pages_visit" % app["db"]).stdout.strip()
    assert int(rows) >= second["rows"]
    assert redis(host, "-n", str(app["cache_db"]), "GET", ":1:visits", password=REDIS_PASSWORD).stdout.strip() == str(second["counter"])
    page = host.run("curl -sS -H %s http://127.0.0.1/data/" % shlex.quote("Host: " + app["host_header"]))
    assert page.rc == 0 and "RedisCache" in page.stdout


# --- a second run of site.yml ----------------------------------------------------------------


@pytest.fixture(scope="module")
def second_run(host):
    """Write a row per app, run the converge playbook again with -v on this host only."""
    before = {name: data_page(host, app) for name, app in APPS.items()}
    hostname = host.backend.get_hostname()
    run = run_playbook(limit=hostname, options=("-v",), timeout=600)
    return {"before": before, "run": run, "hostname": hostname}


def test_second_run_changes_nothing(second_run):
    run = second_run["run"]
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    line = recap(run, second_run["hostname"])
    assert re.search(r"\bchanged=0\b", line) and re.search(r"\bfailed=0\b", line), line


def test_no_secret_in_verbose_output(second_run):
    output = second_run["run"].stdout + second_run["run"].stderr
    assert "ok=" in output  # the run happened and was captured
    leaked = [secret[:4] + "..." for secret in SECRETS if secret in output]
    assert not leaked


@pytest.mark.parametrize("name", sorted(APPS))
def test_rows_survive_a_second_run(host, second_run, name):
    before = second_run["before"][name]
    after = data_page(host, APPS[name])
    assert after["rows"] == before["rows"] + 1
    assert after["counter"] == before["counter"] + 1
