"""Releases under load: a failed deploy never reaches a client, a good one reaches all of them.

Each case deploys a changed copy of the demo project (site.yml with the app's src
replaced) while a bounded load runs through nginx inside the container, on loopback. Every
response names its release (uWSGI's X-Webstack-Release header). The last case puts the
declared code back, so the host ends as converged.
"""

import json
import os
import re
import shlex
import shutil

from scenario import PROJECT, changed, declared_apps, run_playbook, with_app

DEMO_SRC = os.path.join(PROJECT, "examples", "demo_site")
# The demo's uWSGI: 2 workers, each replaced after 1000 requests (molecule.yml, defaults).
PROCESSES, MAX_REQUESTS = 2, 1000

# A bounded HTTP client, run inside the container: N threads for at most SECONDS, until
# REQUESTS responses, or until /root/load.stop exists; prints statuses, releases and
# transport errors as JSON.
LOAD = r"""
import collections, http.client, json, os, sys, threading, time
seconds, requests, threads = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
end, lock = time.monotonic() + seconds, threading.Lock()
statuses, releases, done = collections.Counter(), collections.Counter(), [0]
def run():
    conn = None
    while time.monotonic() < end and done[0] < requests and not os.path.exists("/root/load.stop"):
        try:
            conn = conn or http.client.HTTPConnection("127.0.0.1", 80, timeout=60)
            conn.request("GET", "/", headers={"Host": "localhost"})
            response = conn.getresponse()
            response.read()
            with lock:
                statuses[str(response.status)] += 1
                releases[response.getheader("X-Webstack-Release") or "none"] += 1
                done[0] += 1
        except Exception as error:
            with lock:
                statuses[type(error).__name__] += 1
            conn = None
workers = [threading.Thread(target=run) for _ in range(threads)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
print(json.dumps({"statuses": statuses, "releases": releases}))
"""


def deploy(host, src=None, playbook=None, extra=None):
    """Run site.yml (demo's src replaced) or another playbook on this host only."""
    hostname = host.backend.get_hostname()
    extra_vars = dict(extra or {})
    if src is not None:
        extra_vars["webstack_apps"] = with_app(declared_apps(hostname), "demo", src=str(src))
    return run_playbook(extra_vars, limit=hostname, playbook=playbook)


def start_load(host, seconds, requests=10**9, threads=4):
    host.run_expect([0], "cat > /root/load.py <<'EOF'\n%s\nEOF" % LOAD)
    host.run_expect(
        [0],
        "rm -f /root/load.out /root/load.stop; nohup python3 /root/load.py %d %d %d > /root/load.out 2>/root/load.err & echo $! > /root/load.pid"
        % (seconds, requests, threads),
    )


def stop_load(host):
    host.run_expect([0], "touch /root/load.stop")


def load_result(host):
    """Wait for the client (it ends by itself: bounded in time and requests), read its figures."""
    host.run_expect([0], "while kill -0 $(cat /root/load.pid) 2>/dev/null; do sleep 0.2; done")
    return json.loads(host.check_output("cat /root/load.out"))


def run_load(host, requests, threads=4):
    """A bounded load to completion: at most `requests` requests, 120 s."""
    start_load(host, 120, requests, threads)
    return load_result(host)


def workers(host):
    master = host.check_output("systemctl show -p MainPID --value uwsgi-demo")
    return set(host.check_output("pgrep -P %s || true" % master).split())


def current_release(host):
    return host.check_output("cat /srv/demo/current/RELEASE")


def project_copy(tmp_path, name="src"):
    target = tmp_path / name
    shutil.copytree(DEMO_SRC, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def assert_only(result, release):
    assert result["statuses"] and set(result["statuses"]) == {"200"}, result
    assert set(result["releases"]) == {release}, result


def failed_deploy_keeps_serving(host, src, message):
    """Deploy src under load: the play fails with message, and the live release serves on,
    before and after every worker has been replaced (more than MAX_REQUESTS each)."""
    live = current_release(host)
    start_load(host, 600)
    run = deploy(host, src)
    stop_load(host)
    during = load_result(host)
    output = run.stdout + run.stderr
    assert run.returncode != 0, output[-3000:]
    assert message.search(output), output[-3000:]
    assert current_release(host) == live
    assert_only(during, live)
    # Then until every worker has been replaced (max_requests; the kernel does not share
    # requests out evenly), in rounds of PROCESSES * MAX_REQUESTS, at most 10: each new
    # worker loads the live release.
    before, served = workers(host), 0
    for _round in range(10):
        after = run_load(host, PROCESSES * MAX_REQUESTS)
        assert_only(after, live)
        served += sum(after["statuses"].values())
        if workers(host).isdisjoint(before):
            break
    assert workers(host).isdisjoint(before), "workers not replaced after %d requests" % served
    assert served >= PROCESSES * MAX_REQUESTS
    return output


def test_code_that_does_not_import_never_goes_live(host, tmp_path):
    src = project_copy(tmp_path)
    views = src / "pages" / "views.py"
    views.write_text(views.read_text() + "\ndef broken(:\n")
    output = failed_deploy_keeps_serving(host, src, re.compile(r"app 'demo', release [0-9a-f]{12}: manage\.py check failed; release [0-9a-f]{12} still serves"))
    assert "SyntaxError" in output


def test_a_requirement_that_cannot_be_installed_never_goes_live(host, tmp_path):
    src = project_copy(tmp_path)
    (src / "requirements.txt").write_text((src / "requirements.txt").read_text() + "webstack-no-such-package==0.0.1\n")
    output = failed_deploy_keeps_serving(host, src, re.compile(r"pip could not install the requirements of /srv/demo/venvs/[0-9a-f]+ \(exit 1\)"))
    assert "webstack-no-such-package" in output


def test_a_good_release_reaches_every_worker_without_a_failed_request(host, tmp_path):
    live = current_release(host)
    src = project_copy(tmp_path)
    template = src / "pages" / "templates" / "pages" / "index.html"
    template.write_text(template.read_text() + "\n<!-- release test -->\n")
    start_load(host, 600)
    run = deploy(host, src)
    stop_load(host)
    during = load_result(host)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    new = current_release(host)
    assert new != live
    assert set(during["statuses"]) == {"200"}, during
    assert set(during["releases"]) <= {live, new}, during
    # A code-only change reuses the virtualenv: no pip run.
    assert "Install the requirements into the virtualenvs" not in run.stdout
    assert_only(run_load(host, 2 * PROCESSES * MAX_REQUESTS), new)
    assert host.file("/srv/demo/previous").linked_to == "/srv/demo/releases/%s" % live

    # On demand, the previous release comes back.
    back = deploy(host, playbook=os.path.join(PROJECT, "rollback.yml"), extra={"webstack_rollback_app": "demo"})
    assert back.returncode == 0, back.stdout[-3000:] + back.stderr[-3000:]
    assert current_release(host) == live
    assert_only(run_load(host, 200), live)


def test_a_release_that_fails_its_health_check_is_switched_back(host, tmp_path):
    live = current_release(host)
    src = project_copy(tmp_path)
    views = src / "pages" / "views.py"
    # Imports and passes `check`, but every page fails.
    views.write_text(views.read_text() + "\n\ndef index(request):\n    raise RuntimeError('webstack-health-test')\n")
    run = deploy(host, src)
    output = run.stdout + run.stderr
    assert run.returncode != 0, output[-3000:]
    assert re.search(r"app 'demo', release [0-9a-f]{12}: the health check failed: GET / answered 500", output), output[-3000:]
    assert "Switched back to release %s." % live in output
    assert "webstack-health-test" in output  # the end of the uWSGI log says why
    assert current_release(host) == live
    assert_only(run_load(host, 200), live)


def test_a_migration_is_preceded_by_a_dump_that_restores_the_rows(host, tmp_path):
    marker = "webstack-backup-%s" % host.backend.get_hostname()
    create = "from pages.models import Visit; Visit.objects.create(path=%r)" % marker
    host.run_expect([0], "/usr/local/sbin/webstack-manage demo shell --verbosity 0 -c %s" % shlex.quote(create))
    src = project_copy(tmp_path)
    migration = src / "pages" / "migrations" / "0002_webstack_release_test.py"
    migration.write_text(
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        "    dependencies = [('pages', '0001_initial')]\n"
        "    operations = [migrations.CreateModel('ReleaseTest', [('id', models.BigAutoField(primary_key=True))])]\n"
    )
    run = deploy(host, src)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    dumps = host.check_output("ls -1 /srv/demo/data/backups/").split()
    release = current_release(host)
    dump = next(name for name in dumps if name.endswith("-before-%s.sql.gz" % release))
    # Only the app's user reaches its dumps.
    assert host.file("/srv/demo/data/backups").mode == 0o700
    assert host.file("/srv/demo/data/backups").user == "demo"
    # The documented restore, into a scratch database: the row is there, the new table is not.
    host.run_expect([0], "mariadb -e 'DROP DATABASE IF EXISTS restore_test; CREATE DATABASE restore_test'")
    host.run_expect([0], "gunzip -c /srv/demo/data/backups/%s | mariadb restore_test" % dump)
    rows = host.check_output("mariadb --batch --skip-column-names restore_test -e \"SELECT path FROM pages_visit WHERE path = '%s'\"" % marker)
    tables = host.check_output("mariadb --batch --skip-column-names restore_test -e 'SHOW TABLES'").split()
    host.run_expect([0], "mariadb -e 'DROP DATABASE restore_test'")
    assert rows == marker
    assert "pages_releasetest" not in tables


def test_the_declared_code_comes_back(host):
    """Last: the host converges back to the declaration, and then a run changes nothing."""
    run = deploy(host)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    again = deploy(host)
    assert changed(again, host.backend.get_hostname()) == 0, again.stdout[-3000:]
    kept = host.check_output("ls -1 /srv/demo/releases").split()
    assert 2 <= len(kept) <= 5
