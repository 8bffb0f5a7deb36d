#!/usr/bin/env bash
# Builds Knoop's image from deploy/Dockerfile and runs deploy/docker-compose.yml end to end with a
# container engine: docker (with its compose plugin or docker-compose) or podman (with podman-compose;
# or podman's Docker API: DOCKER_HOST=unix:///run/podman/podman.sock and docker-compose). It waits until
# every service is ready through the proxy, has a demo organisation submit a vacancy, waits for the
# e-mail in an SMTP sink (Compose profile `check`), and tears the stack down again.
#
#   deploy/check-images.sh
#
# Settings come from deploy/env.example with fresh random secrets (so an example that production
# refuses fails here too); the stack runs as Compose project knoop-check, beside any other.
#   KNOOP_CHECK_HTTP_PORT (8080), KNOOP_CHECK_MAIL_PORT (8025)  ports on 127.0.0.1
#   KNOOP_CHECK_KEEP=1        leave the stack running (tear down: see the last line printed)
#   PYTHON_IMAGE=<image>      a local base image, where no registry is reachable
set -euo pipefail
cd "$(dirname "$0")/.."

build_format=()
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  engine=(docker)
  if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
elif command -v podman >/dev/null; then
  engine=(podman)
  build_format=(--format docker)  # podman's default (OCI) drops the HEALTHCHECK
  if command -v podman-compose >/dev/null; then compose=(podman-compose); else compose=(podman compose); fi
elif command -v docker >/dev/null; then
  echo "check-images: docker is installed but its daemon does not answer (docker info), and there is no podman" >&2
  exit 2
else
  echo "check-images: needs docker (with a running daemon and compose) or podman (with podman-compose)" >&2
  exit 2
fi

http_port=${KNOOP_CHECK_HTTP_PORT:-8080}
https_port=${KNOOP_CHECK_HTTPS_PORT:-8443}
mail_port=${KNOOP_CHECK_MAIL_PORT:-8025}
image=knoop:check
project=knoop-check
workdir=$(mktemp -d)
envfile="$workdir/check.env"

secret() { python3 -c 'import secrets; print(secrets.token_urlsafe(32))'; }
redis_password=$(secret)
postgres_password=$(secret)

# env.example with its placeholders replaced, the mail going to the sink, and Compose's own settings.
sed -e "s/change-me-redis-password/$redis_password/g" \
    -e "s/change-me-postgres-password/$postgres_password/g" \
    -e "s|^KNOOP_SECRET_KEYS=.*|KNOOP_SECRET_KEYS=$(secret)|" \
    -e "s|^KNOOP_PUBLIC_URL=.*|KNOOP_PUBLIC_URL=https://localhost:$https_port|" \
    -e "s|^NGINX_SERVER_NAME=.*|NGINX_SERVER_NAME=localhost|" \
    -e '/^#/d' -e '/^KNOOP_SMTP_/d' -e '/^KNOOP_MAIL_FROM=/d' \
    deploy/env.example >"$envfile"
cat >>"$envfile" <<EOF
KNOOP_SMTP_HOST=mailsink
KNOOP_SMTP_PORT=1025
KNOOP_SMTP_STARTTLS=false
KNOOP_MAIL_FROM=Knoop check <noreply@knoop.invalid>
KNOOP_IMAGE=$image
KNOOP_HTTP_PORT=$http_port
KNOOP_HTTPS_PORT=$https_port
KNOOP_CERTS_DIR=$workdir/certs
KNOOP_ACME_DIR=$workdir/acme
KNOOP_CHECK_MAIL_PORT=$mail_port
EOF
if grep -q change-me "$envfile"; then
  echo "check-images: a placeholder of deploy/env.example is left: $(grep change-me "$envfile")" >&2
  exit 1
fi
# The proxy's TLS: a self-signed certificate for localhost, trusted by check_stack.py alone.
mkdir -p "$workdir/certs" "$workdir/acme"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost -keyout "$workdir/certs/privkey.pem" -out "$workdir/certs/fullchain.pem" \
  2>/dev/null
chmod a+r "$workdir/certs/privkey.pem"  # the proxy's workers read it as nginx's user
export KNOOP_CHECK_CA="$workdir/certs/fullchain.pem"
export KNOOP_ENV_FILE="$envfile"
stack=("${compose[@]}" -p "$project" -f deploy/docker-compose.yml --env-file "$envfile" --profile check)

finish() {
  status=$?
  if [ "$status" -ne 0 ]; then
    echo "check-images: FAILED; the stack's last log lines:" >&2
    "${stack[@]}" logs --tail 30 >&2 || true
  fi
  if [ "${KNOOP_CHECK_KEEP:-}" = 1 ]; then
    echo "check-images: left running; tear down with: KNOOP_ENV_FILE=$envfile ${stack[*]} down -v"
  else
    "${stack[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
    rm -rf "$workdir"
  fi
  exit "$status"
}
trap finish EXIT

echo "check-images: building $image with ${engine[0]}"
build_args=()
if [ -n "${PYTHON_IMAGE:-}" ]; then build_args=(--build-arg "PYTHON_IMAGE=$PYTHON_IMAGE"); fi
"${engine[@]}" build "${build_format[@]}" -f deploy/Dockerfile -t "$image" "${build_args[@]}" .

echo "check-images: starting the stack (${compose[*]})"
"${stack[@]}" up -d --no-build
python3 deploy/check_stack.py wait-ready "https://localhost:$https_port"

# The demo network gives an organisation and its API token (demo.json, in the container's var/).
"${stack[@]}" exec -T recruitment-web flask --app services.recruitment demo
"${stack[@]}" exec -T recruitment-web cat /srv/knoop/var/demo.json >"$workdir/demo.json"
python3 deploy/check_stack.py vacancy-mail "https://localhost:$https_port" "http://127.0.0.1:$mail_port" \
  "$workdir/demo.json"
echo "check-images: OK"
