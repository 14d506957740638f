import { configTemplate, configTemplateNames, expandTemplateArguments, templateUses } from '@tinycondor/shared/condor-config';
import { CliError, type Command, type CommandIo } from '../cli-error.js';
import { loadPoolConfig } from '../pool-config.js';

const USAGE = 'Usage: condor_config_val <name>... | use <category>[:<name>]';

/** condor_config_val NAME…: the pool's configuration values, macros expanded; `use CATEGORY[:name]` prints a template. */
export const condorConfigVal: Command = async (args, io) => {
  const unknown = args.find((a) => a.startsWith('-'));
  if (unknown) throw new CliError(`ERROR: unsupported option ${unknown}\n${USAGE}`);
  const queries: { template?: string; name?: string }[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i]!.toLowerCase() === 'use') {
      const spec = args[i + 1];
      if (spec === undefined) {
        io.stderr('use should be followed by a category or category:option argument\n');
        queries.push({ template: '' });
      } else {
        queries.push({ template: spec });
        i++;
      }
    } else queries.push({ name: args[i] });
  }
  if (queries.length === 0) throw new CliError(USAGE);
  const pool = loadPoolConfig(io.env, io.stderr);
  let missing = false;
  for (const query of queries) {
    if (query.template !== undefined) {
      missing = !printTemplate(query.template, io) || missing;
      continue;
    }
    const value = pool.value(query.name!);
    if (value === undefined) {
      io.stderr(`Not defined: ${query.name}\n`);
      missing = true;
    } else io.stdout(`${value}\n`);
  }
  return missing ? 1 : 0;
};

/** config_val.cpp's PrintMetaParam without -expanded: a category's names, or a template's text. */
function printTemplate(spec: string, io: CommandIo): boolean {
  let category = spec;
  let rest = '';
  const separator = spec.search(/[:=]/);
  if (separator >= 0) {
    category = spec.slice(0, separator);
    rest = spec.slice(separator + 1);
  } else if (spec.includes('.')) {
    // The common typo: a '.' where ':' was meant.
    const dot = spec.indexOf('.');
    io.stderr(`${spec} is not valid, assuming ${spec.slice(0, dot)}:${spec.slice(dot + 1)} was intended\n`);
    category = spec.slice(0, dot);
    rest = spec.slice(dot + 1);
  }
  const names = configTemplateNames(category);
  if (names !== undefined && rest === '') {
    io.stdout(`use ${category.toUpperCase()} accepts\n${names.map((name) => `  ${name}\n`).join('')}`);
    return true;
  }
  const use = templateUses(rest)[0];
  const template = names === undefined || use === undefined ? undefined : configTemplate(category, use.name);
  if (template === undefined) {
    io.stdout(`Not defined: use ${(names === undefined ? category : `${category}:${rest}`).toUpperCase()}\n`);
    return false;
  }
  if (use!.args === '') io.stdout(`use ${template.category}:${template.name} is\n${template.text}\n`);
  else io.stdout(`use ${template.category}:${rest} is\n${expandTemplateArguments(template.text, use!.args)}\n\n`);
  return true;
}
