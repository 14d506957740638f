#!/usr/bin/env node
import { runMain } from '../dist/cli-error.js';
import { condorHistory } from '../dist/commands/condor-q.js';

runMain(condorHistory);
