// Bundles each condor_* command (packages/cli/dist/bin/NAME.js, after `tsc -b`) into one CommonJS file,
// packages/cli/bundle/NAME.cjs, which packages/cli/bin/NAME.js runs with V8's code cache (see src/launch.cts).
// npm packages stay outside the bundles (loaded by require where a command uses them). A module that finds
// files next to it through import.meta.url (the daemons' native modules, LIBEXEC) gets its own dist file's URL,
// written relative to the bundle. packages/cli/dist/node links to the node running this script (see packages/cli/bin).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'packages', 'cli');
// Bundled although npm packages: a command checks the schedd's replies with TypeBox, and loading it from
// node_modules costs ~200 ms; bundled, only what the checks use is there, in the code cache. re2js (the ClassAd
// regexps), loaded by every command that holds the ClassAd evaluator, cost condor_submit ~8 ms from node_modules.
const BUNDLED_PACKAGES = new Set(['@sinclair/typebox', 're2js']);

const external = new Set();
for (const pkg of fs.readdirSync(path.join(root, 'packages'))) {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'packages', pkg, 'package.json'), 'utf8'));
  for (const dep of Object.keys(manifest.dependencies ?? {})) if (!dep.startsWith('@tinycondor/') && !BUNDLED_PACKAGES.has(dep)) external.add(dep);
}

const names = fs
  .readdirSync(path.join(cli, 'dist', 'bin'))
  .filter((file) => file.endsWith('.js'))
  .map((file) => file.slice(0, -'.js'.length))
;
if (names.length === 0) throw new Error(`no commands in ${path.join(cli, 'dist', 'bin')}: run tsc -b first`);

const bundleDir = path.join(cli, 'bundle');
// Defined at the bundle's top, where require and __dirname are the bundle's own (a module may name a local `require`).
const MODULE_URL = '__tinycondorModuleUrl';
/** import.meta.url of each bundled module: its dist file's URL, found from the bundle's own path at run time. */
const importMetaUrl = {
  name: 'import-meta-url',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\/packages\/[^/]+\/dist\/.*\.js$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const url = `${MODULE_URL}(${JSON.stringify(path.relative(bundleDir, args.path))})`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'js' };
    });
  },
};

const result = await build({
  entryPoints: Object.fromEntries(names.map((name) => [name, path.join(cli, 'dist', 'bin', `${name}.js`)])),
  outdir: bundleDir,
  plugins: [importMetaUrl],
  banner: { js: `const ${MODULE_URL} = (relative) => require('node:url').pathToFileURL(require('node:path').join(__dirname, relative)).href;` },
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: [...external],
  // import() of an npm package becomes require(): the bundle runs as a script, which has no module loader.
  supported: { 'dynamic-import': false },
  write: false,
  logLevel: 'silent',
});
// A warning (import.meta in a bundled module, say) would mean a command that behaves differently bundled.
if (result.warnings.length > 0) {
  for (const warning of result.warnings) console.error(`bundle-cli: ${warning.text} (${warning.location?.file}:${warning.location?.line})`);
  process.exit(1);
}
fs.mkdirSync(path.join(cli, 'bundle'), { recursive: true });
for (const output of result.outputFiles) {
  // Written under a temporary name then renamed: a command started meanwhile reads a whole bundle.
  const temp = `${output.path}.${process.pid}.tmp`;
  fs.writeFileSync(temp, output.contents);
  fs.renameSync(temp, output.path);
}
// The node the commands were built with, for a bin script that finds none on PATH (a job's environment has none).
const nodeLink = path.join(cli, 'dist', 'node');
const tempLink = `${nodeLink}.${process.pid}.tmp`;
fs.symlinkSync(process.execPath, tempLink);
fs.renameSync(tempLink, nodeLink);
console.log(`bundle-cli: ${names.length} commands bundled into ${path.relative(root, path.join(cli, 'bundle'))}`);
