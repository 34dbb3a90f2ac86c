"""The cluster seen from its hosts: nginx on web balances over app1 and app2, the data tier on data.

Every request stays on the scenario's own Docker network; every loop is bounded.
"""

import json
import shlex
import uuid

import pytest
import testinfra

WEB, APP1, APP2, DATA = (testinfra.get_host("docker://cluster-" + name) for name in ("web", "app1", "app2", "data"))
APP_HOSTS = {"cluster-app1": APP1, "cluster-app2": APP2}
UWSGI_PORT = 8001


def curl(path, *args, host="localhost"):
    """One request through nginx on the web host: (status, headers in lower case, body)."""
    argv = ["curl", "-sS", "-D", "/tmp/headers", "-o", "/tmp/body", "-w", "%{http_code}", "-H", "Host: " + host]
    argv += list(args) + ["http://127.0.0.1" + path]
    cmd = WEB.run(" ".join(shlex.quote(a) for a in argv))
    assert cmd.rc == 0, cmd.stderr
    headers = {}
    for line in WEB.file("/tmp/headers").content_string.splitlines()[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return int(cmd.stdout), headers, WEB.file("/tmp/body").content_string


def statuses(path, count):
    """Status codes of `count` requests in a row through nginx (one curl process, bounded)."""
    request = "curl -s -o /dev/null -w '%%{http_code} %%header{x-webstack-host}\\n' -H 'Host: localhost' http://127.0.0.1%s" % path
    script = "for i in $(seq %d); do %s; done" % (count, request)
    out = WEB.check_output("bash -c %s", script)
    return [line.split(" ", 1) for line in out.splitlines()]


def connects(client, address, port):
    """Whether `client` gets a TCP connection to address:port within 3 s (refused or dropped: False)."""
    probe = "import socket; socket.create_connection((%r, %d), timeout=3).close()" % (address, port)
    return client.run("python3 -c %s", probe).rc == 0


def address_of(host):
    return host.check_output("hostname -I").split()[0]


def test_requests_are_answered_by_both_app_hosts():
    answered = statuses("/health/", 20)
    assert {status for status, name in answered} == {"200"}
    assert {name for status, name in answered} == set(APP_HOSTS)


def test_every_app_host_runs_the_same_release():
    releases = {name: host.file("/srv/demo/current/RELEASE").content_string.strip() for name, host in APP_HOSTS.items()}
    assert len(set(releases.values())) == 1, releases
    headers = curl("/health/")[1]
    assert headers["x-webstack-release"] == releases["cluster-app1"]


def test_the_web_host_runs_no_app_and_the_app_hosts_no_nginx():
    assert not WEB.file("/srv/demo/current").exists
    assert not WEB.service("uwsgi-demo").is_running
    for host in APP_HOSTS.values():
        assert not host.package("nginx").is_installed


def test_uwsgi_binds_the_private_address_only():
    for host in APP_HOSTS.values():
        listening = host.check_output("ss -Hltn sport = :%s", str(UWSGI_PORT))
        assert "%s:%d" % (address_of(host), UWSGI_PORT) in listening
        assert "0.0.0.0:%d" % UWSGI_PORT not in listening and "*:%d" % UWSGI_PORT not in listening


def test_the_data_tier_is_reached_over_the_network():
    status, body = curl("/data/?format=json")[::2]
    assert status == 200, body
    result = json.loads(body)
    assert result["db_vendor"] == "mysql"
    assert result["cache_backend"] == "RedisCache"
    env = APP1.file("/etc/webstack/demo.env").content_string
    assert 'DJANGO_DB_HOST="%s"' % address_of(DATA) in env


def test_with_uwsgi_stopped_on_one_app_host_every_request_succeeds():
    APP1.check_output("systemctl stop uwsgi-demo.socket uwsgi-demo.service")
    try:
        answered = statuses("/health/", 200)
    finally:
        APP1.check_output("systemctl start uwsgi-demo.socket uwsgi-demo.service")
    assert [status for status, name in answered] == ["200"] * 200
    assert {name for status, name in answered} == {"cluster-app2"}


def test_uwsgi_port_is_open_to_the_web_host_only():
    for host in APP_HOSTS.values():
        address = address_of(host)
        assert connects(WEB, address, UWSGI_PORT)
        assert not connects(DATA, address, UWSGI_PORT)
    assert not connects(APP2, address_of(APP1), UWSGI_PORT)


@pytest.mark.parametrize("port", [3306, 6379], ids=["mariadb", "redis"])
def test_the_data_tier_is_open_to_the_app_hosts_only(port):
    address = address_of(DATA)
    assert connects(APP1, address, port)
    assert connects(APP2, address, port)
    assert not connects(WEB, address, port)


def test_database_accounts_name_the_app_hosts_not_any_host():
    hosts = DATA.check_output("mysql -N -e \"SELECT host FROM mysql.user WHERE user = 'demo'\"").split()
    assert sorted(hosts) == sorted(address_of(host) for host in APP_HOSTS.values())


def test_static_files_are_served_from_the_web_hosts_disk():
    assert WEB.file("/srv/demo/static/pages/style.css").is_file
    status, headers, body = curl("/static/pages/style.css")
    assert status == 200
    assert "webstack-demo-stylesheet" in body
    assert "x-webstack-host" not in headers  # nginx answered, not an app host


def test_an_upload_through_the_load_balancer_is_served_through_it_every_time():
    jar = "/tmp/cookies-%s" % uuid.uuid4().hex
    status = curl("/upload/", "-c", jar)[0]
    assert status == 200
    token = WEB.check_output("awk '$6 == \"csrftoken\" {print $7}' %s", jar)
    content = "cluster-upload-%s" % uuid.uuid4().hex
    WEB.check_output("printf %%s %s > /tmp/%s.txt", content, content)
    status, url = curl("/upload/", "-b", jar, "-H", "X-CSRFToken: " + token, "-F", "file=@/tmp/%s.txt" % content)[::2]
    assert status == 201, url
    served = [curl(url) for attempt in range(20)]
    assert [(status, body) for status, headers, body in served] == [(200, content)] * 20
    # One app host holds the file; nginx found it through the other one's 404 as well.
    holders = [name for name, host in APP_HOSTS.items() if host.file("/srv/demo/media" + url[len("/media") :]).exists]
    assert len(holders) == 1


def test_media_cannot_be_written_through_its_location():
    status = curl("/media/uploads/x.txt", "-X", "PUT", "--data", "x")[0]
    assert status == 403
