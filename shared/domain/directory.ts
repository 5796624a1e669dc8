/**
 * The department directory a city edits: its 専門部会 and 課, the addresses reminders go to and
 * replies come from, the escalation chain and the leadership recipients of the digest: the file
 * format, its schema and types. Who owns what (lookups over a directory) is in ownership.ts, so code
 * that only looks things up does not build these schemas.
 * Pure: no I/O, no AWS.
 */
import * as z from '../zod.ts';

const Slug = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and hyphens (used in links and mail addresses)'));
const Email = z.email();
const Text = z.string().check(z.trim(), z.minLength(1));

export const ContactSchema = z.object({
  name: Text.check(z.describe('person or role, e.g. 企画専門部会長')),
  email: Email,
});
export type Contact = z.infer<typeof ContactSchema>;

export const KaSchema = z.object({
  id: Slug.check(z.describe('stable id used in signed links and reply addresses')),
  name: Text.check(z.describe('課 as the plan names it, e.g. 総合政策課')),
  bukai: Text.check(z.describe('the 専門部会 this 課 sits in')),
  emails: z.array(Email).check(z.minLength(1), z.describe('registered addresses: reminders go to them, replies are accepted from them')),
});
export type Ka = z.infer<typeof KaSchema>;

export const BukaiSchema = z.object({
  id: Slug,
  name: Text.check(z.describe('専門部会, e.g. 企画専門部会')),
  chair: ContactSchema.check(z.describe('部会長: the second step of escalation')),
  emails: z.array(Email).check(z.minLength(1), z.describe('the 部会 mailbox the per-部会 reminder is sent to')),
  attachSheet: z
    .optional(z.boolean())
    .check(z.describe('attach the pre-filled 進捗管理シート (.xlsx) to the quarterly report reminder; absent = false')),
});
export type Bukai = z.infer<typeof BukaiSchema>;

export const DirectorySchema = z
  .object({
    tenant: Slug,
    mailDomain: Text.check(z.describe("domain of the product's own addresses, e.g. shimotsuke.example")),
    sender: Email.check(z.describe('From: of every mail the product sends')),
    replyLocalPart: z._default(Slug, 'progress').check(z.describe('reply-to is <replyLocalPart>+<token>@<mailDomain>')),
    secretariat: z
      .object({ kaId: Slug, name: Text, email: Email })
      .check(z.describe("the plan's secretariat (事務局): the last step of escalation")),
    bukai: z.array(BukaiSchema).check(z.minLength(1)),
    ka: z.array(KaSchema).check(z.minLength(1)),
    leadership: z.array(ContactSchema).check(z.minLength(1), z.describe('recipients of the leadership digest')),
  })
  .check(
    z.superRefine((dir, ctx) => {
      const bukaiNames = new Set(dir.bukai.map((b) => b.name));
      const ids = new Set<string>();
      dir.ka.forEach((ka, i) => {
        if (!bukaiNames.has(ka.bukai)) {
          ctx.addIssue({
            code: 'custom',
            path: ['ka', i, 'bukai'],
            message: `部会 "${ka.bukai}" は bukai にありません / unknown 部会 "${ka.bukai}"`,
          });
        }
        if (ids.has(ka.id)) {
          ctx.addIssue({ code: 'custom', path: ['ka', i, 'id'], message: `課 id "${ka.id}" が重複しています / duplicate id` });
        }
        ids.add(ka.id);
      });
      if (!dir.ka.some((ka) => ka.id === dir.secretariat.kaId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['secretariat', 'kaId'],
          message: `事務局の課 "${dir.secretariat.kaId}" が ka にありません / secretariat 課 not in ka`,
        });
      }
    }),
  );
export type Directory = z.infer<typeof DirectorySchema>;
