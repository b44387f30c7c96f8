/**
 * Module hooks that let a worker thread run TypeScript sources, used only when this package itself runs from its
 * `.ts` sources (under vitest, which transpiles the main thread but not worker threads). Compiled builds never
 * load them.
 *
 * NOTE [TypeScript in worker threads]: a worker started from `src/worker.ts` must import `.ts` files, follow the
 * `./x.js` → `./x.ts` convention of our sources, and resolve workspace packages (`@proj/tensor`) to their `src/`
 * as vitest's aliases do, so that main thread and workers run the same code. The hooks transpile with the
 * `typescript` package (types stripped, no type check) and cache the output in the OS temp directory keyed by the
 * source's hash, so only the first worker pays for the transpiler.
 */

/** ES module source of the hooks; `initialize` receives `{ typescript: <file URL of typescript.js> }`. */
export const SOURCE_HOOKS = `
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

let typescriptUrl;
let ts;
const cacheDir = join(tmpdir(), 'proj-data-ts-cache');

export function initialize(data) {
  typescriptUrl = data.typescript;
}

const isTs = (url) => url.startsWith('file:') && /\\.(m?ts|tsx)$/.test(url);

export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent && isTs(parent)) {
    if (specifier.startsWith('.') && /\\.m?js$/.test(specifier)) {
      const candidate = new URL(specifier.replace(/\\.(m?)js$/, '.$1ts'), parent);
      if (existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true };
    }
    const bare = /^(@[^/]+\\/[^/]+|[^@./][^/:]*)$/.exec(specifier);
    if (bare) {
      let dir = dirname(fileURLToPath(parent));
      for (;;) {
        const packageDir = join(dir, 'node_modules', specifier);
        if (existsSync(join(packageDir, 'package.json'))) {
          const real = realpathSync(packageDir);
          const source = join(real, 'src', 'index.ts');
          // Workspace packages (symlinked, outside node_modules) resolve to their sources.
          if (!real.includes('/node_modules/') && existsSync(source)) {
            return { url: pathToFileURL(source).href, shortCircuit: true };
          }
          break;
        }
        const up = dirname(dir);
        if (up === dir) break;
        dir = up;
      }
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!isTs(url)) return next(url, context);
  const path = fileURLToPath(url);
  const source = readFileSync(path, 'utf8');
  const key = createHash('sha256').update(url).update('\\0').update(source).digest('hex').slice(0, 32);
  const cached = join(cacheDir, key + '.mjs');
  if (existsSync(cached)) return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  ts ??= (await import(typescriptUrl)).default;
  const output = ts.transpileModule(source, {
    fileName: path,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      inlineSourceMap: true,
    },
  }).outputText;
  try {
    mkdirSync(cacheDir, { recursive: true });
    const temporary = cached + '.' + process.pid + '.' + Math.random().toString(36).slice(2);
    writeFileSync(temporary, output);
    renameSync(temporary, cached);
  } catch {
    // The cache is an optimisation only.
  }
  return { format: 'module', source: output, shortCircuit: true };
}
`;
