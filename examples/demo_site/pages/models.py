from django.db import models


class Visit(models.Model):
    """One row per request to the /data/ page."""

    created = models.DateTimeField(auto_now_add=True)
    path = models.CharField(max_length=255)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return "%s at %s" % (self.path, self.created)
