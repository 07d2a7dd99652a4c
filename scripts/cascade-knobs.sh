#!/usr/bin/env bash
# The cascade's knobs chosen on the validation split, across seeds: for each setting
# (this project's small-data knobs, and the paper's own) and each training seed, the U-Net
# and the encoder are trained on a scripts/cascade.sh run's data and judged on the
# *validation* split only — the test split is never read here. Writes OUT/knobs/knobs.csv
# (one row a run) and OUT/knobs/knobs.md (mean and range per setting, and the choice).
#
#   scripts/cascade-knobs.sh NODULEKIT OUT [THREADS]     OUT: a finished scripts/cascade.sh run
#
# CASCADE_KNOB_SEEDS (default "1 2 3") and CASCADE_SEGMENTER_EPOCHS (12) as in cascade.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
nk=${1:?usage: cascade-knobs.sh NODULEKIT OUT [THREADS]}
run=${2:?usage: cascade-knobs.sh NODULEKIT OUT [THREADS]}
threads=${3:-2}
seeds=${CASCADE_KNOB_SEEDS:-1 2 3}
epochs=${CASCADE_SEGMENTER_EPOCHS:-12}
for f in segmentation-set/manifest.csv hospital/labels.csv hospital/annotations.csv; do
    [ -s "$run/$f" ] || { echo "cascade-knobs: $run/$f is missing: run scripts/cascade.sh first" >&2; exit 1; }
done
out=$run/knobs
rm -rf "$out" && mkdir -p "$out"
# The segmentation set's validation split is a handful of scans (5 % of the public
# patients); the hospital patients of the classification set's validation split are more,
# annotated, and never seen by a U-Net: the segmenter is also judged on them (LUNA16's FROC).
[ -s "$run/classification-set/splits.csv" ] || { echo "cascade-knobs: $run/classification-set/splits.csv is missing" >&2; exit 1; }
mkdir -p "$out/hospital-validation"
awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) c[FILENAME, $i] = i; next }
    FILENAME ~ /labels.csv$/ { p = ((FILENAME, "patient") in c) ? $(c[FILENAME, "patient"]) : $(c[FILENAME, "seriesuid"]); series[p] = series[p] " " $(c[FILENAME, "seriesuid"]); next }
    { n = split(series[$(c[FILENAME, "patient"])], s, " "); for (j = 1; j <= n; j++) print s[j] "," $(c[FILENAME, "split"]) }' \
    "$run/hospital/labels.csv" "$run/classification-set/splits.csv" | { echo "seriesuid,split"; cat; } >"$out/hospital-validation/splits.csv"

# SETTING: segmenter learning rate, nodule-pixel BCE weight, classifier learning rate, epochs
# factor, augmentation. The paper's 1e-4 gets three times the U-Net epochs: it learns slower.
declare -A knobs=(
    [ours]="1e-3 5 1e-3 1 --augment"
    [paper]="1e-4 1 1e-4 3 "
)
column() {  # CSV FILTER_COLUMN=VALUE… COLUMN: a figure read by column name
    awk -F, -v want="$3" -v filter="$2" '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; n = split(filter, f, /[=;]/); next }
        { ok = 1; for (j = 1; j < n; j += 2) if ($(c[f[j]]) != f[j + 1]) ok = 0; if (ok) { print $(c[want]); exit } }' "$1"
}
echo "setting,seed,val_dice,val_sensitivity,hospital_val_cpm,hospital_val_sensitivity_1fp,val_nodule_auc,val_nodule_accuracy,val_diameter_rule_auc,val_nodules_scored" >"$out/knobs.csv"
nodule_labels=(); [ -f "$run/hospital/lesions.csv" ] && nodule_labels=(--nodule-labels "$run/hospital/lesions.csv")
for setting in ours paper; do
    read -r seg_lr weight cls_lr factor augment <<<"${knobs[$setting]} "
    for seed in $seeds; do
        dir=$out/$setting-seed$seed
        echo "== $setting, seed $seed: segmenter lr $seg_lr, pixel weight $weight, $((epochs * factor)) epochs; classifier lr $cls_lr ${augment:-(no augmentation)}"
        "$nk" train segmenter --dataset "$run/segmentation-set" --output "$dir/segmenter" --width "${CASCADE_WIDTH:-0.125}" \
            --epochs "$((epochs * factor))" --learning-rate "$seg_lr" --positive-weight "$weight" --seed "$seed" --threads "$threads" --quiet
        "$nk" evaluate segmenter --dataset "$run/segmentation-set" --checkpoint "$dir/segmenter" --split validation \
            --output "$dir/evaluation/segmenter" --threads "$threads" >/dev/null
        "$nk" evaluate screening --dataset "$out/hospital-validation" --checkpoint "$dir/segmenter" --split validation \
            --images "$run/hospital" --annotations "$run/hospital/annotations.csv" --output "$dir/evaluation/screening" \
            --threads "$threads" --quiet >/dev/null
        # A segmenter that finds nothing leaves the classifier no pairs: its columns stay empty.
        c=$dir/evaluation/classifier/comparison.csv
        if "$nk" dataset classification --labels "$run/hospital/labels.csv" --series "$run/hospital" --segmenter "$dir/segmenter" \
                --annotations "$run/hospital/annotations.csv" --output "$dir/classification-set" --seed 11 --threads "$threads" --quiet &&
           "$nk" train classifier --dataset "$dir/classification-set" --output "$dir/classifier" --model encoder \
                --epochs 30 --learning-rate "$cls_lr" $augment --seed "$seed" --threads "$threads" --quiet &&
           "$nk" evaluate classifier --dataset "$dir/classification-set" --checkpoint "$dir/classifier" --split validation \
                --baselines ${nodule_labels[@]+"${nodule_labels[@]}"} --output "$dir/evaluation/classifier" --threads "$threads" >/dev/null; then
            # Nodules the classifier was judged on: a segmenter that finds little leaves few.
            scored=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $(c["nodule"]) > 0 { print $(c["seriesuid"]) "#" $(c["nodule"]) }' \
                "$dir/evaluation/classifier/predictions.csv" | sort -u | wc -l | tr -d ' ')
            classifier="$(column "$c" "model=encoder;level=nodules" auc),$(column "$c" "model=encoder;level=nodules" accuracy),$(column "$c" "model=diameter-rule;level=nodules" auc),$scored"
        else
            echo "cascade-knobs: $setting seed $seed: no classifier (see above); its columns are left empty" >&2
            classifier=",,,0"
        fi
        s=$dir/evaluation/segmenter/summary.csv f=$dir/evaluation/screening/sensitivities.csv
        echo "$setting,$seed,$(column "$s" "" dice),$(column "$s" "" sensitivity),$(column "$f" "fp_per_scan=cpm" sensitivity),$(column "$f" "fp_per_scan=1.0" sensitivity),$classifier" >>"$out/knobs.csv"
    done
done

# Mean and range per setting; the choice is the higher mean CPM on the hospital validation
# patients (segmenter) and the higher mean validation per-nodule AUC (classifier).
awk -F, 'NR == 1 { for (i = 3; i <= NF; i++) name[i] = $i; n = NF; next }
    { s = $1; runs[s]++; for (i = 3; i <= n; i++) { if ($i == "") continue; v = $i + 0; sum[s, i] += v; got[s, i]++
        if (!((s, i) in lo) || v < lo[s, i]) lo[s, i] = v; if (!((s, i) in hi) || v > hi[s, i]) hi[s, i] = v } }
    function mean(s, i) { return got[s, i] ? sum[s, i] / got[s, i] : -1 }
    END {
        printf "| setting | runs |"; for (i = 3; i <= n; i++) printf " %s |", name[i]; printf "\n| --- | --- |"
        for (i = 3; i <= n; i++) printf " --- |"; printf "\n"
        for (s in runs) { printf "| %s | %d |", s, runs[s]
            for (i = 3; i <= n; i++) if (got[s, i]) printf " %.3f (%.3f–%.3f) |", mean(s, i), lo[s, i], hi[s, i]; else printf " — |"
            printf "\n"
            if (best_seg == "" || mean(s, 5) > seg) { best_seg = s; seg = mean(s, 5) }
            if (best_cls == "" || mean(s, 7) > cls) { best_cls = s; cls = mean(s, 7) } }
        printf "\nChosen on validation: the segmenter knobs of \"%s\" (mean CPM %.3f on the hospital validation patients), the classifier knobs of \"%s\" (mean per-nodule AUC %.3f; val_nodules_scored says over how many nodules: an AUC over few says little). A run without a classifier (its segmenter found nothing to pair) counts in no mean.\n", best_seg, seg, best_cls, cls
    }' "$out/knobs.csv" >"$out/knobs.md"
cat "$out/knobs.md"
