#!/usr/bin/env bash
# Installs the Debian packages NoduleKit needs, only those missing. Idempotent.
set -euo pipefail
packages=(pkg-config zlib1g-dev libdeflate-dev libopenblas-dev libdcmtk-dev dcmtk libgdcm-dev python3-venv
  libopenmpi-dev openmpi-bin  # Open MPI: data-parallel training (CMPI) and mpirun for its test
  dicom3tools orthanc openssl  # dciodvfy (IOD checks), the PACS the network tests start, TLS test certificates
  time  # GNU time: peak memory in scripts/bench/memory.sh
  libdnnl-dev)  # oneDNN 2.6: NeuralNet's convolution backend (CDNNL)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "installing: ${missing[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
