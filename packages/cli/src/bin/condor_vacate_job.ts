import { runMain } from '../cli-error.js';
import { condorVacateJob } from '../commands/job-action.js';

runMain(condorVacateJob);
