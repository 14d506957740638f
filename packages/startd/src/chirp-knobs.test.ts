import t from 'tap';
import { chirpSettings, DEFAULT_CHIRP_SETTINGS } from './chirp-knobs.js';

t.test("the Chirp knobs at param_info.in's defaults, as set, and refused", async (t) => {
  t.same(chirpSettings(() => undefined), DEFAULT_CHIRP_SETTINGS);
  const knobs: Record<string, string> = { ENABLE_CHIRP_IO: 'False', CHIRP_DELAYED_UPDATE_PREFIX: 'Chirp*, Progress*', CHIRP_DELAYED_UPDATE_MAX_ATTRS: '5', STARTER_UPDATE_INTERVAL: '2', DOCKER_NETWORK_NAME: 'br-jobs' };
  const set = chirpSettings((name) => knobs[name]);
  t.same(set, { knobs: { enableChirp: true, enableUpdates: true, enableIo: false, enableDelayed: true }, delayedPatterns: ['Chirp*', 'Progress*'], delayedMaxAttrs: 5, updateIntervalSeconds: 2, dockerNetworkName: 'br-jobs' });
  t.throws(() => chirpSettings((name) => (name === 'ENABLE_CHIRP' ? 'maybe' : undefined)), /ENABLE_CHIRP must be True or False/);
  t.throws(() => chirpSettings((name) => (name === 'STARTER_UPDATE_INTERVAL' ? '0' : undefined)), /STARTER_UPDATE_INTERVAL must be at least 1/);
});
