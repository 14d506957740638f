import { runMain } from '../cli-error.js';
import { condorQ } from '../commands/condor-q.js';

runMain(condorQ);
