import { runMain } from '../cli-error.js';
import { condorWatchQ } from '../commands/condor-watch-q.js';

runMain(condorWatchQ);
