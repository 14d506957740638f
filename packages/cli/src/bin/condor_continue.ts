import { runMain } from '../cli-error.js';
import { condorContinue } from '../commands/job-action.js';

runMain(condorContinue);
