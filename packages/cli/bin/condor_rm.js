#!/usr/bin/env node
import { runMain } from '../dist/cli-error.js';
import { condorRm } from '../dist/commands/condor-rm.js';

runMain(condorRm);
