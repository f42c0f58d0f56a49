#!/usr/bin/env bash
# Style checks run by the test command (scripts/test.sh) before the tests:
#   1. clang-format (.clang-format): every tracked C++ file must be formatted; fails listing them.
#      `scripts/lint.sh --fix` formats them in place.
#   2. clang-tidy (.clang-tidy): no warning in any project translation unit, i.e. every tracked .cpp
#      of the compile database (core, charts, ui, app, server, tests, bench; not the configure-time
#      fixtures in tests/cmake), nor in the project headers they include (the config's
#      HeaderFilterRegex decides which headers are reported). A unit already checked clean with the
#      same content, the same included project headers (from ninja's dependency log), the same
#      compile flags and the same configuration is skipped (cache in ~/.cache/kairos-lint), so a
#      re-run only checks what changed.
# Needs a built tree: build/ci/compile_commands.json and its dependency log (scripts/test.sh builds
# it first).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir="${KAIROS_LINT_BUILD_DIR:-build/ci}"
jobs="${KAIROS_JOBS:-$(nproc)}"

mapfile -t all_files < <(git ls-files '*.cpp' '*.h')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${all_files[@]}"
  echo "lint: formatted ${#all_files[@]} files"
  exit 0
fi

# --- 1. clang-format
# One clang-format process for all files; it names each file that differs from its format.
mapfile -t unformatted < <(clang-format --dry-run --Werror "${all_files[@]}" 2>&1 >/dev/null |
                           sed -nE 's/^(.+):[0-9]+:[0-9]+: (error|warning): .*/\1/p' | sort -u)
if [ ${#unformatted[@]} -gt 0 ]; then
  echo "lint: ${#unformatted[@]} file(s) not formatted by .clang-format (run scripts/lint.sh --fix):"
  printf '  %s\n' "${unformatted[@]}"
  exit 1
fi
echo "lint: clang-format: all ${#all_files[@]} C++ files formatted"

# --- 2. clang-tidy on every project unit
db="$build_dir/compile_commands.json"
if [ ! -f "$db" ]; then echo "lint: no compile database $db (build the ci preset first)"; exit 1; fi
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
# Each compiled file of the database with its compile command, paths made relative to the checkout
# (so that every worktree shares the cache); only tracked project units count.
jq -r --arg root "$PWD/" '.[] | [(.file | ltrimstr($root)), ((.command // (.arguments | join(" "))) | gsub($root; ""))] | @tsv' \
  "$db" > "$out/commands.tsv"
git ls-files '*.cpp' | grep -v '^tests/cmake/' | LC_ALL=C sort > "$out/tracked.txt"
mapfile -t units < <(cut -f1 "$out/commands.tsv" | LC_ALL=C sort -u | LC_ALL=C comm -12 - "$out/tracked.txt")
mapfile -t unbuilt < <(cut -f1 "$out/commands.tsv" | LC_ALL=C sort -u | LC_ALL=C comm -13 - "$out/tracked.txt")
if [ ${#unbuilt[@]} -gt 0 ]; then
  echo "lint: clang-tidy: ${#unbuilt[@]} tracked unit(s) not in the compile database (not part of this build), not checked:"
  printf '  %s\n' "${unbuilt[@]}"
fi
# Which project files each compiled unit includes, from the build's dependency log (paths relative
# to the checkout): part of a unit's cache key.
rel=$(realpath --relative-to="$build_dir" .)
{ ninja -C "$build_dir" -t deps 2>/dev/null || echo "lint: no dependency log in $build_dir: results are not cached" >&2; } | awk -v pre="$rel/" '
  /^[^ ].*: #deps/ { unit = ""; first = 1; next }
  /^    / { p = $1
            if (index(p, pre) == 1) { p = substr(p, length(pre) + 1); if (first) unit = p; if (unit != "") print unit "\t" p }
            first = 0; next }' > "$out/deps.tsv"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/kairos-lint"; mkdir -p "$cache"
config_hash=$( (cat .clang-tidy; clang-tidy --version) | sha256sum | cut -c1-16)
# Key of a unit: the configuration, its compile command, and the path and content of the unit and of
# every project file it includes (each file hashed once). A unit the log does not know (not built
# yet, so its includes are unknown) is checked but its result not cached.
cut -f2 "$out/deps.tsv" | LC_ALL=C sort -u | while IFS= read -r d; do [ -f "$d" ] && printf '%s\0' "$d"; done |
  xargs -0 -r sha256sum | awk '{ print substr($0, 67) "\t" $1 }' > "$out/filehash.tsv"
printf '%s\n' "${units[@]}" > "$out/units.txt"
awk -F'\t' -v cfg="$config_hash" '
  FILENAME == ARGV[1] { fh[$1] = $2; next }
  FILENAME == ARGV[2] { cmd[$1] = cmd[$1] $2 "\n"; next }
  FILENAME == ARGV[3] { if ($2 in fh) key[$1] = key[$1] $2 " " fh[$2] "\n"; next }
  { if ($1 in key) { k = cfg "\n" cmd[$1] key[$1]; gsub(/\n/, "\\n", k); print $1 "\t" k } else print $1 "\t" }
' "$out/filehash.tsv" "$out/commands.tsv" <(LC_ALL=C sort -u "$out/deps.tsv") "$out/units.txt" > "$out/keys.tsv"
todo=()
while IFS=$'\t' read -r u k; do
  if [ -z "$k" ]; then todo+=("$u:nocache-$(echo "$u" | sha256sum | cut -c1-16)"); continue; fi
  h=$(printf '%s' "$k" | sha256sum | cut -c1-32)
  if [ -f "$cache/$h" ]; then continue; fi
  todo+=("$u:$h")
done < "$out/keys.tsv"
echo "lint: clang-tidy: ${#units[@]} project unit(s), ${#todo[@]} to check (others cached clean)"
# A clean unit is recorded in the cache as soon as it is checked, so an interrupted run resumes.
export build_dir out cache
printf '%s\n' "${todo[@]}" | sed '/^$/d' | xargs -P "$jobs" -I{} sh -c '
  u="${1%%:*}"; h="${1##*:}"
  rc=0; clang-tidy -p "$build_dir" --quiet "$u" > "$out/$h.log" 2>"$out/$h.err" || rc=$?
  echo "$rc" > "$out/$h.rc"
  echo "$u" > "$out/$h.unit"
  case "$h" in nocache-*) ;; *)
    if [ "$rc" = 0 ] && ! grep -qE "^[^ ]+:[0-9]+:[0-9]+: (warning|error): " "$out/$h.log"; then touch "$cache/$h"; fi ;;
  esac' sh {}

# A unit is clean when clang-tidy exits 0 and reports nothing (any project file: the unit and the
# headers the config's HeaderFilterRegex selects). A header's warning is shown once, with its path
# relative to the checkout.
failed=0
: > "$out/all.txt"
for unitfile in "$out"/*.unit; do
  [ -e "$unitfile" ] || continue
  h=$(basename "$unitfile" .unit); u=$(cat "$unitfile"); rc=$(cat "$out/$h.rc")
  diags=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' "$out/$h.log" || true)
  if [ -n "$diags" ]; then
    failed=1
    while IFS= read -r line; do
      p="${line%%:*}"; echo "$(realpath -m --relative-to=. "$p")${line#"$p"}"
    done <<< "$diags" >> "$out/all.txt"
  elif [ "$rc" != 0 ]; then
    failed=1; echo "lint: clang-tidy failed on $u (exit $rc):"; tail -n 20 "$out/$h.err" "$out/$h.log"
  fi
done
if [ -s "$out/all.txt" ]; then
  sort -u "$out/all.txt" > "$out/unique.txt"
  cat "$out/unique.txt"
  echo "lint: clang-tidy: $(wc -l < "$out/unique.txt") warning(s), by check:"
  sed -nE 's/.*\[([^],]+)(,-warnings-as-errors)?\]$/\1/p' "$out/unique.txt" | sort | uniq -c | sort -rn
fi
if [ $failed -ne 0 ]; then echo "lint: clang-tidy found warnings in project code (above)"; exit 1; fi
echo "lint: clang-tidy: no warnings in ${#units[@]} project units and the headers they include"
