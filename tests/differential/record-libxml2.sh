#!/usr/bin/env bash
# Record libxml2's verdict on every differential document.
#
# Run by developers whenever the documents change (after generate.py), not by CI:
#
#     python3 tests/differential/generate.py
#     bash tests/differential/record-libxml2.sh
#
# Reads cases.tsv (doc -> corpus schema), runs `xmllint --noout --schema` on each document
# and writes libxml2-verdicts.tsv: doc, schema, verdict (valid|invalid), libxml2_message
# (libxml2's first error, file path stripped). The corpus is found at $OIR_SHARED/corpus,
# else ../shared/corpus relative to the crate root. Schemas that libxml2 cannot compile
# only because it skips repeated imports of one namespace (SF1600) are compiled from a
# merged-hub copy built in a temporary folder by libxml2_hub.py; nothing is written into
# the corpus or the repository besides libxml2-verdicts.tsv.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
crate=$(cd "$here/../.." && pwd)
shared=${OIR_SHARED:-$crate/../shared}
corpus="$shared/corpus"
cases="$here/cases.tsv"
out="$here/libxml2-verdicts.tsv"

if ! command -v xmllint >/dev/null 2>&1; then
    echo "record-libxml2.sh: xmllint not found; install it with: apt-get install libxml2-utils" >&2
    exit 1
fi
if [ ! -d "$corpus" ]; then
    echo "record-libxml2.sh: corpus not found at $corpus (set OIR_SHARED)" >&2
    exit 1
fi
if [ ! -f "$cases" ]; then
    echo "record-libxml2.sh: $cases missing; run generate.py first" >&2
    exit 1
fi

version=$(xmllint --version 2>&1 | sed -n '1s/^xmllint: //p')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '<probe/>\n' >"$tmp/probe.xml"

# schema (relative to the corpus) -> the schema file xmllint is given
declare -A effective
hubs=0
while IFS= read -r schema; do
    direct="$corpus/$schema"
    if [ ! -f "$direct" ]; then
        echo "record-libxml2.sh: schema $schema not in the corpus" >&2
        exit 1
    fi
    probe=$(xmllint --noout --schema "$direct" "$tmp/probe.xml" 2>&1 || true)
    if grep -q "failed to compile" <<<"$probe"; then
        if grep -q "Skipping import of schema" <<<"$probe"; then
            hubs=$((hubs + 1))
            hubdir="$tmp/hub$hubs"
            entry=$(python3 -B "$here/libxml2_hub.py" "$corpus" "$schema" "$hubdir")
            probe=$(xmllint --noout --schema "$entry" "$tmp/probe.xml" 2>&1 || true)
            if grep -q "failed to compile" <<<"$probe"; then
                echo "record-libxml2.sh: $schema does not compile in libxml2 even with merged import hubs:" >&2
                echo "$probe" >&2
                exit 1
            fi
            echo "note: $schema compiled through merged namespace hubs (libxml2 skips repeated imports)" >&2
            effective[$schema]=$entry
        else
            echo "record-libxml2.sh: libxml2 cannot compile $schema:" >&2
            echo "$probe" >&2
            exit 1
        fi
    else
        effective[$schema]=$direct
    fi
done < <(tail -n +2 "$cases" | cut -f2 | sort -u)

{
    printf '# libxml2 verdicts recorded by record-libxml2.sh with %s; do not edit by hand\n' "$version"
    printf 'doc\tschema\tverdict\tlibxml2_message\n'
} >"$tmp/out.tsv"

n=0
nvalid=0
ninvalid=0
mismatch=()
while IFS=$'\t' read -r doc schema root class intent description; do
    file="$here/docs/$doc"
    set +e
    msg=$(xmllint --noout --schema "${effective[$schema]}" "$file" 2>&1)
    rc=$?
    set -e
    case $rc in
        0) verdict=valid; first="" ; nvalid=$((nvalid + 1)) ;;
        3) verdict=invalid; ninvalid=$((ninvalid + 1))
           first=$(awk '!/ fails to validate$/ && !/ validates$/ { print; exit }' <<<"$msg")
           first=${first#"$file:"}
           first=${first//$'\t'/ }
           first=${first//$'\r'/} ;;
        *) echo "record-libxml2.sh: xmllint exited $rc on $doc:" >&2
           echo "$msg" >&2
           exit 1 ;;
    esac
    printf '%s\t%s\t%s\t%s\n' "$doc" "$schema" "$verdict" "$first" >>"$tmp/out.tsv"
    if [ "$verdict" != "$intent" ]; then
        mismatch+=("$doc: intended $intent, libxml2 says $verdict ${first:+($first)}")
    fi
    n=$((n + 1))
done < <(tail -n +2 "$cases")

mv "$tmp/out.tsv" "$out"
echo "libxml2 ($version): $n documents, $nvalid valid, $ninvalid invalid -> ${out#"$crate/"}"
if [ ${#mismatch[@]} -gt 0 ]; then
    echo "${#mismatch[@]} documents where libxml2's verdict differs from the generator's intent (recorded as libxml2 says):"
    printf '  %s\n' "${mismatch[@]}"
fi
