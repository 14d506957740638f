#!/usr/bin/env node
import { runMain } from '../dist/cli-error.js';
import { condorRm } from '../dist/commands/job-action.js';

runMain(condorRm);
