import { runMain } from '../cli-error.js';
import { condorEvictedFiles } from '../commands/condor-evicted-files.js';

runMain(condorEvictedFiles);
