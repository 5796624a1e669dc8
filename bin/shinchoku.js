#!/usr/bin/env node
// The `shinchoku` command. Sources are TypeScript, run through tsx, so there is no build step.
// The AWS SDK's Node-version notice concerns releases after the lockfile's pinned ones; the Lambda
// runtime itself is Node 24 (infra/function.ts).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
