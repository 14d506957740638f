import { runMain } from '../cli-error.js';
import { condorRm } from '../commands/job-action.js';

runMain(condorRm);
