import { runMain } from '../cli-error.js';
import { condorStatus } from '../commands/condor-status.js';

runMain(condorStatus);
