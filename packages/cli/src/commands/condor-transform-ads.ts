// condor_transform_ads, as HTCondor's src/condor_tools/transform_ads.cpp: ClassAds in long form transformed by
// rules files and by the schedd's JOB_TRANSFORM_* transforms, written in long form sorted by attribute.
import fs from 'node:fs';
import path from 'node:path';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { applyJobTransform, parseJobTransform, transformMatches, TransformError, type JobTransform } from '@tinycondor/shared/job-transform';
import type { Command, CommandIo } from '../cli-error.js';
import { compareAttrNames } from '../format/text.js';
import { loadPoolConfig, type PoolConfig } from '../pool-config.js';
import { toolEvalContext } from '../tool-user-maps.js';

const USAGE = `Usage: condor_transform_ads [transforms] [options] [<key>=<value>] <infile> [<infile>]

    [transforms] are one or more of
\t-rules <rules-file>          Read transform rules from <rules-file>. see -help for the format
\t-jobtransforms <xform-names> Apply the Schedd JOB_TRANSFORM_* transforms listed in <xform-names>

    [options] are
\t-help\t\t\t Display this screen and exit
\t-out[:long,nosort] <outfile>\t Write transformed ClassAd(s) to <outfile>; - is standard output
\t-in[:long] <infile>\t Read ClassAd(s) to transform from <infile>
\t-long\t\t\t Use long form for both input and output ClassAd(s)
\t-verbose\t\t Verbose mode, echo transform rules to stderr as they are executed
\t-terse\t\t\t Disable verbose mode

    <key>=<value> sets a temporary variable for the transform rules
    <infile> is a file of ClassAds in long form, separated by blank lines; - is standard input
`;

/** is_dash_arg_prefix: `-name` given by at least `min` of its letters (one or two leading dashes). */
function isOption(arg: string, name: string, min: number): boolean {
  const word = arg.replace(/^--?/, '').split(':')[0]!;
  return word.length >= min && name.startsWith(word);
}

/** Ads in long form, one per block of lines separated by blank lines (ClassAdFileParseType::Parse_long). */
function readAds(text: string, file: string): ClassAd[] {
  return text
    .split(/\r?\n\s*\r?\n/)
    .filter((block) => block.trim() !== '')
    .map((block, index) => {
      try {
        return ClassAd.parseText(block);
      } catch (err) {
        throw new TransformError(file, `ad ${index + 1} of ${file}: ${(err as Error).message}`);
      }
    });
}

/** CondorClassAdFileWriter in long form: attributes sorted case-insensitively unless nosort, a blank line after each ad. */
function writeAd(ad: ClassAd, sorted: boolean): string {
  const names = ad.names();
  if (sorted) names.sort(compareAttrNames);
  return names.map((name) => `${name} = ${ad.getOldSource(name)}\n`).join('') + '\n';
}

export const condorTransformAds: Command = async (args, io) => {
  const rules: { kind: 'file' | 'config'; value: string }[] = [];
  const inputs: string[] = [];
  const macros = new Map<string, string>();
  let output = '-';
  let sorted = true;
  let verbose = false;
  const fail = (message: string) => {
    io.stderr(message);
    return 1;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-' || !arg.startsWith('-')) {
      if (arg !== '-' && arg.includes('=')) {
        let name = arg.slice(0, arg.indexOf('=')).trim();
        if (name.startsWith('+')) name = `MY.${name.slice(1)}`;
        if (!/^[A-Za-z0-9_.]+$/.test(name)) return fail(`condor_transform_ads: invalid attribute name '${name}' for attrib=value assigment\n`);
        macros.set(name, arg.slice(arg.indexOf('=') + 1).trim());
      } else inputs.push(arg);
      continue;
    }
    const next = args[i + 1];
    const needsArgument = (what: string, allowDash: boolean) =>
      next === undefined || (next.startsWith('-') && !(allowDash && next === '-')) ? fail(`condor_transform_ads: ${what} requires another argument\n`) : undefined;
    if (isOption(arg, 'verbose', 1)) verbose = true;
    else if (isOption(arg, 'terse', 3)) verbose = false;
    else if (isOption(arg, 'rules', 1)) {
      const refused = needsArgument('-rules', true);
      if (refused !== undefined) return refused;
      rules.push({ kind: 'file', value: next! });
      i++;
    } else if (isOption(arg, 'jobtransforms', 4)) {
      const refused = needsArgument('-jobtransforms', false);
      if (refused !== undefined) return refused;
      rules.push({ kind: 'config', value: next! });
      i++;
    } else if (isOption(arg, 'jobroute', 4)) {
      return fail('condor_transform_ads: -jobroute is not supported by tinycondor: it has no job router (JOB_ROUTER_ROUTE_* transforms)\n');
    } else if (isOption(arg, 'in', 1)) {
      const refused = needsArgument('-in', true) ?? formatRefusal(arg, io);
      if (refused !== undefined) return refused;
      inputs.push(next!);
      i++;
    } else if (isOption(arg, 'out', 1)) {
      const refused = needsArgument('-out', true);
      if (refused !== undefined) return refused;
      for (const option of (arg.split(':')[1] ?? '').split(',').filter((o) => o !== '')) {
        if (option === 'nosort') sorted = false;
        else if (option !== 'long' && option !== 'auto') return formatRefusal(`-out:${option}`, io)!;
      }
      output = next!;
      i++;
    } else if (isOption(arg, 'long', 1)) continue;
    else if (isOption(arg, 'json', 2) || isOption(arg, 'xml', 3)) return fail(`condor_transform_ads: ${arg}: tinycondor reads and writes ClassAds in long form only\n`);
    else if (isOption(arg, 'help', 1)) {
      io.stdout(USAGE);
      return 0;
    } else {
      io.stderr(USAGE);
      return 1;
    }
  }
  if (rules.length === 0) {
    io.stderr(`ERROR : no transform rules specified.\n${USAGE}`);
    return 1;
  }
  let pool: PoolConfig | undefined;
  const config = () => (pool ??= loadPoolConfig(io.env, io.stderr));
  const transforms: JobTransform[] = [];
  for (const rule of rules) {
    if (rule.kind === 'file') {
      let text: string;
      try {
        text = rule.value === '-' ? await io.readStdin() : fs.readFileSync(path.resolve(io.cwd, rule.value), 'utf8');
      } catch {
        io.stderr(`Can't open rules file: ${rule.value}\n`);
        return 255;
      }
      const transform = rulesFileTransform(rule.value === '-' ? '<stdin>' : rule.value, text, io);
      if (transform === undefined) return 1;
      transforms.push(transform);
      continue;
    }
    for (const name of rule.value.split(/[\s,]+/).filter((n) => n !== '')) {
      const raw = config().config.get(`JOB_TRANSFORM_${name}`.toUpperCase())?.value;
      if (raw === undefined) continue;
      if (raw.trimStart().startsWith('[')) {
        io.stderr(`JOB_TRANSFORM_${name} invalid transform text, ignoring. (err=-1) tinycondor does not read transforms in the old ClassAd form\n`);
        continue;
      }
      try {
        transforms.push(parseJobTransform(name, raw.trimStart()));
      } catch (err) {
        if (!(err instanceof TransformError)) throw err;
        io.stderr(`JOB_TRANSFORM_${name} invalid transform text, ignoring. (err=-1) ${err.message}\n`);
      }
    }
  }
  if (inputs.length === 0) inputs.push('-');
  const context = toolEvalContext('XFORM', io, () => config().config);
  let written = '';
  for (const input of inputs) {
    let ads: ClassAd[];
    try {
      const text = input === '-' ? await io.readStdin() : fs.readFileSync(path.resolve(io.cwd, input), 'utf8');
      ads = readAds(text, input);
    } catch (err) {
      io.stderr(err instanceof TransformError ? `${err.message}\n` : `Can't open file of ClassAds: ${input}\n`);
      return 1;
    }
    for (const ad of ads) {
      for (const transform of transforms) {
        if (!transformMatches(transform, ad, context)) continue;
        try {
          applyJobTransform(ad, transform, {
            configRaw: (name) => config().config.get(name.toUpperCase())?.value,
            env: io.env,
            arguments: macros,
            log: (line, isError) => (isError || verbose ? io.stderr(`${line}\n`) : undefined),
            context,
          });
        } catch (err) {
          if (!(err instanceof TransformError)) throw err;
          io.stderr(`ERROR: ${err.message}\nTransform of ad  failed!\n`);
          return 1;
        }
      }
      written += writeAd(ad, sorted);
    }
  }
  if (output === '-') io.stdout(written);
  else fs.writeFileSync(path.resolve(io.cwd, output), written);
  return 0;
};

/** A rules file (MacroStreamXFormSource::load): its statements up to TRANSFORM; an iterating TRANSFORM is refused. */
function rulesFileTransform(name: string, text: string, io: CommandIo): JobTransform | undefined {
  const iterate = /^\s*transform\s+(.*)$/im.exec(text);
  if (iterate && !/^\s*(1\s*)?$/.test(iterate[1]!) && !/^[=:]/.test(iterate[1]!)) {
    io.stderr(`condor_transform_ads: ${name}: TRANSFORM with arguments (an iterating transform) is not supported by tinycondor\n`);
    return undefined;
  }
  try {
    return parseJobTransform(name, text);
  } catch (err) {
    if (!(err instanceof TransformError)) throw err;
    io.stderr(`Invalid rules file ${name} : ${err.message}\n`);
    return undefined;
  }
}

function formatRefusal(arg: string, io: CommandIo): number | undefined {
  const format = arg.split(':')[1];
  if (format === undefined || format === 'long' || format === 'auto') return undefined;
  io.stderr(`condor_transform_ads: ${arg}: tinycondor reads and writes ClassAds in long form only\n`);
  return 1;
}
