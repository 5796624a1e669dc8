/** The reminder rules of the CLI's commands that work beside a running local stack. */
import { parseReminderConfig, reminderConfigFromEnv, reminderConfigVariable, type ReminderConfig } from '#shared/domain/reminders';
import type { RunningStack } from '#local/running-stack';
import { InputError } from './output.ts';

/**
 * The reminder rules a command run beside the local stack goes by (the days `remind` sends, a sheet's
 * 提出期限): those the running stack recorded (its REMINDER_CONFIG, which its scheduler, compile and
 * digest follow), else this shell's REMINDER_CONFIG (the defaults when unset). Rules of this shell that
 * differ from the running stack's are refused: the mails or sheets would name due dates and steps the
 * stack's own schedule does not keep.
 */
export function stackReminderRules(env: NodeJS.ProcessEnv, running: Pick<RunningStack, 'reminders'> | undefined): ReminderConfig {
  const own = reminderConfigFromEnv(env);
  if (running?.reminders === undefined) return own;
  const stack = parseReminderConfig(running.reminders);
  const text = env[reminderConfigVariable];
  if (text !== undefined && text.trim() !== '' && JSON.stringify(own) !== JSON.stringify(stack)) {
    throw new InputError(
      `${reminderConfigVariable} のリマインダー設定が、起動中のローカル環境の設定と違います。起動中の環境の設定で送るので、${reminderConfigVariable} を外して実行してください ` +
        `(この環境: ${JSON.stringify(own)}、起動中の環境: ${JSON.stringify(stack)})`,
      `the reminder rules of ${reminderConfigVariable} differ from the rules the running local stack was started with; ` +
        `reminders go by the stack's rules, so run it without ${reminderConfigVariable} (here: ${JSON.stringify(own)}, the stack: ${JSON.stringify(stack)})`,
    );
  }
  return stack;
}
