#!/usr/bin/env node
import { runMain } from '../dist/cli-error.js';
import { condorConfigVal } from '../dist/commands/condor-config-val.js';

runMain(condorConfigVal);
