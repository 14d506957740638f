/** The HTCondor release whose behaviour tinycondor follows (the sources its behaviour was checked against). */
export const HTCONDOR_VERSION = '25.14.0';
