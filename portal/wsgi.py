import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Before the settings are read: this process serves the web, and gets the
# web's database timeouts (portal/settings.py), not a command's.
os.environ.setdefault("OPPNA_BESLUT_PROCESS", "web")

application = get_wsgi_application()
