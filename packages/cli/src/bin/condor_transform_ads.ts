import { runMain } from '../cli-error.js';
import { condorTransformAds } from '../commands/condor-transform-ads.js';

runMain(condorTransformAds);
