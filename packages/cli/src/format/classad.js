// The one place this directory imports the ClassAd module from.
export { formatValueForAf, toHTCondorJson } from '@tinycondor/shared/classad/index';
//# sourceMappingURL=classad.js.map