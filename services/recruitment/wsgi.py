"""WSGI entry point for running recruitment on its own: gunicorn services.recruitment.wsgi:app"""

from services.recruitment import create_app
from shared.heap import freeze_startup_heap

app = create_app()
freeze_startup_heap()
