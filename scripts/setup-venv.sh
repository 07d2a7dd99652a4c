#!/usr/bin/env bash
# Creates the ignored .venv with the test oracles (SimpleITK, nibabel, pydicom, numpy, PyTorch's
# CPU build, onnxruntime, …).
# The toolkit never imports Python; only tests and benchmarks do. Idempotent: a stamp
# file records the requirement set that was installed.
set -euo pipefail
cd "$(dirname "$0")/.."
req=scripts/requirements-oracles.txt
stamp=.venv/.installed-$(sha1sum "$req" | cut -c1-12)
[ -f "$stamp" ] && exit 0
[ -x .venv/bin/python ] || python3 -m venv .venv
# torch's CPU build (a "+cpu" local version) is not on PyPI: take it from a local wheel folder
# when the machine has one, else from PyTorch's CPU index.
extra=()
if ! ls ${PIP_FIND_LINKS:-/nonexistent}/torch-2.13.0+cpu-*.whl >/dev/null 2>&1; then
  extra=(--extra-index-url https://download.pytorch.org/whl/cpu)
fi
.venv/bin/pip install -q --disable-pip-version-check "${extra[@]}" -r "$req"
rm -f .venv/.installed-*; touch "$stamp"
