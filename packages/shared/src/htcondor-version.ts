/** The HTCondor release whose behaviour tinycondor follows (the sources its behaviour was checked against). */
export const HTCONDOR_VERSION = '25.14.0';
/** Its release date (docs/version-history/feature-versions-25-x.rst), which condor_version prints. */
export const HTCONDOR_RELEASE_DATE = '2026-09-17';
