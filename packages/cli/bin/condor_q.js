#!/usr/bin/env node
import { runMain } from '../dist/cli-error.js';
import { condorQ } from '../dist/commands/condor-q.js';

runMain(condorQ);
