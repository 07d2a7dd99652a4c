#!/usr/bin/env bash
# The cascade's PET reference (issue 10), after scripts/cascade.sh has screened: for a few
# held-out hospital patients (the classification set's test split), the phantom PET that
# `phantom --pet` wrote (hospital/pet/<uid>/) is registered to its CT, the cascade's screen
# findings are measured in it (pet-compare, liver reference from the phantom), and the
# classifier's call is set against the PET reading.
# Writes OUT/pet/<uid>/{registration,compare,annotated}/, OUT/pet/findings.csv, OUT/pet/annotated.csv (the
# phantom's own lesions read in the PET), OUT/pet/patients.csv
# and OUT/pet/report.md (the "PET reference" section of the cascade report).
#   scripts/cascade-pet.sh NODULEKIT OUT [THREADS]
# CASCADE_PET_PATIENTS (default 3) sets how many test patients.
set -euo pipefail
nk=${1:?usage: cascade-pet.sh NODULEKIT OUT [THREADS]}
out=${2:?usage: cascade-pet.sh NODULEKIT OUT [THREADS]}
threads=${3:-2}
patients=${CASCADE_PET_PATIENTS:-3}
root="$out/pet"
rm -rf "$root" && mkdir -p "$root"

# Test patients, malignant and benign alternating while both last.
uids=$(awk -F, 'FNR == NR { label[$1] = $2; next } FNR > 1 && $3 == "test" && !seen[$2]++ { list[label[$2]] = list[label[$2]] " " $2 }
    END { nm = split(list["malignant"], m, " "); nb = split(list["benign"], b, " ")
          for (i = 1; i <= (nm > nb ? nm : nb); i++) { if (i <= nm) print m[i]; if (i <= nb) print b[i] } }' \
    "$out/hospital/labels.csv" "$out/classification-set/manifest.csv" | head -n "$patients")
[ -n "$uids" ] || { echo "cascade-pet: the classification set has no test patient" >&2; exit 1; }
echo "seriesuid,patient,finding,diameter_mm,malignancy,call,suv_max,suv_peak,pet_status" >"$root/findings.csv"
echo "seriesuid,patient,findings,tre_mean_mm,tre_max_mm,converged,liver_suv_mean" >"$root/patients.csv"
echo "seriesuid,patient,lesion,diameter_mm,suv_max,suv_peak,pet_status" >"$root/annotated.csv"
for uid in $uids; do
    pet="$out/hospital/pet/$uid"
    [ -s "$pet/pet.nii.gz" ] || { echo "cascade-pet: $pet/pet.nii.gz is missing (phantom --pet)" >&2; exit 1; }
    label=$(awk -F, -v u="$uid" '$1 == u { print $2 }' "$out/hospital/labels.csv")
    screen="$out/screen/$uid"
    [ -s "$screen/findings.csv" ] || "$nk" screen "$out/hospital/$uid.mhd" --segmenter "$out/segmenter" \
        --classifier "$out/classifier-encoder" --output "$screen" --threads "$threads" --quiet >/dev/null
    # Status 3: a suspected misregistration (written, but flagged); recorded, not fatal.
    status=0
    "$nk" register --fixed "$out/hospital/$uid.mhd" --moving "$pet/pet.nii.gz" --truth "$pet/truth.tfm" \
        --output "$root/$uid/registration" --threads "$threads" --quiet >"$root/$uid.register.txt" 2>&1 || status=$?
    [ "$status" = 0 ] || [ "$status" = 3 ] || { cat "$root/$uid.register.txt" >&2; exit "$status"; }
    tre=$(sed -n 's/^target registration error .*: mean \([0-9.]*\) mm, largest \([0-9.]*\) mm.*/\1,\2/p' "$root/$uid.register.txt")
    converged=$(grep -q "^convergence: converged" "$root/$uid.register.txt" && echo yes || echo no)
    found=$(($(wc -l <"$screen/findings.csv") - 1))
    sphere=$(awk -F, '$1 == "liver" { print $2 "," $3 "," $4 "," $5 }' "$pet/reference.csv")
    if [ "$found" -gt 0 ]; then
        "$nk" pet-compare --ct "$out/hospital/$uid.mhd" --pet "$pet/pet.nii.gz" --findings "$screen" \
            --transform "$root/$uid/registration/transform.tfm" ${sphere:+--reference-sphere="$sphere"} \
            --output "$root/$uid/compare" >"$root/$uid.compare.txt"
        # pet_reference.csv: label,x,y,z,diameter,volume,suv_max,suv_mean,suv_peak,…,pet_status (15),malignancy (16)
        awk -F, -v u="$uid" -v p="$label" 'NR > 1 {
            call = ($16 == "" ? "" : ($16 > 0.5 ? "malignant" : "benign"))
            printf "%s,%s,%s,%.1f,%s,%s,%s,%s,%s\n", u, p, $1, $5, $16, call, $7, $9, $15 }' \
            "$root/$uid/compare/pet_reference.csv" >>"$root/findings.csv"
    fi
    # The phantom's annotated lesions themselves (spheres of their diameters), whatever screen found.
    mkdir -p "$root/$uid/scan"
    cp "$out/hospital/$uid".* "$root/$uid/scan/"   # masks reads a folder (and no data file outside it)
    awk -F, -v u="$uid" 'NR == 1 || $1 == u' "$out/hospital/annotations.csv" >"$root/$uid/annotations.csv"
    "$nk" masks --annotations "$root/$uid/annotations.csv" --images "$root/$uid/scan" --output "$root/$uid/masks" --labels --quiet >/dev/null
    "$nk" pet-compare --ct "$out/hospital/$uid.mhd" --pet "$pet/pet.nii.gz" --mask "$root/$uid/masks/${uid}_mask.mhd" \
        --transform "$root/$uid/registration/transform.tfm" ${sphere:+--reference-sphere="$sphere"} \
        --output "$root/$uid/annotated" >"$root/$uid.annotated.txt"
    liver=$(sed -n 's/^reference (liver): SUVmean \([0-9.]*\),.*/\1/p' "$root/$uid.annotated.txt")
    awk -F, -v u="$uid" -v p="$label" 'NR > 1 { printf "%s,%s,%s,%.1f,%s,%s,%s\n", u, p, $1, $5, $7, $9, $15 }' \
        "$root/$uid/annotated/pet_reference.csv" >>"$root/annotated.csv"
    echo "$uid,$label,$found,${tre:-,},$converged,$liver" >>"$root/patients.csv"
done

table() {  # a CSV as a Markdown table, decimals rounded to 2 places
    awk -F, 'NR == 1 { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; printf "\n|"; for (i = 1; i <= NF; i++) printf " --- |"; printf "\n"; next }
             { printf "|"; for (i = 1; i <= NF; i++) printf ($i ~ /^-?[0-9]+\.[0-9]+$/ ? " %.2f |" : " %s |"), $i; printf "\n" }' "$1"
}
agreement() {  # the classifier's call against the PET reading, with counts
    awk -F, 'NR > 1 && $6 != "" { n[$6 "," $9]++; calls[$6]; if ($9 == "positive" || $9 == "negative") { definite++; if (($6 == "malignant") == ($9 == "positive")) agree++ } }
        END {
            print "| classifier call | PET positive | PET negative | indeterminate | outside FOV |"
            print "| --- | --- | --- | --- | --- |"
            for (c in calls) printf "| %s | %d | %d | %d | %d |\n", c, n[c ",positive"], n[c ",negative"], n[c ",indeterminate"], n[c ",outside-fov"]
            if (definite > 0) printf "\nAgreement on the findings with a definite PET reading: %d of %d (%.0f %%).\n", agree, definite, 100 * agree / definite
            else print "\nNo finding has a definite PET reading (positive or negative)."
        }' "$root/findings.csv"
}

{
    echo "## 4. PET reference"
    echo
    echo "For $(echo "$uids" | wc -w | tr -d ' ') held-out hospital patients, each phantom PET (4 mm voxels, 6 mm FWHM, noise, its own"
    echo "grid, misaligned from the CT by a seeded rigid transform written as truth.tfm) was registered to its"
    echo "CT (\`register\`, Mattes MI), and each finding of \`screen\` was read in it (\`pet-compare\`: SUVmax in"
    echo "d/2 + 10 mm, positive at SUVmax ≥ 2.5, indeterminate below 10 mm). Malignant phantom lesions take up"
    echo "SUV 4–12, benign ones 0.6–1.2; the liver reference is a sphere of the phantom's liver."
    echo
    echo "Registration against truth.tfm (target registration error over the CT grid) and liver SUVmean:"
    echo
    table "$root/patients.csv"
    echo
    echo "The phantom's annotated lesions (spheres of their diameters) read in the registered PET:"
    echo
    table "$root/annotated.csv"
    echo
    awk -F, 'NR > 1 { n[$2 "," $7]++; k[$2] } END {
        print "| lesion kind | PET positive | PET negative | indeterminate | outside FOV |"; print "| --- | --- | --- | --- | --- |"
        for (c in k) printf "| %s | %d | %d | %d | %d |\n", c, n[c ",positive"], n[c ",negative"], n[c ",indeterminate"], n[c ",outside-fov"] }' "$root/annotated.csv"
    echo
    echo "The screen findings (the cascade's own) and the classifier's call on each:"
    echo
    table "$root/findings.csv"
    echo
    agreement
    echo
    for uid in $uids; do
        for f in "$root/$uid/compare"/lesion-*.png; do
            [ -e "$f" ] && echo "![$uid finding $(basename "$f" .png)](${f#"$out/"})"
        done
        # The phantom's own lesions too, so each patient shows its nodules even when screen found none.
        for f in "$root/$uid/annotated"/lesion-*.png; do
            [ -e "$f" ] && echo "![$uid annotated $(basename "$f" .png)](${f#"$out/"})"
        done
        f="$root/$uid/registration/fusion-after.png"
        [ -e "$f" ] && echo "![$uid registered](${f#"$out/"})"
    done
} >"$root/report.md"
echo "PET reference: $root/report.md"
