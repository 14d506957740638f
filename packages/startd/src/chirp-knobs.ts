import { DEFAULT_CHIRP_KNOBS, DEFAULT_DELAYED_UPDATE_MAX_ATTRS, DEFAULT_DELAYED_UPDATE_PREFIX, type ChirpKnobs } from '@tinycondor/shared/chirp/access';
import { splitList } from '@tinycondor/shared/submit/queue';
import { DEFAULT_DOCKER_NETWORK_NAME } from './chirp-bind.js';
import { knobBoolean, type KnobLookup } from './docker-knobs.js';

/** How the execute side serves Chirp: the ENABLE_CHIRP* knobs and the delayed updates' limits and cadence. */
export interface ChirpSettings {
  knobs: ChirpKnobs;
  /** CHIRP_DELAYED_UPDATE_PREFIX: the attribute patterns set_job_attr_delayed accepts. */
  delayedPatterns: string[];
  /** CHIRP_DELAYED_UPDATE_MAX_ATTRS: how many attributes a run's delayed updates may name. */
  delayedMaxAttrs: number;
  /** STARTER_UPDATE_INTERVAL: how often pending delayed updates go to the schedd while the job runs. */
  updateIntervalSeconds: number;
  /** DOCKER_NETWORK_NAME: the network a Docker job's proxy listens on. */
  dockerNetworkName: string;
}

/** STARTER_UPDATE_INTERVAL's default (job_info_communicator.cpp). */
const DEFAULT_STARTER_UPDATE_INTERVAL = 300;

export const DEFAULT_CHIRP_SETTINGS: ChirpSettings = {
  knobs: DEFAULT_CHIRP_KNOBS,
  delayedPatterns: splitList(DEFAULT_DELAYED_UPDATE_PREFIX),
  delayedMaxAttrs: DEFAULT_DELAYED_UPDATE_MAX_ATTRS,
  updateIntervalSeconds: DEFAULT_STARTER_UPDATE_INTERVAL,
  dockerNetworkName: DEFAULT_DOCKER_NETWORK_NAME,
};

function knobInteger(name: string, value: string | undefined, fallback: number, minimum: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  if (!/^[+-]?\d+$/.test(value.trim())) throw new Error(`${name} must be an integer, got '${value}'`);
  const parsed = Number.parseInt(value.trim(), 10);
  if (parsed < minimum) throw new Error(`${name} must be at least ${minimum}, got ${parsed}`);
  return parsed;
}

/** The Chirp knobs as the starter reads them (param_info.in's defaults); throws naming a knob HTCondor would refuse. */
export function chirpSettings(knob: KnobLookup): ChirpSettings {
  const flag = (name: string) => knobBoolean(name, knob(name), true);
  return {
    knobs: { enableChirp: flag('ENABLE_CHIRP'), enableUpdates: flag('ENABLE_CHIRP_UPDATES'), enableIo: flag('ENABLE_CHIRP_IO'), enableDelayed: flag('ENABLE_CHIRP_DELAYED') },
    delayedPatterns: splitList(knob('CHIRP_DELAYED_UPDATE_PREFIX') ?? DEFAULT_DELAYED_UPDATE_PREFIX),
    delayedMaxAttrs: knobInteger('CHIRP_DELAYED_UPDATE_MAX_ATTRS', knob('CHIRP_DELAYED_UPDATE_MAX_ATTRS'), DEFAULT_DELAYED_UPDATE_MAX_ATTRS, 0),
    updateIntervalSeconds: knobInteger('STARTER_UPDATE_INTERVAL', knob('STARTER_UPDATE_INTERVAL'), DEFAULT_STARTER_UPDATE_INTERVAL, 1),
    dockerNetworkName: knob('DOCKER_NETWORK_NAME') ?? DEFAULT_DOCKER_NETWORK_NAME,
  };
}
