# shellcheck shell=bash
# Shared JDK discovery for ./peerguard and ./peerguard-test. Source it, then:
#
#   pg_find_jdk || exit $?
#
# On success it sets:
#   PG_JAVA          the java binary to use
#   PG_JAVA_HOME     its home directory (suitable for JAVA_HOME)
#   PG_JAVA_VERSION  full version string, e.g. 25.0.1
#   PG_JAVA_FEATURE  feature (major) version, e.g. 25
# On failure it prints an explanation to stderr and returns 2.
#
# Search order: $JAVA_HOME/bin/java if it is new enough, then `java` on PATH if
# it is new enough, then every $PEERGUARD_JVM_ROOT/*/bin/java (default root:
# /usr/lib/jvm), where the highest feature version wins.

PG_MIN_JAVA_FEATURE=${PG_MIN_JAVA_FEATURE:-21}

# pg_java_version JAVA_BIN -> prints the version string from `java -version`
# ("17.0.15", "21", "25.0.1", "1.8.0_392", "22-ea", ...); returns 1 if none.
pg_java_version() {
    local out line
    # -version writes to stderr; JAVA_TOOL_OPTIONS etc. may add "Picked up ..."
    # lines, so look for the first line containing: version "..."
    out=$("$1" -version 2>&1 </dev/null) || true
    while IFS= read -r line; do
        if [[ $line =~ version\ \"([^\"]+)\" ]]; then
            printf '%s\n' "${BASH_REMATCH[1]}"
            return 0
        fi
    done <<<"$out"
    return 1
}

# pg_java_feature VERSION_STRING -> prints the feature version (8 for "1.8.0_x").
pg_java_feature() {
    if [[ $1 =~ ^1\.([0-9]+) ]]; then
        printf '%s\n' "${BASH_REMATCH[1]}"
    elif [[ $1 =~ ^([0-9]+) ]]; then
        printf '%s\n' "${BASH_REMATCH[1]}"
    else
        return 1
    fi
}

# Internal: probe one java binary. Sets _pg_ver/_pg_feat, records what was seen.
_pg_probe() {
    local bin=$1 real
    _pg_ver='' _pg_feat=0
    [[ -x $bin && ! -d $bin ]] || return 1
    real=$(readlink -f -- "$bin" 2>/dev/null) || real=$bin
    if [[ -n ${_pg_probed[$real]+x} ]]; then
        _pg_ver=${_pg_probed[$real]%%|*}
        _pg_feat=${_pg_probed[$real]##*|}
        return 0
    fi
    if _pg_ver=$(pg_java_version "$bin") && _pg_feat=$(pg_java_feature "$_pg_ver"); then
        _pg_seen+=("$_pg_ver ($bin)")
    else
        _pg_ver='?' _pg_feat=0
        _pg_seen+=("unrecognised version ($bin)")
    fi
    _pg_probed[$real]="$_pg_ver|$_pg_feat"
    return 0
}

# Internal: the JDK home of a java binary (resolves /usr/bin/java -> /usr/lib/jvm/...).
_pg_home_of() {
    local real
    real=$(readlink -f -- "$1" 2>/dev/null) || real=$1
    real=$(dirname -- "$(dirname -- "$real")")
    # JDK 8 layout: <home>/jre/bin/java
    if [[ $(basename -- "$real") == jre && -x $real/../bin/javac ]]; then
        real=$(dirname -- "$real")
    fi
    printf '%s\n' "$real"
}

_pg_accept() { # BIN HOME
    PG_JAVA=$1 PG_JAVA_HOME=$2 PG_JAVA_VERSION=$_pg_ver PG_JAVA_FEATURE=$_pg_feat
    unset _pg_probed _pg_seen _pg_ver _pg_feat
    return 0
}

pg_find_jdk() {
    local min=$PG_MIN_JAVA_FEATURE root=${PEERGUARD_JVM_ROOT:-/usr/lib/jvm}
    local bin best_bin='' best_ver='' best_feat=0 s
    declare -gA _pg_probed=()
    declare -ga _pg_seen=()
    PG_JAVA='' PG_JAVA_HOME='' PG_JAVA_VERSION='' PG_JAVA_FEATURE=''

    # 1. $JAVA_HOME
    if [[ -n ${JAVA_HOME:-} ]]; then
        bin=${JAVA_HOME%/}/bin/java
        if _pg_probe "$bin"; then
            ((_pg_feat >= min)) && { _pg_accept "$bin" "${JAVA_HOME%/}"; return 0; }
        else
            _pg_seen+=("JAVA_HOME=$JAVA_HOME has no bin/java")
        fi
    fi

    # 2. java on PATH
    if bin=$(command -v java 2>/dev/null) && [[ $bin == /* ]] && _pg_probe "$bin"; then
        ((_pg_feat >= min)) && { _pg_accept "$bin" "$(_pg_home_of "$bin")"; return 0; }
    fi

    # 3. every JDK under the JVM root; highest feature (then full) version wins
    if [[ -d $root ]]; then
        for bin in "$root"/*/bin/java; do
            _pg_probe "$bin" || continue
            ((_pg_feat >= min)) || continue
            if ((_pg_feat > best_feat)) || { ((_pg_feat == best_feat)) &&
                [[ $(printf '%s\n%s\n' "$best_ver" "$_pg_ver" | sort -V | tail -n1) == "$_pg_ver" &&
                   $_pg_ver != "$best_ver" ]]; }; then
                best_bin=$bin best_ver=$_pg_ver best_feat=$_pg_feat
            fi
        done
    fi
    if [[ -n $best_bin ]]; then
        _pg_ver=$best_ver _pg_feat=$best_feat
        _pg_accept "$best_bin" "$(_pg_home_of "$best_bin")"
        return 0
    fi

    {
        echo "PeerGuard needs a JDK $min or newer, but none was found."
        echo "Looked at: \$JAVA_HOME, 'java' on PATH, and $root/*/bin/java."
        if ((${#_pg_seen[@]})); then
            echo "Found:"
            for s in "${_pg_seen[@]}"; do echo "  - $s"; done
        else
            echo "Found: no Java installation at all."
        fi
        echo "Fix: install one, e.g.  sudo apt-get install openjdk-$min-jdk"
        echo "     or point JAVA_HOME at an existing JDK $min+ (export JAVA_HOME=/path/to/jdk)."
    } >&2
    unset _pg_probed _pg_seen _pg_ver _pg_feat
    return 2
}

# pg_maven_env: export JAVA_HOME/PATH so that Maven runs on the JDK found by
# pg_find_jdk. On JDK 24+ it also silences the sun.misc.Unsafe warnings that
# Maven 3.8's bundled Guava triggers (the option does not exist before JDK 23).
pg_maven_env() {
    export JAVA_HOME=$PG_JAVA_HOME
    export PATH=$PG_JAVA_HOME/bin:$PATH
    if ((PG_JAVA_FEATURE >= 24)) && [[ ${MAVEN_OPTS:-} != *sun-misc-unsafe-memory-access* ]]; then
        export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
    fi
}
