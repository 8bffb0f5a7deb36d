"""WSGI entry point for running appreciation on its own: gunicorn services.appreciation.wsgi:app"""

from services.appreciation import create_app
from shared.heap import freeze_startup_heap

app = create_app()
freeze_startup_heap()
