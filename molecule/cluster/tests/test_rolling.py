"""Rolling deploys under load: app hosts switch one at a time, out of nginx meanwhile.

Each case runs site.yml on the whole cluster with the app's src replaced by a changed
copy of the demo project, while a bounded client on the web host requests the demo
through nginx (loopback, at most 2 threads, at most 150 s). Runs after test_cluster.py.
"""

import json
import os
import shutil
import time
import uuid

import testinfra
from scenario import PROJECT, changed, declared_apps, run_playbook, with_app

DEMO_SRC = os.path.join(PROJECT, "examples", "demo_site")
WEB, APP1, APP2 = (testinfra.get_host("docker://cluster-" + name) for name in ("web", "app1", "app2"))
# Printed once per batch of app hosts.
SWITCH_PLAY = "PLAY [Switch the apps to their new releases, one batch of hosts at a time]"
# The least time the client runs for, whatever the deploy takes.
LOAD_SECONDS = 60

# Requests / until /root/roll.stop exists or 150 s have passed, each on a new connection;
# prints, as JSON, the count of each (status or error, release, app host) seen. (An idle
# keep-alive connection may be closed by nginx's reload as a request is sent on it; HTTP
# clients resend an idempotent request then, and this one would count it as a failure.)
CLIENT = r"""
import collections, http.client, json, os, sys, threading, time
end, seen, lock = time.monotonic() + 150, collections.Counter(), threading.Lock()
def run():
    while time.monotonic() < end and not os.path.exists("/root/roll.stop"):
        conn = http.client.HTTPConnection("127.0.0.1", 80, timeout=30)
        try:
            conn.request("GET", "/", headers={"Host": "localhost", "Connection": "close"})
            answer = conn.getresponse()
            answer.read()
            key = "%d %s %s" % (answer.status, answer.getheader("X-Webstack-Release"), answer.getheader("X-Webstack-Host"))
        except Exception as error:
            key = type(error).__name__
        finally:
            conn.close()
        with lock:
            seen[key] += 1
threads = [threading.Thread(target=run) for _ in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps(seen))
"""


def new_release(output):
    """The release id the failed health check names."""
    return output.split("app 'demo', release ", 1)[1].split(":", 1)[0] if "app 'demo', release " in output else "?"


def release(host):
    return host.check_output("cat /srv/demo/current/RELEASE")


def changed_copy(tmp_path, views_tail):
    target = tmp_path / "demo_site"
    shutil.copytree(DEMO_SRC, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    views = target / "pages" / "views.py"
    views.write_text(views.read_text() + views_tail)
    return target


def deploy(src=None, **changes):
    """site.yml on every host of the scenario, with the demo's src (and other keys) replaced."""
    if src:
        changes["src"] = str(src)
    return run_playbook({"webstack_apps": with_app(declared_apps("cluster-app1"), "demo", **changes)})


def under_load(src):
    """Deploy while the client runs (at least LOAD_SECONDS); returns (deploy result, client counts)."""
    WEB.run_expect([0], "cat > /root/roll.py <<'EOF'\n%s\nEOF" % CLIENT)
    WEB.run_expect([0], "rm -f /root/roll.stop; nohup python3 /root/roll.py > /root/roll.out 2>/root/roll.err & echo $! > /root/roll.pid")
    started = time.monotonic()
    time.sleep(3)
    result = deploy(src)
    time.sleep(max(0.0, LOAD_SECONDS - (time.monotonic() - started)))
    WEB.run_expect([0], "touch /root/roll.stop; while kill -0 $(cat /root/roll.pid) 2>/dev/null; do sleep 0.2; done")
    return result, json.loads(WEB.check_output("cat /root/roll.out"))


def test_a_rolling_deploy_under_load_fails_no_request(tmp_path):
    old = release(APP1)
    assert release(APP2) == old
    result, seen = under_load(changed_copy(tmp_path, "\n# rolled out by test_rolling %s\n" % uuid.uuid4().hex))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    new = release(APP1)
    assert new != old and release(APP2) == new
    answers = {key: count for key, count in seen.items() if key.startswith("200 ")}
    assert answers == seen, seen  # every response a 200: no error, no transport failure
    assert sum(seen.values()) > 100, seen
    assert {key.split()[1] for key in seen} == {old, new}, seen
    assert {key.split()[2] for key in seen} == {"cluster-app1", "cluster-app2"}, seen
    # Each app host in turn was taken out of nginx's upstream and put back.
    assert result.stdout.count(SWITCH_PLAY) == 2, result.stdout[-3000:]
    for name in ("cluster-app1", "cluster-app2"):
        assert "changed: [%s -> cluster-web]" % name in result.stdout, result.stdout[-3000:]
    assert " down;" not in WEB.file("/etc/nginx/webstack.d/upstreams/demo.conf").content_string


def test_a_host_that_fails_its_health_check_stops_the_roll_out(tmp_path):
    live = release(APP1)
    broken = changed_copy(tmp_path, "\n\ndef index(request):\n    raise RuntimeError('webstack-rolling-test %s')\n" % uuid.uuid4().hex)
    result, seen = under_load(broken)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "app 'demo', release %s: the health check failed: GET / answered 500" % new_release(output) in output, output[-3000:]
    assert "Switched back to release %s." % live in output
    # app1 went first, failed, was switched back; app2 was never switched.
    assert release(APP1) == live and release(APP2) == live
    assert {key.split()[0] for key in seen} == {"200"}, seen
    assert {key.split()[1] for key in seen} == {live}, seen
    assert " down;" not in WEB.file("/etc/nginx/webstack.d/upstreams/demo.conf").content_string


def test_an_app_the_web_host_cannot_reach_is_refused_before_any_change():
    before = {name: release(host) for name, host in (("app1", APP1), ("app2", APP2))}
    upstream = WEB.file("/etc/nginx/webstack.d/upstreams/demo.conf").content_string
    result = deploy(socket="127.0.0.1:8001")
    output = " ".join((result.stdout + result.stderr).split())  # the YAML callback folds long lines
    assert result.returncode != 0
    assert (
        "web hosts cluster-web do not run the apps, so each app's socket must be 'private:PORT' (each app host's private address); "
        "not so for app demo" in output
    ), output[-3000:]
    assert "changed:" not in result.stdout
    assert {name: release(host) for name, host in (("app1", APP1), ("app2", APP2))} == before
    assert WEB.file("/etc/nginx/webstack.d/upstreams/demo.conf").content_string == upstream


def test_only_a_roll_out_goes_host_by_host():
    # The declared code again: a restart on each app host, so one batch per host.
    back = deploy()
    assert back.returncode == 0, back.stdout[-3000:] + back.stderr[-2000:]
    assert back.stdout.count(SWITCH_PLAY) == 2, back.stdout[-3000:]
    # Nothing to restart: every app host in one batch, and nothing changed anywhere.
    again = deploy()
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-2000:]
    assert again.stdout.count(SWITCH_PLAY) == 1, again.stdout[-3000:]
    hosts = ("cluster-web", "cluster-app1", "cluster-app2", "cluster-data")
    assert {name: changed(again, name) for name in hosts} == dict.fromkeys(hosts, 0)
