import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type RouteSchema = { schema: unknown; httpPart?: string; httpStatus?: string; contentType?: string };

const moduleRequire = createRequire(import.meta.url);
// The generated code requires the compilers' runtime helpers (ajv/dist/runtime/*, fast-json-stringify/lib/*):
// resolved from the packages that generate it, as a module next to them would resolve them.
const ajvCompilerRequire = createRequire(moduleRequire.resolve('@fastify/ajv-compiler'));
const serializerRequire = createRequire(moduleRequire.resolve('@fastify/fast-json-stringify-compiler'));

type Compile<T> = (route: RouteSchema) => T;
type CompilerFactory<T> = (externalSchemas: unknown, options: unknown) => Compile<T>;

/**
 * The compilers themselves (ajv, fast-json-stringify and their fastify wrappers), loaded at the first schema
 * the cache does not hold: a start that finds every schema compiled never loads them.
 */
const compilers = lazy(() => ({
  ajv: (moduleRequire('@fastify/ajv-compiler') as { AjvCompiler: () => CompilerFactory<unknown> }).AjvCompiler(),
  ajvReference: (moduleRequire('@fastify/ajv-compiler') as { AjvReference: symbol }).AjvReference,
  // ajv's own standalone code generator, as @fastify/ajv-compiler's StandaloneValidator uses it (CommonJS, default export).
  standaloneCode: (ajvCompilerRequire('ajv/dist/standalone') as { default: (ajv: unknown, validate: unknown) => string }).default,
  serializer: (moduleRequire('@fastify/fast-json-stringify-compiler') as { SerializerSelector: () => CompilerFactory<string> }).SerializerSelector(),
}));

function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** What the generated code depends on besides the schema: a new version of a compiler writes new code. */
function compilerVersions(): string {
  return ['ajv', 'fast-json-stringify'].map((name) => `${name}@${(ajvCompilerRequire(`${name}/package.json`) as { version: string }).version}`).join(',');
}

/**
 * fastify's schema compilers with their generated code kept in `dir` (the user's code cache directory,
 * launch.cts' codeCacheDir), so a schedd's start loads the REST API's ~100 validators and serializers
 * instead of compiling them (about a fifth of its start's CPU). A schema is looked up by a hash of itself,
 * its compiler's options and the compilers' versions: a changed schema or compiler compiles anew and stores
 * the result; a cache file that cannot be read or run just means compiling. The code is what fastify's own
 * standalone compilers (@fastify/ajv-compiler's StandaloneValidator, @fastify/fast-json-stringify-compiler's
 * StandaloneSerializer) write, produced on a miss and stored under a temporary name then renamed.
 */
export function cachedSchemaCompilers(dir: string, logger: Logger): CompilersFactory {
  const versions = compilerVersions();
  const cache = (kind: string, options: unknown, load: (code: string) => unknown, generate: (route: RouteSchema) => { fn: unknown; code: string }) => {
    return (route: RouteSchema) => {
      const key = createHash('sha256').update(JSON.stringify([kind, versions, options, route.schema, route.httpPart ?? null, route.contentType ?? null])).digest('hex');
      const file = path.join(dir, `schema-${kind}-${key}.js`);
      let code: string | undefined;
      try {
        code = fs.readFileSync(file, 'utf8');
      } catch {
        code = undefined;
      }
      if (code !== undefined) {
        try {
          return load(code);
        } catch (err) {
          logger.warn({ err, file }, 'compiled schema not usable: compiling it again');
        }
      }
      const { fn, code: generated } = generate(route);
      const temp = `${file}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(temp, generated, { mode: 0o600 });
        fs.renameSync(temp, file);
      } catch (err) {
        fs.rmSync(temp, { force: true });
        logger.debug({ err, file }, 'compiled schema not stored');
      }
      return fn;
    };
  };
  return {
    buildValidator(externalSchemas: unknown, ajvOptions: { customOptions?: object }) {
      const options = { ...ajvOptions, customOptions: { ...ajvOptions?.customOptions, code: { source: true } } };
      const compile = lazy(() => compilers().ajv(externalSchemas, options) as Compile<unknown> & Record<symbol, { ajv: unknown }>);
      return cache('validator', [externalSchemas, options], (code) => runModule(code, ajvCompilerRequire), (route) => {
        const { standaloneCode, ajvReference } = compilers();
        const fn = compile()(route);
        return { fn, code: standaloneCode(compile()[ajvReference].ajv, fn) };
      });
    },
    buildSerializer(externalSchemas: unknown, serializerOptions: object) {
      const options = { ...serializerOptions, mode: 'standalone' as const };
      const compile = lazy(() => compilers().serializer(externalSchemas, options));
      return cache('serializer', [externalSchemas, options], (code) => runModule(code, serializerRequire), (route) => {
        const code = compile()(route);
        return { fn: runModule(code, serializerRequire), code };
      });
    },
  } as unknown as CompilersFactory;
}

/** Runs a generated CommonJS module's code and gives its export. */
function runModule(code: string, requireFrom: NodeJS.Require): unknown {
  const module = { exports: {} as unknown };
  new Function('module', 'exports', 'require', code)(module, module.exports, requireFrom);
  if (typeof module.exports !== 'function') throw new Error('compiled schema exports no function');
  return module.exports;
}
