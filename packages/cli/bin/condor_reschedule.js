#!/usr/bin/env node
import { runMain } from '../dist/cli-error.js';
import { condorReschedule } from '../dist/commands/condor-reschedule.js';

runMain(condorReschedule);
