#!/usr/bin/env node
import { runMain } from '../dist/cli-error.js';
import { condorSubmit } from '../dist/commands/condor-submit.js';

runMain(condorSubmit);
