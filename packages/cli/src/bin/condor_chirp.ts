import { runMain } from '../cli-error.js';
import { condorChirp } from '../commands/condor-chirp.js';

runMain(condorChirp);
