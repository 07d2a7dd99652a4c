#!/usr/bin/env bash
# Creates the ignored .venv with the test oracles (SimpleITK, nibabel, pydicom, numpy).
# The toolkit never imports Python; only tests and benchmarks do. Idempotent: a stamp
# file records the requirement set that was installed.
set -euo pipefail
cd "$(dirname "$0")/.."
req=scripts/requirements-oracles.txt
stamp=.venv/.installed-$(sha1sum "$req" | cut -c1-12)
[ -f "$stamp" ] && exit 0
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r "$req"
rm -f .venv/.installed-*; touch "$stamp"
