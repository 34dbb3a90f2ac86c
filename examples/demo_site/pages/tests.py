import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

from django.conf import settings
from django.core.cache import cache, caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from .models import Visit
from .views import MAX_UPLOAD_BYTES


class IndexAndHealthTests(TestCase):
    def test_index_is_dynamic(self):
        response = self.client.get(reverse("index"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["X-Served-By"], "django")
        self.assertContains(response, "webstack.django demo")
        self.assertContains(response, "Rendered by Django")
        self.assertContains(response, str(os.getpid()))
        self.assertContains(response, "pages/style.css")
        for link in ("/upload/", "/data/", "/admin/"):
            self.assertContains(response, 'href="%s"' % link)

    def test_health_is_plain_ok_without_queries(self):
        with self.assertNumQueries(0):
            response = self.client.get("/health/")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/plain"))
        self.assertEqual(response.content, b"ok")


# Same cache backend as configured (LocMem or Redis), but under a key prefix
# of its own, so running the tests never touches the site's real counter.
TEST_CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": "demo-site-tests"}}


@override_settings(CACHES=TEST_CACHES)
class DataTests(TestCase):
    def setUp(self):
        cache.delete("visits")
        self.addCleanup(cache.delete, "visits")

    def test_json_counts_rows_and_counter(self):
        first = self.client.get("/data/", {"format": "json"}).json()
        second = self.client.get("/data/", {"format": "json"}).json()
        self.assertEqual(first["rows"], 1)
        self.assertEqual(second["rows"], 2)
        self.assertEqual(second["counter"], first["counter"] + 1)
        self.assertEqual(second["db_vendor"], connection.vendor)
        self.assertEqual(second["cache_backend"], type(caches["default"]).__name__)
        self.assertEqual(Visit.objects.filter(path="/data/").count(), 2)

    def test_html(self):
        response = self.client.get("/data/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "pages/data.html")
        self.assertContains(response, type(caches["default"]).__name__)

    def test_counter_recovers_when_key_disappears(self):
        self.client.get("/data/", {"format": "json"})
        cache.delete("visits")
        result = self.client.get("/data/", {"format": "json"}).json()
        self.assertEqual(result["counter"], 1)


class UploadTests(TestCase):
    def setUp(self):
        self.media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.media)
        overrides = override_settings(MEDIA_ROOT=self.media, MEDIA_URL="/media/")
        overrides.enable()
        self.addCleanup(overrides.disable)
        self.client = Client(enforce_csrf_checks=True)

    def _token(self):
        response = self.client.get("/upload/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'enctype="multipart/form-data"')
        return response.cookies["csrftoken"].value

    def test_round_trip(self):
        token = self._token()
        upload = SimpleUploadedFile("../My Report!.txt", b"hello demo\n")
        response = self.client.post("/upload/", {"file": upload}, HTTP_X_CSRFTOKEN=token)
        self.assertEqual(response.status_code, 201)
        url = response.content.decode()
        self.assertEqual(response["Location"], url)
        self.assertTrue(url.startswith("/media/uploads/"), url)
        path = os.path.join(self.media, url[len("/media/") :])
        with open(path, "rb") as handle:
            self.assertEqual(handle.read(), b"hello demo\n")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o644)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode), 0o755)

    def test_post_without_csrf_token_is_refused(self):
        upload = SimpleUploadedFile("a.txt", b"x")
        response = self.client.post("/upload/", {"file": upload})
        self.assertEqual(response.status_code, 403)

    def test_missing_file_is_400(self):
        token = self._token()
        response = self.client.post("/upload/", {}, HTTP_X_CSRFTOKEN=token)
        self.assertEqual(response.status_code, 400)

    def test_too_large_is_413(self):
        token = self._token()
        upload = SimpleUploadedFile("big.bin", b"\0" * (MAX_UPLOAD_BYTES + 1))
        response = self.client.post("/upload/", {"file": upload}, HTTP_X_CSRFTOKEN=token)
        self.assertEqual(response.status_code, 413)
        self.assertFalse(os.path.exists(os.path.join(self.media, "uploads")))

    def test_exactly_the_limit_is_accepted(self):
        token = self._token()
        upload = SimpleUploadedFile("edge.bin", b"\1" * MAX_UPLOAD_BYTES)
        response = self.client.post("/upload/", {"file": upload}, HTTP_X_CSRFTOKEN=token)
        self.assertEqual(response.status_code, 201)

    def test_oversized_body_is_refused_before_parsing(self):
        # No CSRF token: the size check must answer before the CSRF check.
        response = self.client.generic(
            "POST",
            "/upload/",
            b"x" * 10,
            content_type="multipart/form-data; boundary=xyz",
            CONTENT_LENGTH=str(50 * 1024 * 1024),
        )
        self.assertEqual(response.status_code, 413)


class SettingsFromEnvironmentTests(SimpleTestCase):
    """Import the settings module in a fresh interpreter with a chosen env."""

    def _load(self, **env):
        clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        clean.update(env)
        code = (
            "import json, demo_site.settings as s; print(json.dumps({"
            "'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, 'db': s.DATABASES,"
            "'cache': s.CACHES['default'], 'session': s.SESSION_ENGINE,"
            "'static_root': s.STATIC_ROOT, 'log': s.LOG_LEVEL}))"
        )
        return subprocess.run(
            [sys.executable, "-c", code],
            cwd=settings.BASE_DIR,
            env=clean,
            check=False,
            capture_output=True,
            text=True,
        )

    def test_secret_key_required_without_debug(self):
        result = self._load()
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImproperlyConfigured", result.stderr)

    def test_debug_allows_missing_secret_key(self):
        result = self._load(DJANGO_DEBUG="true")
        self.assertEqual(result.returncode, 0, result.stderr)
        values = json.loads(result.stdout)
        self.assertTrue(values["debug"])
        self.assertEqual(values["hosts"], ["localhost", "127.0.0.1"])
        self.assertEqual(values["db"]["default"]["ENGINE"], "django.db.backends.sqlite3")
        self.assertEqual(values["session"], "django.contrib.sessions.backends.db")

    def test_mysql_redis_and_paths(self):
        result = self._load(
            DJANGO_SECRET_KEY="k",
            DJANGO_ALLOWED_HOSTS=" demo.example , ,10.0.0.5",
            DJANGO_DB_ENGINE="mysql",
            DJANGO_DB_NAME="demo",
            DJANGO_DB_USER="demo",
            DJANGO_DB_PASSWORD="pw",
            DJANGO_DB_HOST="/run/mysqld/mysqld.sock",
            DJANGO_REDIS_URL="unix:///run/redis/redis-server.sock?db=0",
            DJANGO_STATIC_ROOT="/srv/demo/static",
            DJANGO_LOG_LEVEL="warning",
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        values = json.loads(result.stdout)
        self.assertFalse(values["debug"])
        self.assertEqual(values["hosts"], ["demo.example", "10.0.0.5"])
        db = values["db"]["default"]
        self.assertEqual(db["ENGINE"], "django.db.backends.mysql")
        self.assertEqual(db["HOST"], "/run/mysqld/mysqld.sock")
        self.assertEqual(db["PORT"], "")
        self.assertEqual(db["OPTIONS"], {"charset": "utf8mb4"})
        self.assertEqual(values["cache"]["BACKEND"], "django.core.cache.backends.redis.RedisCache")
        self.assertEqual(values["session"], "django.contrib.sessions.backends.cache")
        self.assertEqual(values["static_root"], "/srv/demo/static")
        self.assertEqual(values["log"], "WARNING")

    def test_unknown_db_engine_is_refused(self):
        result = self._load(DJANGO_SECRET_KEY="k", DJANGO_DB_ENGINE="oracle")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_DB_ENGINE", result.stderr)
