export { Startd, type StartdSettings } from './startd.js';
export { detectTotals, runInventories, slotsFromConfig, type ResourceTotals } from './resources.js';
export { detectDocker, removeStaleContainers } from './docker-engine.js';
export type { DockerSettings } from './container-args.js';
export { queryPlugins, type PluginSettings, type PluginTable } from './transfer-plugins.js';
export { chirpSettings, type ChirpSettings } from './chirp-knobs.js';
export { jobSpawner, type JobSpawner } from './job-process.js';
export { signalFamily } from './process-family.js';
export { removeSandbox } from './remove-sandbox.js';
