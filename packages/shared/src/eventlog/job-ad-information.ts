// job_ad_information_attrs: after each event written to a job's own log, HTCondor's WriteUserLog writes a
// job ad information event (028) with the attributes JobAdInformationAttrs names (write_user_log.cpp
// writeEvent, writeJobAdInfoEvent).
import type { AdReader } from '../proc-ad-view.js';
import type { AdScalar, JobEvent } from './events.js';
import { eventAd } from './format-xml.js';

/** The header attributes every event's ad has; the 028 event gives its own. */
const HEADER = new Set(['mytype', 'eventtypenumber', 'eventtime', 'cluster', 'proc', 'subproc']);

/**
 * The 028 event that follows `trigger` for a job whose ad names attributes: the trigger event's own ad, then
 * each attribute named (StringTokenIterator: commas and blanks) evaluated in the job ad when it is a boolean,
 * number or string; undefined when the ad names none, or for a 028 event itself.
 */
export function jobAdInformationEvent(trigger: JobEvent, ad: AdReader): JobEvent | undefined {
  if (trigger.code === 28) return undefined;
  const names = (ad.getString('JobAdInformationAttrs') ?? '').split(/[,\s]+/).filter((name) => name !== '');
  if (names.length === 0) return undefined;
  const attrs: Record<string, AdScalar> = {};
  for (const [name, value] of eventAd(trigger)) {
    if (HEADER.has(name.toLowerCase())) continue;
    const scalar = 's' in value ? value.s : 'i' in value ? value.i : 'r' in value ? value.r : 'b' in value ? value.b : undefined;
    if (scalar !== undefined) attrs[name] = scalar;
  }
  for (const name of names) {
    const value = ad.evaluate(name);
    if (value.type === 'bool' || value.type === 'int' || value.type === 'real' || value.type === 'string') {
      // Assign replaces an attribute of the trigger's of the same name, whatever its case.
      const existing = Object.keys(attrs).find((key) => key.toLowerCase() === name.toLowerCase());
      if (existing !== undefined) delete attrs[existing];
      attrs[name] = value.value;
    }
  }
  return { code: 28, cluster: trigger.cluster, proc: trigger.proc, subproc: trigger.subproc, time: trigger.time, attrs, triggerCode: trigger.code };
}
