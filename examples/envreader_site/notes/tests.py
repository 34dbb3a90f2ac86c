from django.test import TestCase

from .models import Note


class IndexTests(TestCase):
    def test_counts_notes_and_names_the_engine(self):
        Note.objects.create(text='one')
        response = self.client.get('/')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()['notes'], 1)
        self.assertTrue(response.json()['engine'].startswith('django.db.backends.'))
