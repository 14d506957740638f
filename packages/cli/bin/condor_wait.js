#!/usr/bin/env node
import { runMain } from '../dist/cli-error.js';
import { condorWait } from '../dist/commands/condor-wait.js';

runMain(condorWait);
