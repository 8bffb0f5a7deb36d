"""The Kubernetes overlays build (`kubectl kustomize`), are valid against Kubernetes' own schemas in
strict mode, and say what the issue asks of them: the overlay's tagged image, unprivileged pods,
scaling, disruption budgets, network policies, the Ingress, Redis. test_kubernetes_names.py checks
that what they name exists in the code.

KEDA's ScaledObject and TriggerAuthentication are custom resources, for which Kubernetes' schemas
have nothing: they are checked here by what they must say (CRD_KINDS), not skipped in silence."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

import pytest
from kubernetes_validate import utils as schemas

from tests.support.kustomize import (
    KUBERNETES,
    OVERLAYS,
    SERVICES,
    build,
    containers,
    env_file,
    knoop_pods,
    of_kind,
    pods,
    service_of,
    settings_given,
)

ROOT = KUBERNETES.parents[1]
# The oldest Kubernetes the manifests are for (a preStop `sleep` needs 1.30) and the newest whose
# schemas kubernetes-validate ships.
KUBERNETES_VERSIONS = ("1.30", "1.37")
CRD_KINDS = {("keda.sh/v1alpha1", "ScaledObject"), ("keda.sh/v1alpha1", "TriggerAuthentication")}
KNOOP_UID = 10001


@pytest.fixture(scope="module", autouse=True)
def schemas_read_once():
    """kubernetes-validate reads and parses its 1 MB of definitions for every object; read each
    schema file once (12 s → 2 s for both overlays and both versions)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schemas, "schema_contents", functools.cache(schemas.schema_contents))
        yield


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_overlay_is_valid_against_the_kubernetes_schemas_in_strict_mode(overlay, version):
    failures, validated = [], 0
    for o in build(overlay):
        if (o["apiVersion"], o["kind"]) in CRD_KINDS:
            continue  # test_keda_scales_each_worker_on_its_own_queue
        try:
            schemas.validate(o, version, strict=True)
            validated += 1
        except schemas.ValidationError as e:
            where = ".".join(str(p) for p in e.path)
            failures.append(f"{o['kind']}/{o['metadata']['name']}: {where}: {e.message}")
        except schemas.SchemaNotFoundError as e:
            failures.append(e.message)
    assert not failures, "\n".join(failures)
    assert validated > 30


def test_the_schemas_refuse_what_kubernetes_would_refuse():
    """The validator is not a rubber stamp: an unknown field and a wrong type both fail."""
    deployment = of_kind(build("small-town"), "Deployment")["recruitment-relay"]
    unknown = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    wrong_type = {**deployment, "spec": {**deployment["spec"], "replicas": "two"}}
    for broken in (unknown, wrong_type):
        with pytest.raises(schemas.ValidationError):
            schemas.validate(broken, KUBERNETES_VERSIONS[0], strict=True)


def test_only_the_national_overlay_uses_custom_resources_and_only_kedas():
    kinds = {overlay: {(o["apiVersion"], o["kind"]) for o in build(overlay)} for overlay in OVERLAYS}
    assert not kinds["small-town"] & CRD_KINDS
    assert kinds["national"] & CRD_KINDS == CRD_KINDS


def test_keda_scales_each_worker_on_its_own_queue():
    objects = build("national")
    deployments, secrets = of_kind(objects, "Deployment"), of_kind(objects, "Secret")
    [auth] = of_kind(objects, "TriggerAuthentication").values()
    assert {p["parameter"] for p in auth["spec"]["secretTargetRef"]} == {"address", "password"}
    for ref in auth["spec"]["secretTargetRef"]:
        assert ref["key"] in secrets[ref["name"]]["data"]
    scaled = of_kind(objects, "ScaledObject")
    assert set(scaled) == {f"{service}-worker" for service in SERVICES}
    for name, scaler in scaled.items():
        worker = deployments[scaler["spec"]["scaleTargetRef"]["name"]]
        command = worker["spec"]["template"]["spec"]["containers"][0]["command"]
        [trigger] = scaler["spec"]["triggers"]
        assert trigger["type"] == "redis" and trigger["authenticationRef"]["name"] == auth["metadata"]["name"]
        assert trigger["metadata"]["listName"] == command[command.index("-Q") + 1] == service_of(name)
        assert int(trigger["metadata"]["listLength"]) > 0
        assert 1 <= scaler["spec"]["minReplicaCount"] <= scaler["spec"]["maxReplicaCount"]
        assert "replicas" not in worker["spec"]  # KEDA owns the count; an apply must not reset it


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_knoop_container_runs_the_overlays_tagged_image(overlay):
    images = {c["image"] for pod in knoop_pods(build(overlay)).values() for c in containers(pod)}
    [image] = images
    name, _, tag = image.rpartition(":")
    assert "/" in name and "." in name.split("/")[0], "an image from your registry, not Docker Hub's"
    assert tag and tag != "latest"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_runs_unprivileged_on_a_read_only_root_with_its_resources_stated(overlay):
    for name, pod in pods(build(overlay)).items():
        security = pod["securityContext"]
        assert security["runAsNonRoot"] and security["runAsUser"] > 0, name
        assert security["seccompProfile"] == {"type": "RuntimeDefault"}, name
        if service_of(name) in SERVICES:
            assert security["runAsUser"] == KNOOP_UID
        assert pod["automountServiceAccountToken"] is False
        scratch = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
        for c in containers(pod):
            hardened = c["securityContext"]
            assert hardened["readOnlyRootFilesystem"] and not hardened["allowPrivilegeEscalation"], name
            assert hardened["capabilities"] == {"drop": ["ALL"]}, name
            assert any(m["mountPath"] == "/tmp" and m["name"] in scratch for m in c["volumeMounts"]), name
            assert {"cpu", "memory"} <= set(c["resources"]["requests"]), name
            assert "memory" in c["resources"]["limits"], name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_ingress_routes_as_the_proxy_does_on_the_public_urls_host_with_tls(overlay):
    from deploy.local.gateway import ROUTES

    objects = build(overlay)
    [ingress] = of_kind(objects, "Ingress").values()
    host = urlsplit(settings_given(objects)["KNOOP_PUBLIC_URL"]).hostname
    assert ingress["spec"]["ingressClassName"] and ingress["spec"]["tls"][0]["hosts"] == [host]
    [rule] = ingress["spec"]["rules"]
    routes = {p["path"]: p["backend"]["service"]["name"] for p in rule["http"]["paths"]}
    assert rule["host"] == host
    assert routes == {**{prefix: f"{service}-web" for prefix, service in ROUTES}, "/": "recruitment-web"}
    services = of_kind(objects, "Service")
    assert all(services[name]["spec"]["ports"][0]["targetPort"] == "http" for name in routes.values())


# Scaling and availability.


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_web_scales_on_cpu_relays_run_twice_and_beat_once(overlay):
    objects = build(overlay)
    deployments, autoscalers = of_kind(objects, "Deployment"), of_kind(objects, "HorizontalPodAutoscaler")
    for service in SERVICES:
        web = autoscalers[f"{service}-web"]
        assert web["spec"]["scaleTargetRef"]["name"] == f"{service}-web"
        assert web["spec"]["metrics"][0]["resource"]["name"] == "cpu" and web["spec"]["minReplicas"] >= 2
        assert "replicas" not in deployments[f"{service}-web"]["spec"]
        assert deployments[f"{service}-relay"]["spec"]["replicas"] == 2
        beat = deployments[f"{service}-beat"]["spec"]
        assert beat["replicas"] == 1 and beat["strategy"]["type"] == "Recreate"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_a_node_drain_never_takes_the_last_web_pod_or_relay_and_never_blocks_on_beat(overlay):
    objects = build(overlay)
    budgets = {
        b["spec"]["selector"]["matchLabels"]["app"]: b["spec"]
        for b in of_kind(objects, "PodDisruptionBudget").values()
    }
    for service in SERVICES:
        assert budgets[f"{service}-web"] == {**budgets[f"{service}-web"], "minAvailable": 1}
        assert budgets[f"{service}-relay"]["minAvailable"] == 1
        assert budgets[f"{service}-worker"]["maxUnavailable"] == 1
        assert f"{service}-beat" not in budgets


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_ingress_controller_reaches_the_web_pods_and_only_notifications_workers_send_mail(overlay):
    policies = of_kind(build(overlay), "NetworkPolicy")
    deny = policies["default-deny"]["spec"]
    assert deny["podSelector"] == {} and set(deny["policyTypes"]) == {"Ingress", "Egress"}
    to_web = [
        p["spec"]
        for p in policies.values()
        if "Ingress" in p["spec"]["policyTypes"] and p["spec"].get("ingress")
    ]
    web = [p for p in to_web if p["podSelector"].get("matchLabels") == {"app.kubernetes.io/component": "web"}]
    [[source]] = [rule["from"] for p in web for rule in p["ingress"]]
    assert list(source) == ["namespaceSelector"]
    smtp = [
        p["spec"]
        for p in policies.values()
        if any(port["port"] == 587 for r in p["spec"].get("egress", []) for port in r.get("ports", []))
    ]
    assert [p["podSelector"] for p in smtp] == [{"matchLabels": {"app": "notifications-worker"}}]


# Redis.


def test_the_small_towns_redis_keeps_its_data_on_a_volume_and_asks_for_a_password():
    objects = build("small-town")
    redis = of_kind(objects, "StatefulSet")["redis"]
    conf = (KUBERNETES / "overlays" / "small-town" / "redis.conf").read_text().splitlines()
    persistence = [
        line
        for line in (ROOT / "deploy" / "redis.conf").read_text().splitlines()
        if line.startswith(("appendonly", "appendfsync", "save", "maxmemory-policy"))
    ]
    assert persistence and set(persistence) <= set(conf) and "dir /data" in conf
    [claim] = redis["spec"]["volumeClaimTemplates"]
    [container] = redis["spec"]["template"]["spec"]["containers"]
    assert {"name": claim["metadata"]["name"], "mountPath": "/data"} in container["volumeMounts"]
    password = container["command"][container["command"].index("--requirepass") + 1]
    assert password == "$(REDIS_PASSWORD)"
    [source] = [e["valueFrom"]["secretKeyRef"] for e in container["env"] if e["name"] == "REDIS_PASSWORD"]
    assert source["key"] in of_kind(objects, "Secret")[source["name"]]["data"]


def test_the_examples_redis_password_is_the_one_in_the_apps_redis_url():
    for overlay in OVERLAYS:
        folder = KUBERNETES / "overlays" / overlay
        app_url = env_file(folder / "secrets.env.example")["KNOOP_REDIS_URL"]
        assert urlsplit(app_url).password == env_file(folder / "redis.env.example")["REDIS_PASSWORD"]
