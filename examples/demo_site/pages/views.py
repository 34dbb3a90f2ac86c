import os
import platform

import django
from django.core.cache import cache, caches
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from .models import Visit

# Largest upload accepted by /upload/, in bytes.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Room for the multipart framing around the file in the request body.
FORM_OVERHEAD_BYTES = 64 * 1024
# Longest stored file name (without the "uploads/" prefix).
MAX_NAME_LENGTH = 100

COUNTER_KEY = "visits"


def _text(body, status=200):
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
def index(request):
    context = {
        "now": timezone.now(),
        "pid": os.getpid(),
        "python_version": platform.python_version(),
        "django_version": django.get_version(),
    }
    response = render(request, "pages/index.html", context)
    response["X-Served-By"] = "django"
    return response


@never_cache
@require_GET
def health(request):
    # Deliberately touches neither the database nor the cache.
    return _text("ok")


def _safe_upload_name(original):
    """Turn a client-supplied file name into a short, harmless one."""
    base = os.path.basename(original or "")
    try:
        name = get_valid_filename(base)
    except SuspiciousFileOperation:
        name = "upload"
    if len(name) > MAX_NAME_LENGTH:
        stem, ext = os.path.splitext(name)
        ext = ext[:20]
        name = stem[: MAX_NAME_LENGTH - len(ext)] + ext
    return name


def _content_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


# This first, rough size check (on the whole request body) runs before the
# CSRF check on purpose: the CSRF check reads the form, and so would make
# Django parse an oversized body first. The exact check on the file's own
# size follows once the form is parsed.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def upload(request):
    if request.method == "POST" and _content_length(request) > MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES:
        return _text("upload too large (limit %d bytes)" % MAX_UPLOAD_BYTES, 413)
    return _upload_checked(request)


@never_cache
@csrf_protect
def _upload_checked(request):
    if request.method == "GET":
        return render(request, "pages/upload.html", {"max_bytes": MAX_UPLOAD_BYTES})

    uploaded = request.FILES.get("file")
    if uploaded is None:
        return _text("no file in form field 'file'", 400)
    if uploaded.size > MAX_UPLOAD_BYTES:
        return _text("upload too large (limit %d bytes)" % MAX_UPLOAD_BYTES, 413)

    saved_name = default_storage.save("uploads/" + _safe_upload_name(uploaded.name), uploaded)
    url = default_storage.url(saved_name)
    response = _text(url, 201)
    response["Location"] = url
    return response


@never_cache
@require_GET
def data(request):
    Visit.objects.create(path=request.path[:255])

    # add() is a no-op when the key exists; no timeout so the counter lasts.
    cache.add(COUNTER_KEY, 0, timeout=None)
    try:
        counter = cache.incr(COUNTER_KEY)
    except ValueError:
        # The key vanished between add() and incr() (evicted or flushed).
        cache.set(COUNTER_KEY, 1, timeout=None)
        counter = 1

    result = {
        "rows": Visit.objects.count(),
        "counter": counter,
        "db_vendor": connection.vendor,
        # caches["default"] is the backend itself; "cache" is only a proxy.
        "cache_backend": type(caches["default"]).__name__,
    }
    if request.GET.get("format") == "json":
        return JsonResponse(result)
    return render(request, "pages/data.html", result)
