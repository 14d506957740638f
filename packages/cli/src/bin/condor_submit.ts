import { runMain } from '../cli-error.js';
import { condorSubmit } from '../commands/condor-submit.js';

runMain(condorSubmit);
