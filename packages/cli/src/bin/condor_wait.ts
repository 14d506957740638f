import { runMain } from '../cli-error.js';
import { condorWait } from '../commands/condor-wait.js';

runMain(condorWait);
