import { runMain } from '../cli-error.js';
import { condorHistory } from '../commands/condor-q.js';

runMain(condorHistory);
