#!/usr/bin/env bash
# Calibration of register's final-metric check (suspected misregistration, Docs/PETCT.md):
# `phantom --labelled --pet` pairs registered from their default start, from seeded starts
# near the truth (≤ 10°/axis, ≤ 20 mm/axis) and from wide starts (40°, 70 mm); one line per
# run with the target registration error against truth.tfm, the normalised MI and the flag.
#   scripts/pet/calibrate-convergence.sh NODULEKIT OUT [PATIENTS] [STARTS]
set -euo pipefail
nk=${1:?usage: calibrate-convergence.sh NODULEKIT OUT [PATIENTS] [STARTS]}
out=${2:?usage: calibrate-convergence.sh NODULEKIT OUT [PATIENTS] [STARTS]}
patients=${3:-4}
starts=${4:-3}
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-$here/../../.venv/bin/python}
mkdir -p "$out"
"$nk" phantom --labelled --pet --count "$patients" --size 80,80,30 --spacing 3.5,3.5,5 --nodules 3 --seed 5 \
    --output "$out/phantoms" --quiet >/dev/null
echo "patient,start,seed,tre_mean_mm,nmi,mi,perturbation_loss,convergence,status"
for label in $(tail -n +2 "$out/phantoms/labels.csv" | cut -d, -f1); do
    ct="$out/phantoms/$label.mhd" pet="$out/phantoms/pet/$label"
    centre=$("$python" -c "import SimpleITK as s,sys; i=s.ReadImage(sys.argv[1]); n=i.GetSize(); print(','.join(str(v) for v in i.TransformContinuousIndexToPhysicalPoint([(k-1)/2 for k in n])))" "$ct")
    runs="default,0"
    for s in $(seq 1 "$starts"); do runs="$runs near,$s wide,$s"; done
    for run in $runs; do
        mode=${run%,*} seed=${run#*,} dir="$out/runs/$label-$mode-$seed" extra=()
        mkdir -p "$dir"
        if [ "$mode" != default ]; then
            "$python" "$here/start_near_truth.py" "$pet/truth.tfm" "$centre" "$seed" "$mode" "$dir/start.tfm"
            extra=(--initial-transform "$dir/start.tfm")
        fi
        status=0
        "$nk" register --fixed "$ct" --moving "$pet/pet.nii.gz" --truth "$pet/truth.tfm" "${extra[@]}" --output "$dir" --quiet \
            >"$dir.txt" 2>&1 || status=$?
        "$python" -c "import json,sys; r=json.load(open(sys.argv[1])); c=r['convergenceCheck']
print(f\"{sys.argv[2]},{sys.argv[3]},{sys.argv[4]},{r['targetRegistrationError']['meanMM']:.2f},{c['normalisedMutualInformation']:.4f},{c['mutualInformation']:.4f},{1 - c['perturbedMutualInformation'] / c['mutualInformation']:.4f},{r['convergence']},{sys.argv[5]}\")" \
            "$dir/registration.json" "$label" "$mode" "$seed" "$status"
    done
done
