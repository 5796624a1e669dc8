/**
 * The CDK app: `npx cdk synth` runs this file (cdk.json → "app"). The configuration comes from the
 * CDK context (see infra/config.ts); cdk-nag's AWS Solutions pack runs as a policy-validation plugin,
 * so any unacknowledged finding fails the synth.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, readConfig } from './config.ts';
import { ShinchokuStack } from './shinchoku-stack.ts';

export const stackName = 'ShinchokuStack';

/**
 * Build the app as `cdk synth` sees it; tests call this with the context from cdk.json (and may point
 * `plansDirectory` at directories of their own).
 */
export function createApp(props: AppProps = {}, options: { plansDirectory?: string } = {}): { app: App; stack: ShinchokuStack } {
  const app = new App(props);
  const config = readConfig(app);
  const stack = new ShinchokuStack(app, stackName, { config, plansDirectory: options.plansDirectory });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

// Run only as the entry point (npx tsx infra/app.ts), not when imported by a test.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    createApp().app.synth();
  } catch (error) {
    // A configuration mistake needs its message, not a stack trace.
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
