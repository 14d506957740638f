import { runMain } from '../cli-error.js';
import { condorConfigVal } from '../commands/condor-config-val.js';

runMain(condorConfigVal);
