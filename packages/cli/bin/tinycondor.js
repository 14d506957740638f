#!/usr/bin/env node
import { runMain } from '../dist/cli-error.js';
import { tinycondor } from '../dist/commands/tinycondor.js';

runMain(tinycondor);
