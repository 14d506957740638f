#!/usr/bin/env node
require('../dist/launch.cjs').launch('condor_history');
