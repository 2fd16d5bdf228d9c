# Shared by bin/watershed, .ci/run and the bench scripts: finding a JDK >= MIN_JAVA.
# Source it, then call find_jdk; JDK is set to the chosen JDK's home, or "" if none was found.

MIN_JAVA=${MIN_JAVA:-21}

# Sets MAJOR to the feature version (8, 17, 21, 25 ...) of the JDK at $1, or to "" if it is not
# a JDK. Reads $1/release without forking; runs `java -version` only if that file is missing.
java_major() {
  local home=$1 v="" line
  MAJOR=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  if [ -r "$home/release" ]; then
    while IFS= read -r line; do
      if [[ $line == JAVA_VERSION=* ]]; then
        v="${line#JAVA_VERSION=}"
        v="${v//\"/}"
        break
      fi
    done <"$home/release"
  fi
  if [ -z "$v" ]; then
    v="$("$home/bin/java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)"
  fi
  v="${v#1.}"       # 1.8.0_292 -> 8.0_292
  v="${v%%[.+_-]*}" # 25.0.1 -> 25, 21-ea -> 21
  if [[ $v =~ ^[0-9]+$ ]]; then MAJOR=$v; fi
  return 0
}

# Sets JDK: $JAVA_HOME if it is a JDK >= MIN_JAVA, else the highest such JDK in the usual places.
find_jdk() {
  JDK=""
  if [ -n "${JAVA_HOME:-}" ]; then
    java_major "$JAVA_HOME"
    if [ -n "$MAJOR" ] && [ "$MAJOR" -ge "$MIN_JAVA" ]; then
      JDK="$JAVA_HOME"
      return
    fi
  fi
  local best="" best_major=0 home on_path candidates=()
  shopt -s nullglob
  candidates=(/usr/lib/jvm/* /usr/java/* /opt/java/* /opt/*jdk* /usr/local/*jdk* /usr/local/java/*
    "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home)
  shopt -u nullglob
  if on_path="$(command -v java 2>/dev/null)"; then
    on_path="$(readlink -f "$on_path" 2>/dev/null || echo "$on_path")"
    candidates+=("${on_path%/bin/java}")
  fi
  for home in "${candidates[@]}"; do
    java_major "$home"
    if [ -n "$MAJOR" ] && [ "$MAJOR" -gt "$best_major" ]; then
      best="$home"
      best_major="$MAJOR"
    fi
  done
  if [ "$best_major" -ge "$MIN_JAVA" ]; then JDK="$best"; fi
}

