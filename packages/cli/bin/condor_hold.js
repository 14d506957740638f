#!/usr/bin/env node
import { runMain } from '../dist/cli-error.js';
import { condorHold } from '../dist/commands/job-action.js';

runMain(condorHold);
