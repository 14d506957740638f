// The one place this directory imports the ClassAd module from.
export { formatValueForAf, oldSyntaxToStorage, toHTCondorJson, unparseValue } from '@tinycondor/shared/classad/index';
export type { ClassAd, EvalContext, Value } from '@tinycondor/shared/classad/index';
