"""The day after the deploy: logs rotate without losing a line, stats reach root and the
monitoring group (adm) only, scheduled jobs run as the app in its serving release."""

import json
import shlex
import uuid

import pytest

STATS = r"""
import json, socket, sys
conn = socket.socket(socket.AF_UNIX)
conn.connect(sys.argv[1])
data = b""
while chunk := conn.recv(65536):
    data += chunk
print(json.dumps(sorted(json.loads(data))))
"""


def requests(host, host_header, tag, count):
    """count requests to / through nginx, each with its own query string; returns the paths."""
    paths = ["/?rotation=%s-%d" % (tag, index) for index in range(count)]
    for path in paths:
        host.run_expect([0], "curl -sS -o /dev/null -H %s %s" % (shlex.quote("Host: " + host_header), shlex.quote("http://127.0.0.1" + path)))
    return paths


def counts(host, path, needles):
    text = host.file(path).content_string
    return {needle: text.count(needle + " ") for needle in needles}


@pytest.mark.parametrize(
    "rule, log, host_header",
    [
        ("/etc/logrotate.d/webstack-uwsgi", "/var/log/uwsgi-demo/uwsgi.log", "localhost"),
        # The package's rule: logrotate came with nginx.
        ("/etc/logrotate.d/nginx", "/var/log/nginx/demo.access.log", "localhost"),
    ],
)
def test_a_forced_rotation_loses_no_line_and_writes_none_twice(host, rule, log, host_header):
    tag = uuid.uuid4().hex[:12]
    before = requests(host, host_header, tag + "-before", 5)
    host.run_expect([0], "logrotate --force %s" % rule)
    after = requests(host, host_header, tag + "-after", 5)
    # delaycompress: the file just rotated stays plain.
    assert counts(host, log + ".1", before + after) == dict.fromkeys(before, 1) | dict.fromkeys(after, 0)
    assert counts(host, log, before + after) == dict.fromkeys(before, 0) | dict.fromkeys(after, 1)


def test_uwsgi_log_rotation_is_made_as_the_app_user(host):
    new = host.file("/var/log/uwsgi-demo/uwsgi.log")
    assert (new.user, new.group, new.mode) == ("demo", "demo", 0o640)


@pytest.fixture
def monitor(host):
    """A user in the monitoring group (adm), removed afterwards."""
    name = "mon" + uuid.uuid4().hex[:8]
    host.run_expect([0], "useradd --groups adm %s" % name)
    yield name
    host.run_expect([0], "userdel %s" % name)


def as_user(user, command):
    return "runuser -u %s -- %s" % (user, command)


def test_uwsgi_stats_answer_root_and_the_monitoring_group_only(host, monitor):
    # Where every user may read it.
    host.run_expect([0], "cat > /usr/local/lib/webstack-test-stats.py <<'EOF'\n%s\nEOF" % STATS)
    read = "python3 /usr/local/lib/webstack-test-stats.py /run/webstack-stats/demo/stats.sock"
    keys = json.loads(host.check_output(read))
    assert {"version", "workers", "listen_queue"} <= set(keys)
    assert json.loads(host.check_output(as_user(monitor, read))) == keys
    # A neighbour app's user does not even reach the directory.
    refused = host.run(as_user("blog", read))
    assert refused.rc != 0 and "PermissionError" in refused.stderr, refused.stderr
    assert host.file("/run/webstack-stats/demo").mode == 0o2750


def test_nginx_status_answers_root_and_the_monitoring_group_only(host, monitor):
    read = "curl -sS --unix-socket /run/webstack-nginx/status.sock http://localhost/status"
    assert host.check_output(read).startswith("Active connections:")
    assert host.check_output(as_user(monitor, read)).startswith("Active connections:")
    connect = "python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])' /run/webstack-nginx/status.sock"
    host.run_expect([0], connect)
    refused = host.run(as_user("demo", connect))
    assert refused.rc != 0 and "PermissionError" in refused.stderr, refused.stderr
    # Nothing of it on the apps' ports.
    assert "Active connections" not in host.check_output("curl -sS -H 'Host: localhost' http://127.0.0.1/status")


JOB_OUTPUT = "/srv/demo/data/scheduled-job.out"


def test_a_scheduled_job_runs_as_the_app_user_in_the_serving_release(host):
    host.run_expect([0], "rm -f %s" % JOB_OUTPUT)
    host.run_expect([0], "systemctl start webstack-demo.report.service")
    serving = host.check_output("readlink -f /srv/demo/current/src")
    assert host.file(JOB_OUTPUT).content_string == "demo %s /srv/demo/data\n" % serving
    assert host.file(JOB_OUTPUT).user == "demo"


@pytest.mark.parametrize("job", ["clearsessions", "report"])
def test_each_job_waits_on_its_persistent_timer(host, job):
    timer = host.service("webstack-demo.%s.timer" % job)
    assert timer.is_running and timer.is_enabled
    assert host.check_output("systemctl show -P Persistent webstack-demo.%s.timer" % job) == "yes"


def test_the_django_job_succeeds(host):
    host.run_expect([0], "systemctl start webstack-demo.clearsessions.service")
    assert host.check_output("systemctl show -P Result webstack-demo.clearsessions.service") == "success"


def test_a_failed_job_shows_in_systemctl_failed(host):
    # Its output file is a directory for once: the redirection fails.
    host.run_expect([0], f"rm -f {JOB_OUTPUT} && mkdir {JOB_OUTPUT}")
    try:
        assert host.run("systemctl start webstack-demo.report.service").rc != 0
        assert "webstack-demo.report.service" in host.check_output("systemctl --failed --plain --no-legend")
        assert "Is a directory" in host.check_output("journalctl -u webstack-demo.report.service -n 5 --no-pager")
    finally:
        host.run_expect([0], f"rmdir {JOB_OUTPUT}; systemctl reset-failed webstack-demo.report.service")
