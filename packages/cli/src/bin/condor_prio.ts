import { runMain } from '../cli-error.js';
import { condorPrio } from '../commands/condor-prio.js';

runMain(condorPrio);
