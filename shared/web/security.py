"""Security headers on every response; HSTS only in production (it must not pin plain-HTTP dev)."""

from __future__ import annotations

from flask import Flask, request

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; style-src-elem 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


# For an answer holding a secret shown only once (an API key): no browser or proxy keeps a copy.
NO_STORE = {"Cache-Control": "no-store"}

# The interactive API docs (Swagger UI) start with one inline script; the page shows no user content.
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")


def install_security_headers(app: Flask, production: bool) -> None:
    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        docs = request.path.startswith("/api/") and request.path.endswith("/docs")
        response.headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else CSP)
        if production:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
