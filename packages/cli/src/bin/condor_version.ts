import { runMain } from '../cli-error.js';
import { condorVersion } from '../commands/condor-version.js';

runMain(condorVersion);
