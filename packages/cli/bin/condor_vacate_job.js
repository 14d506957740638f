#!/usr/bin/env node
import { runMain } from '../dist/cli-error.js';
import { condorVacateJob } from '../dist/commands/job-action.js';

runMain(condorVacateJob);
