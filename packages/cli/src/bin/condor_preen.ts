import { runMain } from '../cli-error.js';
import { condorPreen } from '../commands/condor-preen.js';

runMain(condorPreen);
