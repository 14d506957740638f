#!/bin/sh
':' //; if [ "${NODE_EXTRA_CA_CERTS+set}" ]; then TINYCONDOR_NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS; export TINYCONDOR_NODE_EXTRA_CA_CERTS; unset NODE_EXTRA_CA_CERTS; else unset TINYCONDOR_NODE_EXTRA_CA_CERTS; fi; exec node "$0" "$@"
// Both a sh script and a node one (see launch.cts): sh moves NODE_EXTRA_CA_CERTS aside, then runs this file with node.
require('../dist/launch.cjs').launch('condor_prio');
