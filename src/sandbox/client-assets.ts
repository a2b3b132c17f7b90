/**
 * The page's script and styles. `npm run build` bundles them next to the server bundle; run from
 * source (tests, tsx) they are bundled here on first use, with the same esbuild options.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ClientAssets {
  js: string;
  css: string;
}

/** Kept the same as the client step of `npm run build` in package.json. */
const TARGET = ['chrome110', 'firefox110', 'safari16'];

export async function clientAssets(): Promise<ClientAssets> {
  const js = new URL('./sandbox/client.js', import.meta.url);
  const css = new URL('./sandbox/client.css', import.meta.url);
  if (existsSync(js) && existsSync(css))
    return { js: readFileSync(js, 'utf8'), css: readFileSync(css, 'utf8') };
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [fileURLToPath(new URL('./client/main.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: TARGET,
    minify: true,
    outdir: 'out',
    logLevel: 'warning',
  });
  const file = (ext: string) => out.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { js: file('.js'), css: file('.css') };
}
