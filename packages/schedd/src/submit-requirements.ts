// The schedd's submit requirements (SUBMIT_REQUIREMENT_NAMES; shared/submit-requirements.ts): read again,
// and their problems logged, when the configuration changed, as the job transforms are.
import os from 'node:os';
import type { Logger } from 'pino';
import { ClassAd, type EvalContext } from '@tinycondor/shared/classad/index';
import { configValue, type CondorConfig } from '@tinycondor/shared/condor-config';
import { checkSubmitRequirements, configuredSubmitRequirements, type RequirementsVerdict, type SubmitRequirement } from '@tinycondor/shared/submit-requirements';
import { derivedFromConfig } from './configured.js';
import { CommitRefused } from './job-store.js';

/** A submission refused by a submit requirement: its words, which condor_submit reports as a failed commit. */
export class SubmitRequirementNotMet extends CommitRefused {
  constructor(
    words: string,
    /** checkSubmitRequirements' return value. */
    readonly rval: number,
  ) {
    super(words);
  }
}

export class SubmitRequirements {
  /** The configured requirements, parsed again (and their problems logged) when the configuration changed. */
  private readonly current: () => SubmitRequirement[];

  constructor(
    config: () => CondorConfig | undefined,
    private readonly log: Logger,
    /** The schedd's userMap() maps as they are now. */
    private readonly context: () => EvalContext,
  ) {
    this.current = derivedFromConfig(
      config,
      (current) => {
        const { requirements, problems } = configuredSubmitRequirements({ value: (name) => configValue(current, name) });
        for (const problem of problems) this.log.warn(problem);
        return requirements;
      },
      [],
    );
  }

  /** Whether any requirement is configured (Scheduler::shouldCheckSubmitRequirements). */
  active(): boolean {
    return this.current().length > 0;
  }

  /** The verdict on a proc's ad (transformed) in the schedd's (scheddAd); the problems of its reasons are logged. */
  check(jobAd: ClassAd, jobId: string, schedd: ClassAd): RequirementsVerdict {
    const verdict = checkSubmitRequirements(this.current(), jobAd, schedd, this.context());
    for (const problem of verdict.problems) this.log.warn({ jobId }, problem);
    return verdict;
  }
}

/** The schedd's ad the requirements are evaluated in (MY): what this schedd has of HTCondor's. */
export function scheddAd(schedd: { name: string; sinfulAddress: string }): ClassAd {
  return new ClassAd()
    .set('MyType', 'Scheduler')
    .set('Name', schedd.name)
    .set('Machine', os.hostname())
    .set('MyAddress', schedd.sinfulAddress)
    .set('ScheddIpAddr', schedd.sinfulAddress);
}
