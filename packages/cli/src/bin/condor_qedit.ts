import { runMain } from '../cli-error.js';
import { condorQedit } from '../commands/condor-qedit.js';

runMain(condorQedit);
