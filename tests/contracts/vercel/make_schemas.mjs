// Writes the JSON Schemas in this folder from Vercel's official SDK, @vercel/sdk (npm), so that the fake Vercel
// (tests/fake_vercel.py) checks every request the gate sends and every answer it gives against the SDK's own
// types, with jsonschema, offline. Run by hand when the SDK changes, in a scratch folder (never in CI):
//
//   npm i -E @vercel/sdk@1.28.35 zod-to-json-schema@3.25.2
//   node /path/to/tests/contracts/vercel/make_schemas.mjs /path/to/tests/contracts/vercel
//
// The SDK's models are zod schemas (zod/v3). Its `smartUnion` hides a union's members inside a transform, which
// no converter can read; the script rewrites that one helper in the scratch copy to a plain `z.union` (the same
// members) before loading the models. Request bodies are written as the SDK sends them (`$outboundSchema`'s
// output), answers as it reads them (`$inboundSchema`'s input), objects closed (no field the SDK lacks).
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const out = process.argv[2];
const require = createRequire(join(process.cwd(), "x.js"));
const sdk = dirname(require.resolve("@vercel/sdk/package.json"));
const helper = join(sdk, "esm/types/smartUnion.js");
const plain = 'import * as z from "zod/v3";\nexport function smartUnion(options) { return z.union(options); }\n';
if (!readFileSync(helper, "utf8").includes("return z.union(options)")) writeFileSync(helper, plain);
const { zodToJsonSchema } = await import(require.resolve("zod-to-json-schema"));
const version = JSON.parse(readFileSync(join(sdk, "package.json"), "utf8")).version;

const models = async (name) => import(join(sdk, "esm/models", name + ".js"));
const wanted = [
  ["createdeployment.request", "responsebodyimages", "CreateDeploymentRequestBody$outboundSchema", "output"],
  ["createdeployment.answer", "createdeploymentresponsebody", "CreateDeploymentResponseBody$inboundSchema", "input"],
  ["getdeployment.answer", "getdeploymentresponsebody", "GetDeploymentResponseBody$inboundSchema", "input"],
  ["getdeployments.answer", "getdeploymentsop", "GetDeploymentsResponseBody$inboundSchema", "input"],
  ["deletedeployment.answer", "deletedeploymentop", "DeleteDeploymentResponseBody$inboundSchema", "input"],
  ["uploadfile.answer", "uploadfileop", "UploadFileResponseBody$inboundSchema", "input"],
  ["getproject.answer", "getprojectresponsebody", "GetProjectResponseBody$inboundSchema", "input"],
];
for (const [file, module, name, io] of wanted) {
  const schema = (await models(module))[name];
  const json = zodToJsonSchema(schema, { effectStrategy: "input", pipeStrategy: io, $refStrategy: "none" });
  json.$comment = `@vercel/sdk ${version}, ${module}.js ${name} (${io === "output" ? "as sent" : "as read"})`;
  writeFileSync(join(out, file + ".json"), JSON.stringify(json) + "\n");
  console.log(file, JSON.stringify(json).length);
}
