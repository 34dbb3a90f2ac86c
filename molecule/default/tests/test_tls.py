"""HTTPS as molecule.yml declares it, seen from inside each container.

demo: a self-signed certificate made on the host, plain HTTP beside HTTPS, HSTS by default.
blog: the certificate and key given in the inventory, plain HTTP beside HTTPS.
startproject: a certificate from pebble (prepare.yml), a real ACME server on the host that
validates each HTTP-01 challenge through nginx on port 80; HTTPS only, every HSTS option.
"""

import re
import shlex

import pytest
from scenario import declared_apps, run_playbook, with_app

PEBBLE_API_CA = "/etc/pebble/api-ca.pem"
PEBBLE_ROOT = "/tmp/pebble-root.pem"
ACME_NAME = "startproject.test"
STARTPROJECT_HSTS = "max-age=31536000; includeSubDomains; preload"
# The test-only pair of molecule.yml, by its SHA-256 fingerprint.
BLOG_FINGERPRINT = "sha256 Fingerprint=" + ("E1:3A:B1:B4:60:B0:01:13:CE:1A:33:52:C3:F0:C2:F5:F6:F9:8E:DA:D6:0F:B9:F9:49:A5:94:31:32:5E:27:CE")


def curl(host, url, name, *curl_args):
    """curl the URL for this server name, resolved to 127.0.0.1; returns (rc, status, headers, body).

    The headers come back as a list of (lower-case name, value) pairs, repeated ones kept.
    """
    port = 443 if url.startswith("https:") else 80
    argv = ["curl", "-sS", "-D", "/tmp/tls-headers", "-o", "/tmp/tls-body", "-w", "%{http_code}", "--resolve", "%s:%d:127.0.0.1" % (name, port)]
    argv += list(curl_args) + [url]
    cmd = host.run(" ".join(shlex.quote(arg) for arg in argv))
    if cmd.rc != 0:
        return cmd.rc, None, [], cmd.stderr
    headers = [
        (key.strip().lower(), value.strip())
        for key, _colon, value in (line.partition(":") for line in host.file("/tmp/tls-headers").content_string.splitlines()[1:])
        if value
    ]
    return 0, int(cmd.stdout), headers, host.file("/tmp/tls-body").content_string


def header(headers, name):
    return [value for key, value in headers if key == name]


@pytest.fixture(scope="module")
def pebble_root(host):
    """pebble's root CA, new at each start of pebble, from its management port."""
    host.run_expect([0], "curl -sSf --cacert %s -o %s https://localhost:15000/roots/0" % (PEBBLE_API_CA, PEBBLE_ROOT))
    return PEBBLE_ROOT


def served_certificate(host, name):
    """The certificate nginx presents for this server name (SNI), in PEM form."""
    out = host.check_output("openssl s_client -connect 127.0.0.1:443 -servername %s </dev/null 2>/dev/null | openssl x509" % name)
    assert out.startswith("-----BEGIN CERTIFICATE-----")
    return out


def serial(host, pem):
    return host.check_output("printf '%%s\\n' %s | openssl x509 -noout -serial" % shlex.quote(pem))


@pytest.mark.parametrize("version", ["-tls1", "-tls1_1", "-tls1_2", "-tls1_3"])
def test_only_tls_1_2_and_1_3_are_accepted(host, version):
    # The client offers the old protocols too (security level 0), so a refusal is the server's.
    cmd = host.run("openssl s_client -connect 127.0.0.1:443 -servername localhost %s -cipher DEFAULT@SECLEVEL=0 </dev/null" % version)
    if version in ("-tls1_2", "-tls1_3"):
        assert cmd.rc == 0, cmd.stderr
        assert re.search(r"(Protocol\s*: |New, )TLSv1\.%s\b" % version[-1], cmd.stdout), cmd.stdout
    else:
        assert cmd.rc == 1
        assert "alert protocol version" in cmd.stderr, cmd.stderr


def test_http2_is_negotiated(host):
    cmd = host.run("curl -sSk --http2 -o /dev/null -w '%{http_version}' --resolve localhost:443:127.0.0.1 https://localhost/")
    assert (cmd.rc, cmd.stdout) == (0, "2")


def test_the_acme_certificate_verifies_against_pebbles_root(host, pebble_root):
    rc, status, _headers, body = curl(host, "https://%s/admin/login/" % ACME_NAME, ACME_NAME, "--cacert", pebble_root)
    assert (rc, status) == (0, 200), body
    assert "Django administration" in body or "Django site admin" in body
    # Not trusted by anything else: the system's store rejects it.
    rc, _status, _headers, stderr = curl(host, "https://%s/admin/login/" % ACME_NAME, ACME_NAME)
    assert rc == 60, stderr
    issuer = host.check_output("printf '%%s\\n' %s | openssl x509 -noout -issuer" % shlex.quote(served_certificate(host, ACME_NAME)))
    assert "Pebble Intermediate CA" in issuer


def test_the_provided_certificate_is_served_for_its_name(host):
    pem = served_certificate(host, "blog.test")
    assert host.check_output("printf '%%s\\n' %s | openssl x509 -noout -fingerprint -sha256" % shlex.quote(pem)) == BLOG_FINGERPRINT
    # It is its own CA: curl verifies it against itself.
    host.run_expect([0], "printf '%%s\\n' %s > /tmp/blog.crt" % shlex.quote(pem))
    rc, status, _headers, body = curl(host, "https://blog.test/", "blog.test", "--cacert", "/tmp/blog.crt")
    assert (rc, status) == (0, 200), body
    assert "Rendered by Django" in body


def test_keys_are_root_only(host):
    tls_dir = host.file("/etc/ssl/webstack")
    assert (tls_dir.user, tls_dir.group, tls_dir.mode) == ("root", "root", 0o700)
    keys = host.check_output("find /etc/ssl/webstack -name '*.key' -printf '%f %u %m\\n'").splitlines()
    # demo's self-signed key and blog's provided one.
    assert sorted(line.split("-")[0] for line in keys) == ["blog", "demo"]
    assert all(line.endswith(" root 600") for line in keys), keys
    # The master reads them as root; the workers run as www-data.
    assert host.run("setpriv --reuid=www-data --regid=www-data --clear-groups ls /etc/ssl/webstack").rc == 2


def test_plain_http_redirects_to_https_except_the_acme_challenge(host):
    rc, status, headers, _body = curl(host, "http://%s/admin/login/?next=/admin/" % ACME_NAME, ACME_NAME)
    assert (rc, status) == (0, 301)
    assert header(headers, "location") == ["https://%s/admin/login/?next=/admin/" % ACME_NAME]
    token = "webstack-test-token-5d1c"
    challenges = "/var/lib/webstack/acme/.well-known/acme-challenge"
    host.run_expect([0], "mkdir -p %s && echo proof > %s/%s" % (challenges, challenges, token))
    try:
        rc, status, _headers, body = curl(host, "http://%s/.well-known/acme-challenge/%s" % (ACME_NAME, token), ACME_NAME)
        assert (rc, status, body) == (0, 200, "proof\n")
    finally:
        host.run("rm -f %s/%s" % (challenges, token))
    # An app that serves both does not redirect.
    rc, status, _headers, body = curl(host, "http://localhost/", "localhost")
    assert (rc, status) == (0, 200) and "Rendered by Django" in body


@pytest.mark.parametrize("path", ["/admin/login/", "/static/admin/css/base.css"])
def test_one_hsts_header_on_every_https_response(host, pebble_root, path):
    rc, status, headers, _body = curl(host, "https://%s%s" % (ACME_NAME, path), ACME_NAME, "--cacert", pebble_root)
    assert (rc, status) == (0, 200)
    assert header(headers, "strict-transport-security") == [STARTPROJECT_HSTS]


def test_hsts_only_over_https(host):
    rc, status, headers, _body = curl(host, "https://localhost/", "localhost", "-k")
    assert (rc, status, header(headers, "strict-transport-security")) == (0, 200, ["max-age=63072000"])
    rc, status, headers, _body = curl(host, "http://localhost/", "localhost")
    assert (rc, status, header(headers, "strict-transport-security")) == (0, 200, [])


def test_django_knows_the_request_is_secure(host, pebble_root):
    # SECURE_SSL_REDIRECT is on: without nginx's HTTPS parameter this would redirect forever.
    rc, status, headers, _body = curl(host, "https://%s/admin/login/" % ACME_NAME, ACME_NAME, "--cacert", pebble_root)
    assert (rc, status) == (0, 200)
    csrf = [value for value in header(headers, "set-cookie") if value.startswith("csrftoken=")]
    assert len(csrf) == 1 and "; Secure" in csrf[0], headers


def test_check_deploy_is_clean_with_tls_on(host):
    check = host.run("/usr/local/sbin/webstack-manage startproject check --deploy --fail-level WARNING")
    assert (check.rc, check.stdout.strip()) == (0, "System check identified no issues (0 silenced)."), check.stdout + check.stderr


def test_an_app_served_over_both_is_told_what_it_lacks(host):
    # demo keeps plain HTTP (tls.redirect false) and a short HSTS without subdomains or
    # preload: Django's deploy check names exactly that (no redirect, cookies sent over
    # HTTP too; W005, W021), and nothing else.
    check = host.run("/usr/local/sbin/webstack-manage demo check --deploy")
    found = sorted(set(re.findall(r"\(security\.(W\d+)\)", check.stdout + check.stderr)))
    assert found == ["W005", "W008", "W012", "W016", "W021"], check.stdout + check.stderr


def test_certbot_renews_by_its_timer_and_nginx_serves_the_new_certificate(host, pebble_root):
    timer = host.service("certbot.timer")
    assert timer.is_enabled and timer.is_running
    before = serial(host, served_certificate(host, ACME_NAME))
    # pebble issues for 14 days (prepare.yml), inside certbot's 30-day window: the run renews.
    host.run_expect([0], "systemctl start certbot.service")
    after = serial(host, served_certificate(host, ACME_NAME))
    assert after != before
    live = host.check_output("openssl x509 -noout -serial -in /etc/letsencrypt/live/$(ls /etc/letsencrypt/live | grep ^startproject-)/fullchain.pem")
    assert live == after
    rc, status, _headers, _body = curl(host, "https://%s/admin/login/" % ACME_NAME, ACME_NAME, "--cacert", pebble_root)
    assert (rc, status) == (0, 200)


def test_nginx_has_the_descriptors_for_its_connections(host):
    conf = host.file("/etc/nginx/nginx.conf").content_string
    connections = int(re.search(r"worker_connections (\d+);", conf).group(1))
    assert "worker_rlimit_nofile %d;" % (2 * connections) in conf
    # The workers hold the connections; each raises its own limit at start.
    workers = host.check_output("ps -o pid= --ppid $(cat /run/nginx.pid)").split()
    assert len(workers) >= 1
    for pid in workers:
        limits = host.file("/proc/%s/limits" % pid).content_string
        assert re.search(r"Max open files\s+%d\s+%d\s" % (2 * connections, 2 * connections), limits), limits
    unit = host.file("/etc/systemd/system/nginx.service.d/webstack-limits.conf").content_string
    assert "LimitNOFILE=%d\n" % (2 * connections) in unit


def lineages(host):
    return sorted(host.check_output("ls /etc/letsencrypt/renewal").split())


def test_new_acme_names_are_served_only_once_issued(host, pebble_root):
    """Last in this file: it converges the host three times (CA down, CA up, the inventory again)."""
    hostname = host.backend.get_hostname()
    apps = declared_apps(hostname)
    renamed = with_app(apps, "startproject", server_names=[ACME_NAME, "www." + ACME_NAME])
    before, issued = served_certificate(host, ACME_NAME), lineages(host)
    assert len(issued) == 1 and issued[0].startswith("startproject-acme-")
    json_output = {"ANSIBLE_CALLBACK_RESULT_FORMAT": "json"}

    # The CA out of reach: the run stops, and the site serves on with its certificate.
    down = "https://localhost:14009/dir"
    run = run_playbook({"webstack_apps": renamed, "nginx_acme_directory": down}, limit=hostname, env=json_output, timeout=600)
    assert run.returncode == 2, run.stdout[-3000:]
    failed = run.stdout + run.stderr
    assert "certbot could not get a certificate from %s for startproject: nginx keeps serving them as before" % down in failed
    assert "Connection refused" in failed  # certbot's own words
    assert served_certificate(host, ACME_NAME) == before and lineages(host) == issued
    rc, status, _headers, _body = curl(host, "https://%s/admin/login/" % ACME_NAME, ACME_NAME, "--cacert", pebble_root)
    assert (rc, status) == (0, 200)

    # The CA back: the new certificate is issued, then served; the old one is deleted.
    run = run_playbook({"webstack_apps": renamed}, limit=hostname, env=json_output, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:]
    after = served_certificate(host, "www." + ACME_NAME)
    names = host.check_output("printf '%%s\\n' %s | openssl x509 -noout -ext subjectAltName" % shlex.quote(after))
    assert sorted(re.findall(r"DNS:([^,\s]+)", names)) == [ACME_NAME, "www." + ACME_NAME]
    assert served_certificate(host, ACME_NAME) == after != before
    assert len(lineages(host)) == 1 and lineages(host) != issued
    for name in (ACME_NAME, "www." + ACME_NAME):
        rc, status, _headers, _body = curl(host, "https://%s/admin/login/" % name, name, "--cacert", pebble_root)
        assert (rc, status) == (0, 200)

    # As the inventory says again.
    run = run_playbook(None, limit=hostname, env=json_output, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:]
    # The inventory's names again: a certificate of their own (the first one was deleted).
    assert lineages(host) == issued
    assert served_certificate(host, ACME_NAME) not in (before, after)
