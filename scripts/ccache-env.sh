# Sourced by scripts/test.sh and scripts/sanitize.sh: the shared compiler cache, with paths relative
# to the checkout so that every clone (CI makes a fresh one) hits the same cache.
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
