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

# SETTING: segmenter learning rate, nodule-pixel BCE weight, classifier learning rate, augmentation.
declare -A knobs=(
    [ours]="1e-3 5 1e-3 --augment"
    [paper]="1e-4 1 1e-4 "
)
column() {  # CSV FILTER_COLUMN=VALUE… COLUMN: a figure read by column name
    awk -F, -v want="$3" -v filter="$2" '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; n = split(filter, f, /[=;]/); next }
        { ok = 1; for (j = 1; j < n; j += 2) if ($(c[f[j]]) != f[j + 1]) ok = 0; if (ok) { print $(c[want]); exit } }' "$1"
}
echo "setting,seed,val_dice,val_sensitivity,val_nodule_auc,val_nodule_accuracy,val_diameter_rule_auc" >"$out/knobs.csv"
for setting in ours paper; do
    read -r seg_lr weight cls_lr augment <<<"${knobs[$setting]} "
    for seed in $seeds; do
        dir=$out/$setting-seed$seed
        echo "== $setting, seed $seed: segmenter lr $seg_lr, pixel weight $weight; classifier lr $cls_lr ${augment:-(no augmentation)}"
        "$nk" train segmenter --dataset "$run/segmentation-set" --output "$dir/segmenter" --width "${CASCADE_WIDTH:-0.125}" \
            --epochs "$epochs" --learning-rate "$seg_lr" --positive-weight "$weight" --seed "$seed" --threads "$threads" --quiet
        "$nk" evaluate segmenter --dataset "$run/segmentation-set" --checkpoint "$dir/segmenter" --split validation \
            --output "$dir/evaluation/segmenter" --threads "$threads" >/dev/null
        "$nk" dataset classification --labels "$run/hospital/labels.csv" --series "$run/hospital" --segmenter "$dir/segmenter" \
            --annotations "$run/hospital/annotations.csv" --output "$dir/classification-set" --seed 11 --threads "$threads" --quiet
        "$nk" train classifier --dataset "$dir/classification-set" --output "$dir/classifier" --model encoder \
            --epochs 30 --learning-rate "$cls_lr" $augment --seed "$seed" --threads "$threads" --quiet
        "$nk" evaluate classifier --dataset "$dir/classification-set" --checkpoint "$dir/classifier" --split validation \
            --baselines --output "$dir/evaluation/classifier" --threads "$threads" >/dev/null
        s=$dir/evaluation/segmenter/summary.csv c=$dir/evaluation/classifier/comparison.csv
        echo "$setting,$seed,$(column "$s" "" dice),$(column "$s" "" sensitivity),$(column "$c" "model=encoder;level=nodules" auc),$(column "$c" "model=encoder;level=nodules" accuracy),$(column "$c" "model=diameter-rule;level=nodules" auc)" >>"$out/knobs.csv"
    done
done

# Mean and range per setting; the choice is the higher mean validation Dice (segmenter) and
# the higher mean validation per-nodule AUC (classifier).
awk -F, 'NR == 1 { for (i = 3; i <= NF; i++) name[i] = $i; n = NF; next }
    { s = $1; runs[s]++; for (i = 3; i <= n; i++) { v = $i + 0; sum[s, i] += v;
        if (!(s SUBSEP i in lo) || v < lo[s, i]) lo[s, i] = v; if (!(s SUBSEP i in hi) || v > hi[s, i]) hi[s, i] = v } }
    END {
        printf "| setting | runs |"; for (i = 3; i <= n; i++) printf " %s |", name[i]; printf "\n| --- | --- |"
        for (i = 3; i <= n; i++) printf " --- |"; printf "\n"
        for (s in runs) { printf "| %s | %d |", s, runs[s]
            for (i = 3; i <= n; i++) printf " %.3f (%.3f–%.3f) |", sum[s, i] / runs[s], lo[s, i], hi[s, i]; printf "\n"
            if (best_seg == "" || sum[s, 3] / runs[s] > seg) { best_seg = s; seg = sum[s, 3] / runs[s] }
            if (best_cls == "" || sum[s, 5] / runs[s] > cls) { best_cls = s; cls = sum[s, 5] / runs[s] } }
        printf "\nChosen on validation: the segmenter knobs of \"%s\" (mean Dice %.3f), the classifier knobs of \"%s\" (mean per-nodule AUC %.3f).\n", best_seg, seg, best_cls, cls
    }' "$out/knobs.csv" >"$out/knobs.md"
cat "$out/knobs.md"
