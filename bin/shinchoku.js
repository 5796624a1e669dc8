#!/usr/bin/env node
// The `shinchoku` command. Sources are TypeScript, run through tsx, so there is no build step.
// The AWS SDK's Node-version notice concerns releases after the lockfile's pinned ones; the Lambda
// runtime itself is Node 24 (infra/function.ts).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Output piped to a reader that stops early (`shinchoku plan export | head`) ends the command quietly,
// as other command-line tools do, instead of with an unhandled EPIPE stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
