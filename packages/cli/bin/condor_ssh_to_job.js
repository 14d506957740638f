#!/usr/bin/env node
require('../dist/launch.cjs').launch('condor_ssh_to_job');
