import { runMain } from '../cli-error.js';
import { condorTail } from '../commands/condor-tail.js';

runMain(condorTail);
