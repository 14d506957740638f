import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parseCondorConfig } from './condor-config.js';
import { isImplementedKnob, unreadKnobs } from './knob-registry.js';

const packages = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sources(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [file] : [];
  });
}

t.test('every knob the sources read by name is in the registry', async (t) => {
  // A call of a knob-reading function with the knob's name as its first argument, or its second after the configuration.
  const read = /\b(?:knob|value|flag|knobInteger|knobBoolean|secondsKnob|nonNegativeInteger|configValue)\w*\(\s*(?:[A-Za-z_.]+,\s*)?'([A-Z][A-Z0-9_]+)'/g;
  const found = new Map<string, string>();
  for (const pkg of fs.readdirSync(packages)) {
    const src = path.join(packages, pkg, 'src');
    if (!fs.existsSync(src)) continue;
    for (const file of sources(src)) for (const match of fs.readFileSync(file, 'utf8').matchAll(read)) found.set(match[1]!, path.relative(packages, file));
  }
  t.ok(found.size > 30, `the scan finds the knob reads (${found.size})`);
  for (const [name, file] of found) t.ok(isImplementedKnob(name), `${name} (read in ${file}) is in the registry`);
});

t.test('unreadKnobs: what the pool does not read, less macros other values use', async (t) => {
  const config = parseCondorConfig('MY_DIR = /x\nSPOOL = $(MY_DIR)/spool\nSTART = True\nJOB_TRANSFORM_A = SET B 1\nINPUT_JOB_ATTRS = x\nuse role:personal\n', 'c');
  const unread = unreadKnobs(config).map((entry) => `${entry.name} @ ${entry.source}`);
  t.ok(unread.includes('START @ c, line 3'));
  t.notOk(unread.some((line) => line.startsWith('MY_DIR ')), 'a macro used by another value');
  t.notOk(unread.some((line) => /^(SPOOL|JOB_TRANSFORM_A|INPUT_JOB_ATTRS) /.test(line)));
  t.ok(unread.some((line) => /^DAEMON_LIST @ c, line 6 \(use ROLE:Personal\)$/.test(line)), 'a template\'s knobs, named with the use line');
});

t.test('the submit requirements: SUBMIT_REQUIREMENT_NAMES and each name\'s SUBMIT_REQUIREMENT_<name>[_REASON|_IS_WARNING]', async (t) => {
  for (const name of ['SUBMIT_REQUIREMENT_NAMES', 'SUBMIT_REQUIREMENT_MinMemory', 'SUBMIT_REQUIREMENT_MinMemory_REASON', 'submit_requirement_x_is_warning']) t.ok(isImplementedKnob(name), name);
  const config = parseCondorConfig('SUBMIT_REQUIREMENT_NAMES = A\nSUBMIT_REQUIREMENT_A = RequestMemory > 1\nSUBMIT_REQUIREMENT_A_REASON = "small"\nSUBMIT_REQUIREMENT_A_IS_WARNING = true\n', 'c');
  t.same(unreadKnobs(config), [], 'none is named as unread at start');
});

t.test('the concurrency limits: CONCURRENCY_LIMIT_DEFAULT[_<set>] and <name>_LIMIT, not HTCondor knobs that only end in _LIMIT', async (t) => {
  for (const name of ['CONCURRENCY_LIMIT_DEFAULT', 'CONCURRENCY_LIMIT_DEFAULT_LARGE', 'FOO_LIMIT', 'foo_limit', 'large.swlicense_LIMIT']) t.ok(isImplementedKnob(name), name);
  for (const name of ['DETECTED_CPUS_LIMIT', 'ARC_GAHP_COMMAND_LIMIT', 'a.b.c_LIMIT']) t.notOk(isImplementedKnob(name), name);
});

t.test('the custom machine resource knobs, named by their tag; GPU discovery is not read', async (t) => {
  for (const name of ['MACHINE_RESOURCE_GPUs', 'MACHINE_RESOURCE_NAMES', 'MACHINE_RESOURCE_INVENTORY_GPUs', 'OFFLINE_MACHINE_RESOURCE_GPUs', 'ENVIRONMENT_FOR_AssignedGPUs', 'ENVIRONMENT_VALUE_FOR_UnAssignedGPUs', 'AUTO_SET_NVIDIA_VISIBLE_DEVICES']) {
    t.ok(isImplementedKnob(name), name);
  }
  for (const name of ['STARTD_DETECT_GPUS', 'GPU_DISCOVERY_EXTRA', 'SHARED_MACHINE_RESOURCE_GPUs']) t.notOk(isImplementedKnob(name), name);
});

t.test('the slot layout knobs, by type number, MODIFY_REQUEST_EXPR_* and the rollup knobs; other per-type knobs and CONSUMPTION_POLICY are not read', async (t) => {
  for (const name of ['NUM_SLOTS', 'MAX_SLOT_TYPES', 'NUM_SLOTS_TYPE_1', 'SLOT_TYPE_2', 'SLOT_TYPE_1_PARTITIONABLE', 'slot_type_0_partitionable', 'SLOT_TYPE_3_BACKFILL']) t.ok(isImplementedKnob(name), name);
  for (const name of ['SLOT_TYPE_1_START', 'SLOT_TYPE_1_STARTD_ATTRS', 'SLOT_TYPE_1_MODIFY_REQUEST_EXPR_REQUESTMEMORY', 'CONSUMPTION_POLICY']) t.notOk(isImplementedKnob(name), name);
  for (const name of ['STARTD_PARTITIONABLE_SLOT_ATTRS', 'ADVERTISE_PSLOT_ROLLUP_INFORMATION']) t.ok(isImplementedKnob(name), name);
  for (const name of ['MODIFY_REQUEST_EXPR_REQUESTCPUS', 'modify_request_expr_requestmemory', 'MODIFY_REQUEST_EXPR_REQUESTDISK', 'MUST_MODIFY_REQUEST_EXPRS']) t.ok(isImplementedKnob(name), name);
});

t.test("userMap()'s maps: the NAMES of the subsystems this pool has, each name's MAPFILE, MAPDATA and PREFIX", async (t) => {
  for (const name of ['SCHEDD_CLASSAD_USER_MAP_NAMES', 'TOOL_CLASSAD_USER_MAP_NAMES', 'XFORM_CLASSAD_USER_MAP_NAMES', 'SUBMIT_CLASSAD_USER_MAP_NAMES', 'CLASSAD_USER_MAPFILE_Groups', 'classad_user_mapdata_x', 'CLASSAD_USER_MAP_PREFIX_checkpoint_destination_map']) {
    t.ok(isImplementedKnob(name), name);
  }
  for (const name of ['STARTD_CLASSAD_USER_MAP_NAMES', 'NEGOTIATOR_CLASSAD_USER_MAP_NAMES', 'CLASSAD_USER_MAP_NAMES']) t.notOk(isImplementedKnob(name), `${name}: no process here reads it`);
  const config = parseCondorConfig('CHECKPOINT_DESTINATION_MAPFILE = /m\nuse policy:OnlyRegisteredCheckpointDestinations\nuse feature:AssignAccountingGroup(/g)\n', 'c');
  t.same(unreadKnobs(config), [], "the templates' knobs are read, IMMUTABLE_JOB_ATTRS too");
});

t.test('the immutable, protected and secure job attributes, with their SYSTEM_ lists and the choice to ignore secure ones', async (t) => {
  for (const name of ['IMMUTABLE_JOB_ATTRS', 'SYSTEM_IMMUTABLE_JOB_ATTRS', 'PROTECTED_JOB_ATTRS', 'SYSTEM_PROTECTED_JOB_ATTRS', 'SECURE_JOB_ATTRS', 'system_secure_job_attrs', 'IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS']) {
    t.ok(isImplementedKnob(name), name);
  }
});

t.test('who may act on whose jobs', async (t) => {
  for (const name of ['QUEUE_SUPER_USERS', 'QUEUE_ALL_USERS_TRUSTED', 'QUEUE_SUPER_USER_MAY_IMPERSONATE', 'PERSONAL_CONDOR_IS_SUPER_USER', 'UID_DOMAIN']) t.ok(isImplementedKnob(name), name);
});
