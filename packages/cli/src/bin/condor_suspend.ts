import { runMain } from '../cli-error.js';
import { condorSuspend } from '../commands/job-action.js';

runMain(condorSuspend);
