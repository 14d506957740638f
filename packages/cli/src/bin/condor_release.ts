import { runMain } from '../cli-error.js';
import { condorRelease } from '../commands/job-action.js';

runMain(condorRelease);
