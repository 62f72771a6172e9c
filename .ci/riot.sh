#!/usr/bin/env bash
# Strict, independent validation of RDF files with Apache Jena's `riot --validate`
# (= --sink --check --strict), using Debian's libapache-jena-java.
#
#   bash .ci/riot.sh FILE...        validate; exit 0 only if every file is valid
#   bash .ci/riot.sh --available    exit 0 if the validator can run here, else 127
#
# Exit codes: 0 valid; 1 some file invalid (riot printed an ERROR or a WARN, e.g. an
# ill-typed literal or a bad IRI: warnings count as failures here); 2 usage; 127 Jena
# (or java) missing or not starting. The syntax is guessed from the file extension
# (.ttl .nt .nq .trig .rdf ...); JSON-LD is not supported by this Debian build (its
# titanium-json-ld lacks a JSON-P implementation), so do not pass .jsonld files.
#
# Why a script: Debian's package ships the jars but no `riot` command, and Jena does not
# even start from them as packaged (Debian 12, jena 4.5.0-2): the packagers moved Jena's
# shaded Xerces classes from org.apache.jena.ext.xerces.* to xerces.* but left the
# resource bundles (xerces/impl/msg/*.properties, xerces/impl/xpath/regex/message.properties)
# under org/apache/jena/ext/xerces/. The first XSD datatype then fails with
#   java.lang.RuntimeException: internal error  at xerces.impl.dv.xs.XSSimpleTypeDecl.applyFacets1
# (the regex facets cannot load their messages). The fix below copies those bundles to
# the package path the classes look in, in a temporary class-path folder; slf4j-simple
# makes riot's error reports appear on stderr (the package pulls in no slf4j binding).
#
# Install: apt-get install -y --no-install-recommends libapache-jena-java default-jre-headless python3
set -uo pipefail

JAVA_DIR=${JENA_JAVA_DIR:-/usr/share/java}
JENA_JARS=(jena-base jena-core jena-arq jena-iri jena-cmds)
DEP_JARS=(commons-cli commons-codec commons-compress commons-csv commons-io commons-lang3
          dexx.collection gson guava httpclient httpcore jackson-core jackson-databind
          jackson-annotations jsonld-java jakarta.json-api protobuf thrift titanium-json-ld
          slf4j-api slf4j-simple)

missing() {
    echo "riot.sh: $1 (install: apt-get install -y libapache-jena-java default-jre-headless)" >&2
    exit 127
}

command -v java >/dev/null 2>&1 || missing "no java on PATH"
PYTHON=$(command -v python3 || true)
[ -n "$PYTHON" ] || missing "no python3 on PATH (used to apply the resource-bundle fix)"

classpath=""
for jar in "${JENA_JARS[@]}" "${DEP_JARS[@]}"; do
    [ -f "$JAVA_DIR/$jar.jar" ] || missing "$JAVA_DIR/$jar.jar not found"
    classpath="$classpath:$JAVA_DIR/$jar.jar"
done

fix_dir=$(mktemp -d "${TMPDIR:-/tmp}/riot-fix.XXXXXX") || exit 127
trap 'rm -rf "$fix_dir"' EXIT
"$PYTHON" - "$JAVA_DIR/jena-core.jar" "$fix_dir" <<'EOF' || missing "could not apply the resource-bundle fix"
import pathlib, sys, zipfile
jar, out = sys.argv[1], pathlib.Path(sys.argv[2])
prefix = "org/apache/jena/ext/xerces/"
with zipfile.ZipFile(jar) as z:
    names = [n for n in z.namelist() if n.startswith(prefix) and n.endswith(".properties")]
    for name in names:
        target = out / "xerces" / name[len(prefix):]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(z.read(name))
# A Jena build whose bundles already sit under xerces/ needs no fix: nothing to copy then.
EOF
classpath="$fix_dir$classpath"

run_riot() {
    java -Xss8m -cp "$classpath" riotcmd.riot "$@"
}

if [ "${1:-}" = "--available" ]; then
    probe="$fix_dir/probe.ttl"
    printf '<http://example.org/s> <http://example.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n' > "$probe"
    out=$(run_riot --validate "$probe" 2>&1) || missing "riot does not start: ${out:0:500}"
    echo "riot.sh: Apache Jena riot is available"
    exit 0
fi

if [ "$#" -eq 0 ]; then
    echo "usage: bash .ci/riot.sh FILE... | --available" >&2
    exit 2
fi
for f in "$@"; do
    [ -f "$f" ] || { echo "riot.sh: $f: no such file" >&2; exit 2; }
done

log="$fix_dir/riot.log"
run_riot --validate "$@" >"$log" 2>&1
status=$?
cat "$log" >&2
if grep -q "NoClassDefFoundError\|ExceptionInInitializerError\|ClassNotFoundException" "$log"; then
    missing "riot does not start (see above)"
fi
if [ "$status" -ne 0 ] || grep -q " ERROR \| WARN " "$log"; then
    echo "riot.sh: INVALID: riot --validate rejected or warned about: $*" >&2
    exit 1
fi
echo "riot.sh: valid: $*" >&2
exit 0
