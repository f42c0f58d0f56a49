#!/usr/bin/env bash
# Style checks run by the test command (scripts/test.sh) before the tests:
#   1. clang-format (.clang-format): every tracked C++ file must be formatted; fails listing them.
#      `scripts/lint.sh --fix` formats them in place.
#   2. clang-tidy (.clang-tidy): no warning in the C++ files changed since the lint base, i.e.
#      $KAIROS_LINT_BASE, else the commit in .ci/lint-base (the main the current work started
#      from), plus uncommitted changes; a file whose change is formatting only does not count. A
#      changed header is checked through its own .cpp, or else through a unit that includes it
#      (from the build's dependency log).
#      Diagnostics located in unchanged files are not counted here (docs/ARCHITECTURE.md, "Style").
#      Units already checked clean with the same content, the same included project headers and the
#      same configuration are skipped (cache in ~/.cache/kairos-lint), so a re-run only checks what
#      changed.
# Needs a compile database: build/ci/compile_commands.json (scripts/test.sh configures it first).
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
unformatted=()
for f in "${all_files[@]}"; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then unformatted+=("$f"); fi
done
if [ ${#unformatted[@]} -gt 0 ]; then
  echo "lint: ${#unformatted[@]} file(s) not formatted by .clang-format (run scripts/lint.sh --fix):"
  printf '  %s\n' "${unformatted[@]}"
  exit 1
fi
echo "lint: clang-format: all ${#all_files[@]} C++ files formatted"

# --- 2. clang-tidy on changed files
base="${KAIROS_LINT_BASE:-$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' .ci/lint-base 2>/dev/null | head -1)}"
if [ -z "$base" ] || ! git cat-file -e "${base}^{commit}" 2>/dev/null; then
  echo "lint: lint base '${base}' is not a commit of this repository (.ci/lint-base)"; exit 1
fi
mapfile -t changed < <({ git diff --name-only --diff-filter=AMR "$base" HEAD; git diff --name-only --diff-filter=AMR HEAD; } \
                       | grep -E '\.(cpp|h)$' | grep -v '^tests/cmake/' | sort -u)
# Which project files each compiled unit includes, from the build's dependency log (paths relative
# to the checkout): the unit for a header without a .cpp of its own, and the cache key of a unit.
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
rel=$(realpath --relative-to="$build_dir" .)
ninja -C "$build_dir" -t deps 2>/dev/null | awk -v pre="$rel/" '
  /^[^ ].*: #deps/ { unit = ""; first = 1; next }
  /^    / { p = $1
            if (index(p, pre) == 1) { p = substr(p, length(pre) + 1); if (first) unit = p; if (unit != "") print unit "\t" p }
            first = 0; next }' > "$out/deps.tsv"
declare -A is_changed=()
units=()
for f in "${changed[@]}"; do
  [ -f "$f" ] || continue
  # A file whose only change since the base is formatting (the same text once both are formatted)
  # has not changed for clang-tidy.
  if git cat-file -e "$base:$f" 2>/dev/null &&
     cmp -s <(git show "$base:$f" | clang-format --assume-filename="$f") <(clang-format "$f"); then
    continue
  fi
  is_changed["$f"]=1
  unit="$f"
  if [[ "$f" == *.h ]]; then
    unit="${f%.h}.cpp"
    [ -f "$unit" ] || unit=$(awk -F'\t' -v h="$f" '$2 == h && $1 ~ /\.cpp$/ { print $1; exit }' "$out/deps.tsv")
  fi
  if [ -f "$unit" ] && grep -q "\"file\": \"$PWD/$unit\"" "$build_dir/compile_commands.json" 2>/dev/null; then units+=("$unit"); fi
done
mapfile -t units < <(printf '%s\n' "${units[@]}" | sort -u | sed '/^$/d')
if [ ${#units[@]} -eq 0 ]; then echo "lint: clang-tidy: no changed C++ file since ${base:0:10}"; exit 0; fi

cache="${XDG_CACHE_HOME:-$HOME/.cache}/kairos-lint"; mkdir -p "$cache"
config_hash=$( (cat .clang-tidy; clang-tidy --version) | sha256sum | cut -c1-16)
todo=()
for u in "${units[@]}"; do
  # Key: the configuration, the unit and every project header it includes.
  h=$( (echo "$config_hash"; cat "$u"; awk -F'\t' -v u="$u" '$1 == u { print $2 }' "$out/deps.tsv" | sort -u |
        while IFS= read -r d; do [ -f "$d" ] && cat "$d"; done; true) | sha256sum | cut -c1-32)
  if [ -f "$cache/$h" ]; then continue; fi
  todo+=("$u:$h")
done
echo "lint: clang-tidy: ${#units[@]} changed unit(s) since ${base:0:10}, ${#todo[@]} to check (others cached clean)"
export build_dir out
printf '%s\n' "${todo[@]}" | sed '/^$/d' | xargs -P "$jobs" -I{} sh -c '
  u="${1%%:*}"; h="${1##*:}"
  clang-tidy -p "$build_dir" --quiet "$u" > "$out/$h.log" 2>/dev/null || true
  echo "$u" > "$out/$h.unit"' sh {}

# Count diagnostics located in changed files only.
failed=0
for unitfile in "$out"/*.unit; do
  [ -e "$unitfile" ] || continue
  h=$(basename "$unitfile" .unit); u=$(cat "$unitfile")
  bad=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' "$out/$h.log" | while IFS= read -r line; do
          p="${line%%:*}"; p="${p#"$PWD"/}"
          if [ -n "${is_changed[$p]:-}" ]; then echo "$line"; fi
        done || true)
  if [ -n "$bad" ]; then
    failed=1; echo "$bad"
  else
    touch "$cache/$h"
  fi
done
if [ $failed -ne 0 ]; then echo "lint: clang-tidy found warnings in changed files (above)"; exit 1; fi
echo "lint: clang-tidy: no warnings in changed files"
