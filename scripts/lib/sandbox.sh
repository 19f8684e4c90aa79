# shellcheck shell=bash
# The sandbox as the scripts see it. A script stops only a sandbox it started itself: one that
# was already running (another terminal's scripts/start --keep-sandbox, a developer's own
# sandbox/sandbox start) is someone else's.

# irsa_sandbox_running: any part of the sandbox (moto, etcd, kube-apiserver) is up
irsa_sandbox_running() {
  local status
  # `status` exits 3 unless every part runs; its lines read "<part> running|starting|stopped ..."
  status="$("$IRSA_ROOT/sandbox/sandbox" status 2>/dev/null || true)"
  awk '$2 == "running" || $2 == "starting" { up = 1 } END { exit !up }' <<<"$status"
}
