import { runMain } from '../cli-error.js';
import { condorManifest } from '../commands/condor-manifest.js';

runMain(condorManifest);
