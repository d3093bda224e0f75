"""The Kubernetes files (deploy/k8s/*.yaml) hold together: no cluster here, so they are parsed (PyYAML) and checked.

Every object has what the API server requires; the Deployment's pods are what the Service selects and the
Ingress reaches; the container port is the one the Dockerfile serves; the probes ask Streamlit's health
endpoint; LAB_STORE_URL (a database password) comes from a Secret, never from the file; and the Ingress
keeps each browser on one replica with ingress-nginx's cookie affinity.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
REQUIRED = {  # kind -> (apiVersion, the fields its spec must have)
    "Deployment": ("apps/v1", ("selector", "template")),
    "Service": ("v1", ("selector", "ports")),
    "Ingress": ("networking.k8s.io/v1", ("rules",)),
}


def objects() -> dict[str, dict]:
    found = {}
    for path in sorted(K8S.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document is not None:
                assert document["kind"] not in found, f"two {document['kind']} objects"
                found[document["kind"]] = document
    return found


@pytest.fixture(scope="module")
def k8s() -> dict[str, dict]:
    return objects()


def container(k8s) -> dict:
    (lab,) = k8s["Deployment"]["spec"]["template"]["spec"]["containers"]
    return lab


def test_every_object_has_what_the_api_server_requires(k8s):
    assert set(k8s) == set(REQUIRED)
    for kind, (api_version, spec_fields) in REQUIRED.items():
        document = k8s[kind]
        assert document["apiVersion"] == api_version
        assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", document["metadata"]["name"])  # a DNS-1123 label
        assert all(field in document["spec"] for field in spec_fields), (kind, spec_fields)
    lab = container(k8s)
    assert lab["name"] and lab["image"]


def test_the_service_selects_the_deployments_pods_and_the_ingress_reaches_the_service(k8s):
    deployment, service, ingress = k8s["Deployment"], k8s["Service"], k8s["Ingress"]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert deployment["spec"]["replicas"] >= 2  # more than one machine's worth: the point of these files
    (rule,) = ingress["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    backend = path["backend"]["service"]
    assert path["path"] == "/" and path["pathType"] == "Prefix"
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] in {port["name"] for port in service["spec"]["ports"]}


def test_the_container_port_is_the_one_the_image_serves_and_the_probes_ask_streamlits_health(k8s):
    dockerfile = (ROOT / "Dockerfile").read_text()
    served = int(re.search(r"STREAMLIT_SERVER_PORT=(\d+)", dockerfile)[1])
    assert f"EXPOSE {served}" in dockerfile
    lab = container(k8s)
    ports = {port["name"]: port["containerPort"] for port in lab["ports"]}
    assert list(ports.values()) == [served]
    (service_port,) = k8s["Service"]["spec"]["ports"]
    assert service_port["targetPort"] in (served, *ports)  # by number or by the container port's name
    for probe in ("readinessProbe", "livenessProbe"):
        assert lab[probe]["httpGet"]["path"] == "/_stcore/health"
        assert lab[probe]["httpGet"]["port"] in (served, *ports)
    user = int(re.search(r"useradd .*--uid (\d+)", dockerfile)[1])
    pod = k8s["Deployment"]["spec"]["template"]["spec"]["securityContext"]
    assert pod["runAsNonRoot"] is True and pod["runAsUser"] == user


def test_the_store_url_comes_from_a_secret_and_no_password_is_in_the_files(k8s):
    env = {variable["name"]: variable for variable in container(k8s)["env"]}
    store = env["LAB_STORE_URL"]
    assert "value" not in store
    secret = store["valueFrom"]["secretKeyRef"]
    assert secret["name"] and secret["key"]
    for path in K8S.glob("*.yaml"):
        code = "\n".join(line.split("#", 1)[0] for line in path.read_text().splitlines())  # comments show how
        assert "postgresql://" not in code and "password" not in code.lower(), path.name
    assert "memory" in container(k8s)["resources"]["limits"]


def test_the_ingress_keeps_each_browser_on_one_replica_with_a_cookie(k8s):
    ingress = k8s["Ingress"]
    notes = ingress["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert ingress["spec"]["ingressClassName"] == "nginx"
    assert notes[prefix + "affinity"] == "cookie"
    assert notes[prefix + "session-cookie-name"]
    assert int(notes[prefix + "session-cookie-max-age"]) >= 3600  # a lesson long at least
    assert int(notes[prefix + "proxy-read-timeout"]) >= 3600  # websockets stay open for a lesson
    assert all(isinstance(value, str) for value in notes.values())  # annotations must be strings, not numbers


def test_the_readme_deploys_with_these_files_beside_compose():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("**Several machines", 1)[1].split("\n## ", 1)[0]
    assert "deploy/k8s/" in section and "kubectl apply -f deploy/k8s/" in section
    assert "LAB_STORE_URL" in section and "kubectl create secret generic lab-store" in section
    assert "compose.yaml" in readme
