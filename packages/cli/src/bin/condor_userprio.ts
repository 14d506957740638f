import { runMain } from '../cli-error.js';
import { condorUserprio } from '../commands/condor-userprio.js';

runMain(condorUserprio);
