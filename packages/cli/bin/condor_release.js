#!/usr/bin/env node
import { runMain } from '../dist/cli-error.js';
import { condorRelease } from '../dist/commands/job-action.js';

runMain(condorRelease);
