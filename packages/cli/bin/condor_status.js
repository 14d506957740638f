#!/usr/bin/env node
import { runMain } from '../dist/cli-error.js';
import { condorStatus } from '../dist/commands/condor-status.js';

runMain(condorStatus);
