// `npm run bench:gpu-bundle`: writes .gpu/ (ignored), what one `device` call needs to run the WebGPU
// training-step bench and PyTorch on the same GPU (issue 23, item 9; ../shared/gpu/README.md): that
// machine has PyTorch, transformers and peft, and no Node, no network. The call carries .gpu and
// runs bench/gpu/run.sh, which unpacks it; the repository's tracked files (run.sh,
// bench/torch_baseline.py) travel with the checkout. Large files travel xz-compressed: the working
// tree and the carried paths together must stay under the device's 64 MiB, and this prints the sum.
//   .gpu/bench.mjs.xz        bench/gpu/bench.ts bundled for Node by esbuild (webgpu left external)
//   .gpu/node_modules/webgpu index.js, package.json, dist/linux-x64/dawn.node.xz (Dawn's Node bindings)
//   .gpu/node.xz             this Node (the bundle's runtime there)
//   .gpu/debs/*.deb          the Vulkan loader and GL dispatch libraries Dawn's NVIDIA ICD needs
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const ROOT = path.join(import.meta.dirname, "..", "..");
const OUT = path.join(ROOT, ".gpu");
/**
 * Dawn's Node bindings, fetched from the npm registry by this script only (`npm pack`): the package
 * ships every platform's build (a 51 MB download, 132 MB unpacked), which no other command needs, so it
 * is not a dependency that every `npm install` would fetch. Pinned: the bench was written against it.
 */
const WEBGPU_PACKAGE = "webgpu@0.6.2";
const WEBGPU = path.join(ROOT, "node_modules", ".gpu-bench", "webgpu");
/** The device tool's limit on what travels: tracked and untracked-not-ignored files plus the carried paths. */
const CARRY_LIMIT = 64 * 1024 ** 2;
/** Debian's Vulkan loader and glvnd: without them the NVIDIA ICD fails with "Could not get 'vkCreateInstance'". */
const DEBS = ["libvulkan1", "libegl1", "libglvnd0", "libopengl0", "libgl1", "libglx0", "libgles2"];

function fail(message: string): never {
  console.error(`bench:gpu-bundle: ${message}`);
  process.exit(1);
}

/** `xz -3` (its level that stays fast on two cores) of `from` into `to`. */
function xz(from: string, to: string): void {
  execFileSync("sh", ["-c", 'xz -T2 -3 -c "$1" > "$2"', "xz", from, to], { stdio: "inherit" });
}

mkdirSync(path.join(OUT, "debs"), { recursive: true });

// 1. The bench for Node: one ESM file. tfjs's ES build calls a bare require("util") on Node, which an
// ES module lacks: the banner defines one. webgpu stays external: it loads dawn.node beside itself.
// Written uncompressed outside .gpu (it would count twice against the limit), where this machine's
// Node could run it; .gpu gets it compressed.
const bundle = path.join(ROOT, "node_modules", ".gpu-bench", "bench.mjs");
await build({
  entryPoints: [path.join(ROOT, "bench", "gpu", "bench.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outfile: bundle,
  external: ["webgpu"],
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  logLevel: "warning",
});
xz(bundle, path.join(OUT, "bench.mjs.xz"));

// 2. Dawn's Node bindings, the Linux x64 build only.
const WEBGPU_FILES = ["index.js", "package.json", "LICENSE.md", "dist/linux-x64/dawn.node"];
if (!existsSync(path.join(WEBGPU, "dist", "linux-x64", "dawn.node"))) {
  mkdirSync(WEBGPU, { recursive: true });
  const packed = spawnSync("npm", ["pack", WEBGPU_PACKAGE, "--silent", "--pack-destination", WEBGPU], { encoding: "utf8" });
  if (packed.status !== 0)
    fail(`npm pack ${WEBGPU_PACKAGE} failed (${packed.stderr.trim().split("\n").at(-1)}); it needs the npm registry.`);
  const tgz = path.join(WEBGPU, packed.stdout.trim().split("\n").at(-1)!);
  execFileSync("tar", ["-xzf", tgz, "-C", WEBGPU, "--strip-components=1", ...WEBGPU_FILES.map((f) => `package/${f}`)]);
  rmSync(tgz);
}
const webgpuOut = path.join(OUT, "node_modules", "webgpu");
mkdirSync(path.join(webgpuOut, "dist", "linux-x64"), { recursive: true });
for (const f of WEBGPU_FILES.slice(0, 3)) copyFileSync(path.join(WEBGPU, f), path.join(webgpuOut, f));
xz(path.join(WEBGPU, "dist", "linux-x64", "dawn.node"), path.join(webgpuOut, "dist", "linux-x64", "dawn.node.xz"));

// 3. Node itself, compressed again only when this Node is another version than the one there.
const nodeVersion = path.join(OUT, "node.version");
if (!existsSync(path.join(OUT, "node.xz")) || !existsSync(nodeVersion) || readFileSync(nodeVersion, "utf8") !== process.version) {
  xz(process.execPath, path.join(OUT, "node.xz"));
  writeFileSync(nodeVersion, process.version);
}

// 4. The loader packages, from Debian's mirror.
const debsDir = path.join(OUT, "debs");
const missing = DEBS.filter((name) => !readdirSync(debsDir).some((f) => f.startsWith(`${name}_`)));
if (missing.length) {
  const r = spawnSync("apt-get", ["download", ...missing], { cwd: debsDir, encoding: "utf8" });
  if (r.status !== 0)
    fail(`apt-get download ${missing.join(" ")} failed (${r.stderr.trim().split("\n").at(-1)}); run it by hand in .gpu/debs.`);
}

const files = readdirSync(OUT, { recursive: true, encoding: "utf8" })
  .map((f) => ({ file: path.relative(ROOT, path.join(OUT, f)), stat: statSync(path.join(OUT, f)) }))
  .flatMap(({ file, stat }) => (stat.isFile() ? [{ file, bytes: stat.size }] : []));

/** What travels besides .gpu: tracked files and untracked ones that git does not ignore. */
const tree = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" })
  .split("\0")
  .filter((f) => f && existsSync(path.join(ROOT, f)))
  .reduce((n, f) => n + statSync(path.join(ROOT, f)).size, 0);
const carried = files.reduce((n, f) => n + f.bytes, 0);
const mib = (n: number) => `${(n / 1024 ** 2).toFixed(1)} MiB`;
for (const f of files.sort((a, b) => b.bytes - a.bytes)) console.log(`${mib(f.bytes).padStart(10)}  ${f.file}`);
console.log(`${mib(carried).padStart(10)}  .gpu in all`);
console.log(`${mib(tree).padStart(10)}  the working tree (tracked and untracked-not-ignored files)`);
console.log(`${mib(tree + carried).padStart(10)}  travels, of the device's ${mib(CARRY_LIMIT)}`);
console.log(`${mib(statSync(bundle).size).padStart(10)}  ${path.relative(ROOT, bundle)} (uncompressed, stays here)`);
if (tree + carried > CARRY_LIMIT) fail(`what travels is ${mib(tree + carried)}, over the device's ${mib(CARRY_LIMIT)}.`);
