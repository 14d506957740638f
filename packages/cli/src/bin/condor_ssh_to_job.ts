import { runMain } from '../cli-error.js';
import { condorSshToJob } from '../commands/condor-ssh-to-job.js';

runMain(condorSshToJob);
