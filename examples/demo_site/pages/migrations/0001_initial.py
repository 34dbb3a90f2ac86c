# Hand-written initial migration for the pages app (Django 5.2 and 6.x).
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Visit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("path", models.CharField(max_length=255)),
            ],
            options={
                "ordering": ["-created"],
            },
        ),
    ]
