#!/usr/bin/env node
import { runMain } from '../dist/cli-error.js';
import { condorTransferData } from '../dist/commands/condor-transfer-data.js';

runMain(condorTransferData);
