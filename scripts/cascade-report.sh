#!/usr/bin/env bash
# Writes the Markdown report of a scripts/cascade.sh run to standard output: the figures of
# each stage, its curves and the screening overlays (paths relative to the run folder).
#   scripts/cascade-report.sh OUT TEST_SERIES_UID SECONDS
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: scripts/cascade-report.sh OUT TEST_SERIES_UID SECONDS" >&2; exit 2; }
out=$1 test_uid=$2 seconds=$3

# The report is one here-document, whose command substitutions cannot stop the script, so
# every input is checked first: a missing one is an error naming it, not a silent hole.
missing=0
for f in public/labels.csv hospital/labels.csv times.csv segmentation-set/manifest.csv \
    evaluation/segmenter/summary.csv evaluation/segmenter/segmentation.csv evaluation/screening/sensitivities.csv \
    classification-set/manifest.csv evaluation/classifier/comparison.md \
    "screen/$test_uid/findings.csv" screen/dicom/findings.csv; do
    if [ ! -s "$out/$f" ]; then
        echo "cascade-report: $out/$f is missing or empty" >&2
        missing=1
    fi
done
[ "$missing" -eq 0 ] || exit 1

table() {  # a CSV as a Markdown table, decimals rounded to 3 places
    awk -F, 'NR == 1 { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; printf "\n|"; for (i = 1; i <= NF; i++) printf " --- |"; printf "\n"; next }
             { printf "|"; for (i = 1; i <= NF; i++) printf ($i ~ /^-?[0-9]+\.[0-9]+$/ ? " %.3f |" : " %s |"), $i; printf "\n" }' "$1"
}
count() { awk -F, -v c="$2" -v s="$3" 'NR > 1 && $c == s' "$1" | wc -l | tr -d ' '; }  # CSV COLUMN VALUE

cat <<EOF
# NoduleKit cascade report

The cascaded network of *Transfer Learning by Cascaded Network to identify and classify
lung nodules*, trained and checked on phantom CTs in ${seconds} s: the U-Net on
$(($(wc -l <"$out/public/labels.csv") - 1)) annotated "public" scans, the classifier on the discriminator's pairs of
$(($(wc -l <"$out/hospital/labels.csv") - 1)) other, patient-labelled "hospital" scans. Every number below is measured on a
**test split**: scans that no model saw in training (the U-Net never sees a hospital scan).

Time per stage (seconds):

$(table "$out/times.csv")

## 1. Segmenter (U-Net) and discriminator

Segmentation set: $(count "$out/segmentation-set/manifest.csv" 2 train) training, $(count "$out/segmentation-set/manifest.csv" 2 validation) validation and $(count "$out/segmentation-set/manifest.csv" 2 test) test slices.

$(table "$out/evaluation/segmenter/summary.csv")

Dice and IoU are pooled over the nodule slices; sensitivity and specificity are the 0.35
discriminator's on the set's slices with and without nodule pixels (the nodule-free ones are
the ± 5 margins and a few random slices, so this specificity is near-nodule specificity).

| loss | validation Dice |
| --- | --- |
| ![loss](segmenter/loss.png) | ![dice](segmenter/dice.png) |

Per scan:

$(table "$out/evaluation/segmenter/segmentation.csv")

LUNA16's FROC of the 3-D findings that screening makes on the test scans (no classifier; a finding
detects a nodule when its centre lies within the nodule's radius; score = its highest
probability):

$(table "$out/evaluation/screening/sensitivities.csv")

![FROC](evaluation/screening/froc.png)

## 2. Classifier on the screened slices

Pairs kept by the discriminator: $(count "$out/classification-set/manifest.csv" 3 train) training (the minority class served 3x), $(count "$out/classification-set/manifest.csv" 3 validation) validation, $(count "$out/classification-set/manifest.csv" 3 test) test.

$(cat "$out/evaluation/classifier/comparison.md")

Levels: *slices* every kept pair by its patient's label (the paper's measure); *nodule-slices* the pairs that
cross an annotated nodule, by the nodule's own label; *nodules* each nodule's mean over its pairs;
*size-matched-nodules* the same on malignant and benign nodules paired by diameter
(\`evaluation/classifier/size-matched.csv\`), where size alone tells the classes apart far less: a classifier
that learned only size falls there to about chance, as the diameter rule does.

| ROC, test slices | ROC, test patients |
| --- | --- |
| ![roc](evaluation/classifier/roc.png) | ![roc](evaluation/classifier/roc-patients.png) |

| encoder loss | encoder validation accuracy |
| --- | --- |
| ![loss](classifier-encoder/loss.png) | ![accuracy](classifier-encoder/accuracy.png) |

## 3. Screening

### Held-out hospital scan $test_uid ($(awk -F, -v u="$test_uid" '$1 == u { print $2 }' "$out/hospital/labels.csv") patient)

$(table "$out/screen/$test_uid/findings.csv")

$(for f in "$out/screen/$test_uid"/overlays/*.png; do [ -e "$f" ] && echo "![$(basename "$f")](screen/$test_uid/overlays/$(basename "$f"))"; done)

### DICOM series of SampleData/dicom

$(table "$out/screen/dicom/findings.csv")

$(for f in "$out/screen/dicom"/overlays/*.png; do [ -e "$f" ] && echo "![$(basename "$f")](screen/dicom/overlays/$(basename "$f"))"; done)

$(if [ -f "$out/screen/cptac/findings.csv" ]; then
    echo "### The real CPTAC-LSCC chest CT (TCIA, CC BY 3.0), lungs first"
    echo
    echo "Inside the lung mask (right lung green, left blue) and past the vessel test, $(($(wc -l <"$out/screen/cptac/findings.csv") - 1)) findings;"
    echo "without either (--no-lung-mask --no-vessel-test: all the network marks), $(($(wc -l <"$out/screen/cptac-no-lung-mask/findings.csv") - 1)),"
    echo "among them the heart, mediastinum and hilar vessels. The patient's tumour is a spiculated lesion of about 19 mm in the"
    echo "right lower lobe, near (-83, -191, -192) mm: $(awk -F, 'NR > 1 { dx = $2 + 82.6; dy = $3 + 190.9; dz = $4 + 191.5
        if (dx * dx + dy * dy + dz * dz < 100) { found = sprintf("found, as %s %d (%.0f mm, continuation %.2f)", $12, NR - 1, $5, $13) } }
        END { print found ? found : "not found by these models" }' "$out/screen/cptac/findings.csv")."
    echo "Models trained on phantoms only still take many real vessels for nodules."
    echo
    table "$out/screen/cptac/findings.csv"
    echo
    for f in "$out/screen/cptac"/overlays/*.png "$out/screen/cptac"/lung-overlays/*.png; do
        [ -e "$f" ] && echo "![$(basename "$f")](${f#"$out/"})"
    done
fi)

$([ -s "$out/pet/report.md" ] && cat "$out/pet/report.md")
EOF
