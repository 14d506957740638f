#!/bin/sh
':' //; if [ "${NODE_EXTRA_CA_CERTS+set}" ]; then TINYCONDOR_NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS; export TINYCONDOR_NODE_EXTRA_CA_CERTS; unset NODE_EXTRA_CA_CERTS; else unset TINYCONDOR_NODE_EXTRA_CA_CERTS; fi; if command -v node >/dev/null 2>&1; then exec node "$0" "$@"; fi; for d in "${0%/*}/../dist" "${0%/*}/../@tinycondor/cli/dist" "${0%/*}/../lib/node_modules/@tinycondor/cli/dist"; do [ -x "$d/node" ] && exec "$d/node" "$0" "$@"; done; echo "$0: no node on PATH ($PATH) nor where the tinycondor CLI was built" >&2; exit 127
// Both a sh script and a node one (see launch.cts): sh moves NODE_EXTRA_CA_CERTS aside, then runs this file with node:
// the one on PATH, else the one the CLI was built with (dist/node, found from this script's path as run, directly
// or through npm's bin links, by sh alone), so a job whose PATH holds no node can run it.
require('../dist/launch.cjs').launch('condor_userprio');
