import { runMain } from '../cli-error.js';
import { condorHold } from '../commands/job-action.js';

runMain(condorHold);
