/**
 * The department directory a city edits: its 専門部会 and 課, the addresses reminders go to and
 * replies come from, the escalation chain and the leadership recipients of the digest: the file
 * format, its schema and types. Who owns what (lookups over a directory) is in ownership.ts, so code
 * that only looks things up does not build these schemas. Every object is strict: a key the schema does
 * not know (a misspelt "attachSheets") is refused with its name, never dropped.
 * Pure: no I/O, no AWS.
 */
import * as z from '../zod.ts';
import { directoryIdPattern, tenantPattern } from './ids.ts';

const Slug = z
  .string()
  .check(
    z.regex(
      directoryIdPattern,
      '半角の英小文字・数字・ハイフンで 2〜63 文字です (リンクとメールアドレスに使います) / 2 to 63 lower-case letters, digits and hyphens (used in links and mail addresses)',
    ),
  );

/** The tenant key this directory belongs to: like the ids above but 3 to 63 characters, as every stored record is keyed by it. */
const TenantKey = z
  .string()
  .check(
    z.regex(
      tenantPattern,
      '半角の英小文字・数字・ハイフンで 3〜63 文字です (計画ファイルの tenant と同じ値) / 3 to 63 lower-case letters, digits and hyphens (the plan file\'s tenant)',
    ),
  );

/**
 * What a reply token adds to its 課 id: `.2013q2.<expiry>.<signature>`, the expiry in up to 7 base-36
 * digits (epoch seconds; 6 until 2038) and a 16-character signature (shared/auth/link-token.ts).
 */
export const tokenCharsBeyondKaId = 1 + 6 + 1 + 7 + 1 + 16;

/**
 * The longest 課 id a directory may use: each 課's reply address is `<replyLocalPart>+<token>@…`, and
 * the part before the @ may have at most 64 characters (RFC 5321).
 */
export function maxKaIdLength(replyLocalPart: string): number {
  return 64 - replyLocalPart.length - 1 - tokenCharsBeyondKaId;
}
const Email = z.email();
const Text = z.string().check(z.trim(), z.minLength(1));

export const ContactSchema = z.strictObject({
  name: Text.check(z.describe('person or role, e.g. 企画専門部会長')),
  email: Email,
});
export type Contact = z.infer<typeof ContactSchema>;

export const KaSchema = z.strictObject({
  id: Slug.check(z.describe('stable id used in signed links and reply addresses')),
  name: Text.check(z.describe('課 as the plan names it, e.g. 総合政策課')),
  bukai: Text.check(z.describe('the 専門部会 this 課 sits in')),
  emails: z.array(Email).check(z.minLength(1), z.describe('registered addresses: reminders go to them, replies are accepted from them')),
});
export type Ka = z.infer<typeof KaSchema>;

export const BukaiSchema = z.strictObject({
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
  .strictObject({
    $schema: z.optional(Text).check(z.describe('the JSON Schema an editor checks the file with; not used otherwise')),
    tenant: TenantKey,
    mailDomain: Text.check(z.describe("domain of the product's own addresses, e.g. shimotsuke.example")),
    sender: Email.check(z.describe('From: of every mail the product sends')),
    replyLocalPart: z._default(Slug, 'progress').check(z.describe('reply-to is <replyLocalPart>+<token>@<mailDomain>')),
    secretariat: z
      .strictObject({ kaId: Slug, name: Text, email: Email })
      .check(z.describe("the plan's secretariat (事務局): the last step of escalation")),
    bukai: z.array(BukaiSchema).check(z.minLength(1)),
    ka: z.array(KaSchema).check(z.minLength(1)),
    leadership: z.array(ContactSchema).check(z.minLength(1), z.describe('recipients of the leadership digest')),
  })
  .check(
    z.superRefine((dir, ctx) => {
      const bukaiNames = new Set(dir.bukai.map((b) => b.name));
      const bukaiIds = new Set<string>();
      const namesSeen = new Set<string>();
      dir.bukai.forEach((b, i) => {
        if (bukaiIds.has(b.id)) {
          ctx.addIssue({ code: 'custom', path: ['bukai', i, 'id'], message: `部会 id "${b.id}" が重複しています / duplicate 部会 id "${b.id}"` });
        }
        if (namesSeen.has(b.name)) {
          ctx.addIssue({ code: 'custom', path: ['bukai', i, 'name'], message: `部会 "${b.name}" が2回あります / 部会 "${b.name}" is listed twice` });
        }
        bukaiIds.add(b.id);
        namesSeen.add(b.name);
      });
      const kaInBukai = new Set<string>();
      const ids = new Map<string, number>();
      dir.ka.forEach((ka, i) => {
        if (!bukaiNames.has(ka.bukai)) {
          ctx.addIssue({
            code: 'custom',
            path: ['ka', i, 'bukai'],
            message: `部会 "${ka.bukai}" は bukai にありません / unknown 部会 "${ka.bukai}"`,
          });
        }
        const longest = maxKaIdLength(dir.replyLocalPart);
        if (ka.id.length > longest) {
          ctx.addIssue({
            code: 'custom',
            path: ['ka', i, 'id'],
            message: `課 id "${ka.id}" は ${longest} 文字以内にしてください (返信用アドレス ${dir.replyLocalPart}+<トークン>@… の @ より前は 64 文字まで) / 課 id "${ka.id}" must have at most ${longest} characters, so that its reply address (${dir.replyLocalPart}+<token>@…) stays within 64 characters before the @`,
          });
        }
        const pair = `${ka.bukai}\u0000${ka.name}`;
        if (kaInBukai.has(pair)) {
          ctx.addIssue({
            code: 'custom',
            path: ['ka', i, 'name'],
            message: `${ka.bukai} の ${ka.name} が2回あります / ${ka.name} of ${ka.bukai} is listed twice`,
          });
        }
        kaInBukai.add(pair);
        const first = ids.get(ka.id);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['ka', i, 'id'],
            message: `課 id "${ka.id}" が重複しています (最初は ka[${first}]) / duplicate 課 id "${ka.id}" (first at ka[${first}])`,
          });
        } else ids.set(ka.id, i);
      });
      if (!dir.ka.some((ka) => ka.id === dir.secretariat.kaId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['secretariat', 'kaId'],
          message: `事務局の課 "${dir.secretariat.kaId}" が ka にありません / the secretariat's 課 "${dir.secretariat.kaId}" is not in ka`,
        });
      }
    }),
  );
export type Directory = z.infer<typeof DirectorySchema>;
