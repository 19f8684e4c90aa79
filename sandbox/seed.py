#!/usr/bin/env python3
"""Seed the IRSA sandbox: moto (IAM + EKS records) and the sandbox kube-apiserver.

Run by sandbox/sandbox with the moto virtualenv's python (boto3, requests and PyYAML come with
moto[server]); the data is in seed.yaml. Every step is idempotent: it reads what exists and
converges on the seed, so re-running changes nothing, and after a moto restart (moto keeps
everything in memory) it re-creates the AWS side while the Kubernetes side (etcd) persists.

  seed.py clusters   EKS cluster records demo-east/demo-west; writes issuers.env, clusters.json
  seed.py bootstrap  the backend's restricted Kubernetes identity and its token file
  seed.py seed       all of the above + OIDC providers, roles, policies, namespaces, SAs, pods
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
import time
import urllib.parse
from pathlib import Path

import boto3
import requests
import yaml
from botocore.exceptions import ClientError

HERE = Path(__file__).resolve().parent
STATE = Path(os.environ.get("IRSA_SANDBOX_STATE_DIR", HERE / ".state"))
PKI = STATE / "pki"
MOTO_URL = os.environ["AWS_ENDPOINT_URL"]
K8S_URL = os.environ["IRSA_SANDBOX_K8S_URL"]
MOTO_SEED = int(os.environ.get("IRSA_SANDBOX_MOTO_SEED", "4242"))
SEED = yaml.safe_load((HERE / "seed.yaml").read_text())
ACCOUNT = str(SEED["account"])
AUDIENCE = "sts.amazonaws.com"
# EKS's published root CA thumbprint; IAM ignores it for EKS issuers, moto stores it
THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
KUBERNETES_ID = "backstage.io/kubernetes-id"
ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"
SEED_TAG = {"Key": "irsa-sandbox", "Value": "seed"}


def http_session() -> requests.Session:
    """A session that ignores the environment: REQUESTS_CA_BUNDLE would override our CA, and a
    proxy must never see loopback traffic."""
    s = requests.Session()
    s.trust_env = False
    return s


def say(msg: str) -> None:
    print(f"[seed] {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------
# AWS (moto)

def aws(service: str, region: str = "us-east-1"):
    return boto3.client(service, region_name=region, endpoint_url=MOTO_URL)


def ensure_clusters() -> dict[str, dict]:
    """Create the EKS cluster records (if missing) and return name -> facts."""
    # moto draws the issuer id once per process, when its EKS module is first used: fixing the
    # RNG before that makes the issuer the same after every restart (harmless afterwards).
    http_session().post(f"{MOTO_URL}/moto-api/seed", params={"a": MOTO_SEED}, timeout=10).raise_for_status()
    facts: dict[str, dict] = {}
    for c in SEED["clusters"]:
        eks = aws("eks", c["region"])
        try:
            cluster = eks.describe_cluster(name=c["name"])["cluster"]
        except ClientError as e:
            if e.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            say(f"creating EKS cluster record {c['name']} in {c['region']}")
            cluster = eks.create_cluster(
                name=c["name"],
                version="1.34",
                roleArn=f"arn:aws:iam::{ACCOUNT}:role/irsa-demo-eks-cluster",
                resourcesVpcConfig={"subnetIds": []},
                tags={"irsa-sandbox": "seed"},
            )["cluster"]
        issuer = cluster["identity"]["oidc"]["issuer"]
        facts[c["name"]] = {
            "name": c["name"],
            "accountId": ACCOUNT,
            "region": c["region"],
            "issuer": issuer,
            "oidcProviderArn": provider_arn(issuer),
            "apiUrl": K8S_URL if c.get("kubernetes") else None,
            "caFile": str(PKI / "ca.crt") if c.get("kubernetes") else None,
            "backendTokenFile": str(STATE / "backend.token") if c.get("kubernetes") else None,
        }
    write_atomic(STATE / "clusters.json", json.dumps(list(facts.values()), indent=2) + "\n")
    env_lines = [
        f"IRSA_SANDBOX_{name.upper().replace('-', '_')}_ISSUER={f['issuer']}" for name, f in facts.items()
    ]
    write_atomic(STATE / "issuers.env", "\n".join(env_lines) + "\n")
    for f in facts.values():
        say(f"{f['name']}: {f['region']} issuer {f['issuer']}")
    return facts


def issuer_host(issuer: str) -> str:
    return issuer.removeprefix("https://")


def provider_arn(issuer: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:oidc-provider/{issuer_host(issuer)}"


def ensure_oidc_providers(iam, facts: dict[str, dict]) -> None:
    existing = {p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]}
    for c in SEED["clusters"]:
        f = facts[c["name"]]
        arn, want_ids = f["oidcProviderArn"], sorted(c["oidcProvider"]["clientIds"])
        if arn in existing:
            have = sorted(iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"])
            if have == want_ids:
                continue
            # moto does not implement Add/RemoveClientIDToOpenIDConnectProvider: recreate
            say(f"OIDC provider {arn}: client IDs {have} -> {want_ids}")
            iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        say(f"creating IAM OIDC provider for {f['issuer']}")
        iam.create_open_id_connect_provider(
            Url=f["issuer"], ClientIDList=want_ids, ThumbprintList=[THUMBPRINT], Tags=[SEED_TAG]
        )


def fill(obj, subst: dict[str, str]):
    """Replace the {placeholders} of seed.yaml in every string of obj."""
    if isinstance(obj, str):
        for k, v in subst.items():
            obj = obj.replace("{" + k + "}", v)
        return obj
    if isinstance(obj, list):
        return [fill(x, subst) for x in obj]
    if isinstance(obj, dict):
        return {fill(k, subst): fill(v, subst) for k, v in obj.items()}
    return obj


def as_doc(doc) -> dict:
    """A policy document as IAM/moto return it (dict, JSON, or URL-encoded JSON) -> dict."""
    if isinstance(doc, dict):
        return doc
    return json.loads(doc if doc.lstrip().startswith("{") else urllib.parse.unquote(doc))


def ensure_customer_policy(iam, name: str, doc: dict) -> str:
    arn = f"arn:aws:iam::{ACCOUNT}:policy/{name}"
    try:
        pol = iam.get_policy(PolicyArn=arn)["Policy"]
    except iam.exceptions.NoSuchEntityException:
        say(f"creating managed policy {name}")
        iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(doc), Tags=[SEED_TAG])
        return arn
    current = iam.get_policy_version(PolicyArn=arn, VersionId=pol["DefaultVersionId"])["PolicyVersion"]
    if as_doc(current["Document"]) != doc:
        say(f"updating managed policy {name}")
        versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
        if len(versions) >= 5:
            oldest = sorted((v for v in versions if not v["IsDefaultVersion"]), key=lambda v: v["CreateDate"])[0]
            iam.delete_policy_version(PolicyArn=arn, VersionId=oldest["VersionId"])
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(doc), SetAsDefault=True)
    return arn


def ensure_role(iam, role: dict) -> str:
    name, trust = role["name"], role["trust"]
    try:
        current = iam.get_role(RoleName=name)["Role"]
    except iam.exceptions.NoSuchEntityException:
        say(f"creating role {name}")
        current = iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=json.dumps(trust),
            Description=role.get("description", ""),
            Tags=[SEED_TAG],
        )["Role"]
    else:
        if as_doc(current["AssumeRolePolicyDocument"]) != trust:
            say(f"role {name}: resetting its trust policy to the seed's")
            iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
        if current.get("Description", "") != role.get("description", ""):
            iam.update_role(RoleName=name, Description=role.get("description", ""))
        iam.tag_role(RoleName=name, Tags=[SEED_TAG])

    # managed policies: exactly the seed's (AWS managed ones + the seed's customer managed ones)
    want = list(role.get("managedPolicies") or [])
    for pname, doc in (role.get("customerPolicies") or {}).items():
        want.append(ensure_customer_policy(iam, pname, doc))
    attached = {p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]}
    for arn in want:
        if arn not in attached:
            say(f"role {name}: attaching {arn}")
            iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    for arn in attached - set(want):
        say(f"role {name}: detaching {arn} (not in the seed)")
        iam.detach_role_policy(RoleName=name, PolicyArn=arn)

    # inline policies: exactly the seed's
    inline = role.get("inlinePolicies") or {}
    have = set(iam.list_role_policies(RoleName=name)["PolicyNames"])
    for pname, doc in inline.items():
        if pname in have:
            cur = iam.get_role_policy(RoleName=name, PolicyName=pname)["PolicyDocument"]
            if as_doc(cur) == doc:
                continue
        say(f"role {name}: putting inline policy {pname}")
        iam.put_role_policy(RoleName=name, PolicyName=pname, PolicyDocument=json.dumps(doc))
    for pname in have - set(inline):
        say(f"role {name}: deleting inline policy {pname} (not in the seed)")
        iam.delete_role_policy(RoleName=name, PolicyName=pname)
    return current["Arn"]


def ensure_role_absent(iam, name: str) -> None:
    try:
        iam.get_role(RoleName=name)
    except iam.exceptions.NoSuchEntityException:
        return
    say(f"deleting role {name} (the seed needs it to be missing)")
    for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=name, PolicyArn=p["PolicyArn"])
    for p in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        iam.delete_role_policy(RoleName=name, PolicyName=p)
    iam.delete_role(RoleName=name)


# ------------------------------------------------------------------------------------------
# Kubernetes (REST, admin client certificate)

class Kube:
    def __init__(self) -> None:
        self.s = http_session()
        self.s.cert = (str(PKI / "admin.crt"), str(PKI / "admin.key"))

    def req(self, method: str, path: str, ok=(200, 201), **kw) -> requests.Response:
        r = self.s.request(method, K8S_URL + path, timeout=30, verify=str(PKI / "ca.crt"), **kw)
        if r.status_code not in ok:
            raise RuntimeError(f"{method} {path}: HTTP {r.status_code}: {r.text[:500]}")
        return r

    def get(self, path: str):
        r = self.req("GET", path, ok=(200, 404))
        return None if r.status_code == 404 else r.json()

    def ensure(self, collection: str, obj: dict, kind_label: str) -> dict:
        """Create obj in collection, or merge-patch its labels/annotations (and given fields)."""
        name = obj["metadata"]["name"]
        cur = self.get(f"{collection}/{name}")
        if cur is None:
            say(f"creating {kind_label} {name}")
            return self.req("POST", collection, json=obj).json()
        meta = cur["metadata"]
        want_meta = obj["metadata"]
        stale = any(
            (meta.get(f) or {}).get(k) != v for f in ("labels", "annotations") for k, v in (want_meta.get(f) or {}).items()
        )
        if stale:
            say(f"patching {kind_label} {name}")
            patch = {"metadata": {f: want_meta[f] for f in ("labels", "annotations") if f in want_meta}}
            return self.req(
                "PATCH", f"{collection}/{name}", json=patch, headers={"Content-Type": "application/merge-patch+json"}
            ).json()
        return cur

    def replace_cluster_scoped(self, collection: str, obj: dict, kind_label: str) -> None:
        """Create, or replace when it differs (ClusterRole rules, ClusterRoleBinding subjects)."""
        name = obj["metadata"]["name"]
        cur = self.get(f"{collection}/{name}")
        if cur is None:
            say(f"creating {kind_label} {name}")
            self.req("POST", collection, json=obj)
            return
        fields = [k for k in obj if k not in ("apiVersion", "kind", "metadata")]
        if all(cur.get(k) == obj[k] for k in fields):
            return
        say(f"replacing {kind_label} {name}")
        obj = dict(obj, metadata=dict(obj["metadata"], resourceVersion=cur["metadata"]["resourceVersion"]))
        self.req("PUT", f"{collection}/{name}", json=obj)

    def ensure_namespace(self, ns: str) -> None:
        self.ensure("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}, "namespace")


def bootstrap(kube: Kube, issuer: str) -> None:
    """The backend's restricted identity: SA + ClusterRole + binding; a long-lived token file."""
    b = SEED["backendIdentity"]
    ns, sa, role = b["namespace"], b["serviceAccount"], b["clusterRole"]
    kube.ensure_namespace(ns)
    kube.ensure(
        f"/api/v1/namespaces/{ns}/serviceaccounts",
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": sa, "namespace": ns}},
        "service account",
    )
    kube.replace_cluster_scoped(
        "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {"name": role},
            "rules": b["rules"],
        },
        "cluster role",
    )
    kube.replace_cluster_scoped(
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": role},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
            "subjects": [{"kind": "ServiceAccount", "name": sa, "namespace": ns}],
        },
        "cluster role binding",
    )
    # like a self-managed cluster that publishes its issuer: the OIDC discovery document and
    # JWKS are readable without credentials (EKS serves them publicly too)
    kube.replace_cluster_scoped(
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": "irsa-sandbox-oidc-discovery-public"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                        "name": "system:service-account-issuer-discovery"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:unauthenticated"}],
        },
        "cluster role binding",
    )
    token_file = STATE / "backend.token"
    if token_file.exists() and token_still_good(kube, token_file.read_text().strip(), issuer, f"system:serviceaccount:{ns}:{sa}"):
        return
    say(f"requesting a token for {ns}/{sa} (TokenRequest, {b['tokenExpirationSeconds']}s)")
    r = kube.req(
        "POST",
        f"/api/v1/namespaces/{ns}/serviceaccounts/{sa}/token",
        json={"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
              "spec": {"expirationSeconds": int(b["tokenExpirationSeconds"])}},
    ).json()
    write_atomic(token_file, r["status"]["token"] + "\n", mode=0o600)
    write_atomic(
        STATE / "backend.kubeconfig",
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "demo-east", "cluster": {"server": K8S_URL, "certificate-authority": str(PKI / "ca.crt")}}],
                "users": [{"name": f"{ns}-{sa}", "user": {"tokenFile": str(token_file)}}],
                "contexts": [{"name": "demo-east", "context": {"cluster": "demo-east", "user": f"{ns}-{sa}"}}],
                "current-context": "demo-east",
            }
        ),
        mode=0o600,
    )


def token_still_good(kube: Kube, token: str, issuer: str, username: str) -> bool:
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except Exception:
        return False
    if claims.get("iss") != issuer or claims.get("exp", 0) < time.time() + 7 * 86400:
        return False
    r = http_session().post(
        f"{K8S_URL}/apis/authentication.k8s.io/v1/selfsubjectreviews",
        json={"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"},
        headers={"Authorization": f"Bearer {token}"},
        verify=str(PKI / "ca.crt"),
        timeout=10,
    )
    return r.status_code == 201 and r.json()["status"]["userInfo"]["username"] == username


WEBHOOK_TOKEN_DIR = "/var/run/secrets/eks.amazonaws.com/serviceaccount"


def pod_manifest(c: dict, role_arn: str, region: str) -> dict:
    p = c["pod"]
    env, mounts, volumes = [], [], []
    if p.get("webhookEnv"):
        # exactly what the EKS pod-identity webhook (amazon-eks-pod-identity-webhook) injects
        env = [
            {"name": "AWS_STS_REGIONAL_ENDPOINTS", "value": "regional"},
            {"name": "AWS_DEFAULT_REGION", "value": region},
            {"name": "AWS_REGION", "value": region},
            {"name": "AWS_ROLE_ARN", "value": p.get("roleArnOverride") or role_arn},
            {"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": f"{WEBHOOK_TOKEN_DIR}/token"},
        ]
        mounts = [{"name": "aws-iam-token", "mountPath": WEBHOOK_TOKEN_DIR, "readOnly": True}]
        volumes = [
            {
                "name": "aws-iam-token",
                "projected": {
                    "defaultMode": 420,
                    "sources": [
                        {"serviceAccountToken": {"audience": AUDIENCE, "expirationSeconds": 86400, "path": "token"}}
                    ],
                },
            }
        ]
    container = {"name": c["component"], "image": f"example/{c['component']}:1.0.0"}
    if env:
        container["env"] = env
        container["volumeMounts"] = mounts
    spec = {"serviceAccountName": c["serviceAccount"], "containers": [container]}
    if volumes:
        spec["volumes"] = volumes
    manifest = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": p["name"],
            "namespace": c["namespace"],
            "labels": {KUBERNETES_ID: c["component"], "app.kubernetes.io/name": c["component"]},
        },
        "spec": spec,
    }
    digest = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()[:16]
    manifest["metadata"]["annotations"] = {"irsa-sandbox/seed-hash": digest}
    return manifest


def ensure_pod(kube: Kube, manifest: dict) -> None:
    ns, name = manifest["metadata"]["namespace"], manifest["metadata"]["name"]
    path = f"/api/v1/namespaces/{ns}/pods"
    cur = kube.get(f"{path}/{name}")
    want = manifest["metadata"]["annotations"]["irsa-sandbox/seed-hash"]
    if cur is not None:
        if (cur["metadata"].get("annotations") or {}).get("irsa-sandbox/seed-hash") == want:
            return
        # a pod's spec is immutable: replace it (no kubelet, so deletion is immediate)
        say(f"replacing pod {ns}/{name}")
        kube.req("DELETE", f"{path}/{name}", json={"gracePeriodSeconds": 0})
        for _ in range(100):
            if kube.get(f"{path}/{name}") is None:
                break
            time.sleep(0.1)
    else:
        say(f"creating pod {ns}/{name}")
    kube.req("POST", path, json=manifest)


# ------------------------------------------------------------------------------------------

def write_atomic(path: Path, text: str, mode: int = 0o644) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def seed_all() -> None:
    t0 = time.time()
    facts = ensure_clusters()
    east, west = facts["demo-east"], facts["demo-west"]
    kube = Kube()
    bootstrap(kube, east["issuer"])
    iam = aws("iam")
    ensure_oidc_providers(iam, facts)
    subst = {
        "account": ACCOUNT,
        "east": issuer_host(east["issuer"]),
        "west": issuer_host(west["issuer"]),
        "east_provider": east["oidcProviderArn"],
        "west_provider": west["oidcProviderArn"],
    }
    rows = []
    for raw in SEED["components"]:
        c = fill(raw, subst)
        role = c.get("role")
        if role:
            role_arn = ensure_role(iam, role)
        else:
            role_arn = c["roleArn"]
            ensure_role_absent(iam, role_arn.rsplit("/", 1)[1])
        kube.ensure_namespace(c["namespace"])
        kube.ensure(
            f"/api/v1/namespaces/{c['namespace']}/serviceaccounts",
            {
                "apiVersion": "v1",
                "kind": "ServiceAccount",
                "metadata": {
                    "name": c["serviceAccount"],
                    "namespace": c["namespace"],
                    "labels": {KUBERNETES_ID: c["component"]},
                    "annotations": {c.get("roleAnnotationKey", ROLE_ARN_ANNOTATION): role_arn},
                },
            },
            "service account",
        )
        if c.get("pod"):
            ensure_pod(kube, pod_manifest(c, role_arn, east["region"]))
        rows.append((c["component"], f"{c['namespace']}/{c['serviceAccount']}", role_arn, c.get("pod", {}).get("name", "-")))
    w = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print(f"  {r[0]:<{w[0]}}  {r[1]:<{w[1]}}  {r[2]:<{w[2]}}  pod {r[3]}")
    say(f"seeded in {time.time() - t0:.1f}s (account {ACCOUNT}; demo-east {east['issuer']}; demo-west {west['issuer']})")


def main(argv: list[str]) -> int:
    cmd = argv[1] if len(argv) > 1 else "seed"
    if cmd == "clusters":
        ensure_clusters()
    elif cmd == "bootstrap":
        facts = json.loads((STATE / "clusters.json").read_text())
        east = next(f for f in facts if f["name"] == "demo-east")
        bootstrap(Kube(), east["issuer"])
    elif cmd == "seed":
        seed_all()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
