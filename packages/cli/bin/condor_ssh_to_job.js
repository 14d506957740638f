#!/usr/bin/env node
import { runMain } from '../dist/cli-error.js';
import { condorSshToJob } from '../dist/commands/condor-ssh-to-job.js';

runMain(condorSshToJob);
