import { runMain } from '../cli-error.js';
import { condorReschedule } from '../commands/condor-reschedule.js';

runMain(condorReschedule);
