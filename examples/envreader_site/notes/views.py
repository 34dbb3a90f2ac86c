from django.conf import settings
from django.http import JsonResponse

from .models import Note


def index(request):
    """How many notes the database holds, and which backend it is: a deployed site proves it talks to MySQL."""
    return JsonResponse({'notes': Note.objects.count(), 'engine': settings.DATABASES['default']['ENGINE']})
